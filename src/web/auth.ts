import { createHash, createHmac, randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Passwords, sessions and login throttling.
 *
 * Password hashes look like `scrypt$N$r$p$salt$hash` (salt and hash base64) so that the cost can be raised later
 * without breaking stored hashes. The session is a signed cookie holding `sid.auth.expiry`; the CSRF token of a
 * session is an HMAC of its sid, so it needs no server-side storage.
 */

const DEFAULT_COST = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, cost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEY_LENGTH, { ...cost, maxmem: 256 * cost.N * cost.r });
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.trim().split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length === 0) return false;
  try {
    const key = await scryptAsync(password, salt, expected.length, { N, r, p, maxmem: 256 * N * r });
    return timingSafeEqual(key, expected);
  } catch {
    return false;
  }
}

/** The secret signing session cookies: configured, or derived from the password hash (so changing it logs all out). */
export function sessionSecret(
  configured: string | undefined,
  passwordHash: string | undefined,
  fallback: string,
): string {
  const explicit = configured || process.env.RUNDSCHAU_SESSION_SECRET;
  if (explicit) return explicit;
  if (passwordHash) return createHash('sha256').update(`rundschau-session:${passwordHash}`).digest('base64url');
  return fallback;
}

export function randomToken(bytes = 18): string {
  return randomBytes(bytes).toString('base64url');
}

export interface Session {
  sid: string;
  /** Logged in with the password (meaningless when none is configured). */
  authenticated: boolean;
  /** Epoch seconds. */
  expiresAt: number;
}

export const SESSION_COOKIE = 'rs_session';
export const SESSION_TTL_SECONDS = 30 * 86_400;
/** Anonymous sessions only carry the CSRF token: short-lived. */
export const ANONYMOUS_TTL_SECONDS = 86_400;

export function encodeSession(s: Session): string {
  return `${s.sid}.${s.authenticated ? 1 : 0}.${s.expiresAt}`;
}

export function decodeSession(value: string | false | undefined, nowSeconds: number): Session | undefined {
  if (!value) return undefined;
  const [sid, auth, exp] = value.split('.');
  const expiresAt = Number(exp);
  if (!sid || !/^[A-Za-z0-9_-]{16,64}$/.test(sid) || !Number.isFinite(expiresAt) || expiresAt <= nowSeconds) {
    return undefined;
  }
  return { sid, authenticated: auth === '1', expiresAt };
}

export function csrfTokenFor(secret: string, sid: string): string {
  return createHmac('sha256', secret).update(`csrf:${sid}`).digest('base64url');
}

export function tokensEqual(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Fixed-window counter per key (client IP), in memory: enough for one process guarding one password. */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts an attempt; false when the key is over its limit in the current window. */
  attempt(key: string, now: number): boolean {
    if (this.windows.size > 10_000) this.prune(now);
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      this.windows.set(key, { start: now, count: 1 });
      return true;
    }
    w.count += 1;
    return w.count <= this.limit;
  }

  /** Seconds until the key may try again. */
  retryAfter(key: string, now: number): number {
    const w = this.windows.get(key);
    return w ? Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) : 0;
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
  }
}

/**
 * Counts one attempt of `key`: resolves 0 when it may go ahead, else the seconds until it may try again. Login
 * throttles take one by name (`AppDeps.attempts`): in memory for one process, kept by the primary process when
 * `serve --web-processes N` runs several, so a guesser spreading tries over the processes meets one limit.
 */
export type AttemptCounter = (key: string, now: number) => Promise<number>;

/** The counter of one process (a `RateLimiter`). */
export function localAttempts(limit: number, windowMs: number): AttemptCounter {
  const limiter = new RateLimiter(limit, windowMs);
  return async (key, now) => (limiter.attempt(key, now) ? 0 : limiter.retryAfter(key, now));
}

/** Where login throttles count: the deps' shared counter when there is one, else this process's own. */
export function attemptCounter(
  shared: ((name: string, limit: number, windowMs: number) => AttemptCounter) | undefined,
  name: string,
  limit: number,
  windowMs: number,
): AttemptCounter {
  return shared ? shared(name, limit, windowMs) : localAttempts(limit, windowMs);
}

/**
 * `value.signature`, HMAC-SHA256 in base64url. Synchronous node:crypto: the asynchronous WebCrypto signing behind
 * hono's signed-cookie helpers cost a sixth of a reader page's time.
 */
export function signValue(value: string, secret: string): string {
  return `${value}.${createHmac('sha256', secret).update(value).digest('base64url')}`;
}

/** The value of a `signValue` string whose signature is right, else false. */
export function verifySigned(signed: string | undefined, secret: string): string | false {
  if (!signed) return false;
  const dot = signed.lastIndexOf('.');
  if (dot <= 0) return false;
  const value = signed.slice(0, dot);
  return tokensEqual(signed.slice(dot + 1), createHmac('sha256', secret).update(value).digest('base64url'))
    ? value
    : false;
}
