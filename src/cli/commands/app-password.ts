import { Command } from 'commander';
import { openStore } from '../../store/index.ts';
import type { Store } from '../../store/types.ts';
import { AppPasswordError, createAppPassword } from '../../web/api/app-passwords.ts';
import { CliError, iso, printJson, printTable, toCliError } from '../output.ts';

/** App passwords need the database only (no config, no workers). */
async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  let store: Store;
  try {
    store = await openStore();
  } catch (error) {
    throw toCliError(error);
  }
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export function appPasswordCommand(): Command {
  const command = new Command('app-password').description(
    'Passwords for sync apps (Google Reader API at /api/greader, Fever API at /api/fever); the login is the NAME',
  );
  command
    .command('add')
    .description('Make a new app password and print it (shown once; stored hashed)')
    .argument('<name>', 'the login name the app will send, e.g. phone or newsboat')
    .option('--json', 'print {"name", "password"}')
    .action(async (name: string, opts: { json?: boolean }) => {
      const created = await withStore((store) =>
        createAppPassword(store, name).catch((error: unknown) => {
          throw error instanceof AppPasswordError ? new CliError(error.message, 1) : error;
        }),
      );
      if (opts.json) printJson(created);
      else process.stdout.write(`${created.password}\n`);
    });
  command
    .command('list')
    .description('List app passwords (names and dates, never the passwords)')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const entries = await withStore((store) => store.listAppPasswords());
      const rows = entries.map((e) => ({ name: e.name, createdAt: iso(e.createdAt), lastUsedAt: iso(e.lastUsedAt) }));
      if (opts.json) printJson(rows);
      else if (rows.length === 0)
        process.stdout.write('no app passwords; make one with: rundschau app-password add NAME\n');
      else
        printTable(
          ['NAME', 'CREATED', 'LAST USED'],
          rows.map((r) => [r.name, r.createdAt ?? '', r.lastUsedAt ?? 'never']),
        );
    });
  command
    .command('revoke')
    .description('Revoke an app password: apps using it are logged out at once')
    .argument('<name>')
    .action(async (name: string) => {
      const removed = await withStore((store) => store.revokeAppPassword(name));
      if (!removed) throw new CliError(`no app password named "${name}"`, 1);
      process.stdout.write(`revoked ${name}\n`);
    });
  return command;
}
