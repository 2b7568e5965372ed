import { createHash, randomBytes } from 'node:crypto';
import type { AppPassword, AppPasswordStore } from '../../store/types.ts';
import { hashPassword, verifyPassword } from '../auth.ts';

/**
 * App passwords: what sync apps (Google Reader and Fever clients) log in with, apart from the editor's password, one
 * per app so that each can be revoked alone. The login name is the password's name.
 */

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export class AppPasswordError extends Error {}

/** md5("name:password") in hex: the Fever protocol's api_key. */
export function feverKeyOf(name: string, password: string): string {
  return createHash('md5').update(`${name}:${password}`).digest('hex');
}

/** Makes, stores and returns a new random password named `name` (the only time it is shown). */
export async function createAppPassword(
  store: AppPasswordStore,
  name: string,
  now = Date.now(),
): Promise<{ name: string; password: string }> {
  if (!NAME.test(name)) {
    throw new AppPasswordError(
      `invalid name "${name}": 1-64 letters, digits, . _ @ - (starting with a letter or digit); apps send it as the login`,
    );
  }
  // 120 bits, in letters and digits only: some apps mangle punctuation in passwords.
  const password = randomBytes(30)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 24);
  const stored = await store.addAppPassword(
    { name, passwordHash: await hashPassword(password), feverKey: feverKeyOf(name, password) },
    now,
  );
  if (!stored) throw new AppPasswordError(`an app password named "${name}" exists; revoke it first`);
  return { name, password };
}

/** The app password `name` when `password` is its password. */
export async function checkAppPassword(
  store: AppPasswordStore,
  name: string,
  password: string,
): Promise<AppPassword | undefined> {
  const entry = await store.getAppPassword(name);
  if (!entry || !(await verifyPassword(password, entry.passwordHash))) return undefined;
  return entry;
}
