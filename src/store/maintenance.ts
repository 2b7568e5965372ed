import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromRoot } from '../lib/paths.ts';
import { isPostgresUrl } from './db.ts';
import type { DatabaseFacts } from './db-types.ts';

export type { DatabaseFacts } from './db-types.ts';

export { pgDumpArgs, pgRestoreArgs } from './dialect/postgres-tools.ts';

/**
 * The operator's side of the store: what a database holds and whether its migrations are applied, read without
 * migrating it (`rundschau doctor`), and backups and restores (`rundschau backup` / `restore`). The dialect code is
 * in dialect/sqlite-files.ts and dialect/postgres-tools.ts.
 */

export interface MigrationState {
  /** Migrations this version ships. */
  known: number;
  /** Of those, applied to the database. */
  applied: number;
  /** Shipped but not applied (they run when rundschau next opens the database). */
  pending: string[];
  /** The database was migrated by a newer rundschau: this version does not know its latest migrations. */
  ahead: boolean;
}

/** The file path of a SQLite URL (a path, `file:` URL); undefined for PostgreSQL and `:memory:`. */
export function sqliteFilePath(url: string): string | undefined {
  if (isPostgresUrl(url) || url === ':memory:') return undefined;
  if (url.startsWith('file:')) return resolve(url.startsWith('file://') ? fileURLToPath(url) : url.slice(5));
  return resolve(url);
}

/** Facts about the database at `url`, without migrating it. Throws when it cannot be reached or opened. */
export async function inspectDatabase(url: string): Promise<DatabaseFacts> {
  if (isPostgresUrl(url)) {
    const { inspectPostgres } = await import('./dialect/postgres-tools.ts');
    return inspectPostgres(url);
  }
  const path = sqliteFilePath(url);
  if (!path) throw new Error('an in-memory database has nothing to inspect');
  const { inspectSqliteFile } = await import('./dialect/sqlite-files.ts');
  return inspectSqliteFile(path);
}

/** Which of the migrations this version ships are applied (drizzle applies those newer than its latest record). */
export function migrationState(dialect: 'sqlite' | 'pg', applied: readonly number[]): MigrationState {
  const journal = JSON.parse(readFileSync(fromRoot('migrations', dialect, 'meta', '_journal.json'), 'utf8')) as {
    entries: { when: number; tag: string }[];
  };
  const latest = applied.length > 0 ? Math.max(...applied) : -1;
  const pending = journal.entries.filter((e) => e.when > latest).map((e) => e.tag);
  const newestKnown = Math.max(...journal.entries.map((e) => e.when));
  return {
    known: journal.entries.length,
    applied: journal.entries.length - pending.length,
    pending,
    ahead: latest > newestKnown,
  };
}

export class RestoreRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefused';
  }
}

export interface BackupResult {
  file: string;
  bytes: number;
  /** PostgreSQL: the pg_dump/pg_restore command that ran (password hidden). */
  command?: string;
}

/** SQLite: an online backup into `file` (refusing to overwrite one unless `force`), checked for integrity. */
export async function backupDatabase(url: string, file: string, opts: { force?: boolean } = {}): Promise<BackupResult> {
  const target = resolve(file);
  if (existsSync(target) && !opts.force) throw new RestoreRefused(`${target} exists; pass --force to overwrite it`);
  if (isPostgresUrl(url)) {
    const { pgDumpArgs, runPgTool } = await import('./dialect/postgres-tools.ts');
    const args = pgDumpArgs(url, target);
    await runPgTool('pg_dump', args);
    return { file: target, bytes: fileSize(target), command: shellLine('pg_dump', args) };
  }
  const path = sqliteFilePath(url);
  if (!path) throw new Error('an in-memory database cannot be backed up');
  const files = await import('./dialect/sqlite-files.ts');
  if (resolve(path) === target) throw new RestoreRefused('the backup file must not be the database itself');
  await files.backupSqliteFile(path, target);
  const problem = files.sqliteIntegrityProblem(target);
  if (problem) throw new Error(`the backup ${target} failed its integrity check: ${problem}`);
  return { file: target, bytes: fileSize(target) };
}

export interface RestoreResult extends BackupResult {
  /** The restored database's facts (SQLite). */
  facts?: DatabaseFacts;
}

/**
 * Puts a backup in place of the database at `url`. Refused without `force` while another process has the
 * database open (a running rundschau); the backup must pass an integrity check and must not come from a newer
 * version (its migrations unknown to this one).
 */
export async function restoreDatabase(
  url: string,
  file: string,
  opts: { force?: boolean } = {},
): Promise<RestoreResult> {
  const source = resolve(file);
  if (!existsSync(source)) throw new RestoreRefused(`no backup at ${source}`);
  if (isPostgresUrl(url)) {
    const tools = await import('./dialect/postgres-tools.ts');
    const facts = await tools.inspectPostgres(url);
    if ((facts.otherSessions ?? 0) > 0 && !opts.force) {
      throw new RestoreRefused(
        `${facts.otherSessions} other session(s) are connected to the database (a running rundschau?): stop them, or pass --force`,
      );
    }
    const args = tools.pgRestoreArgs(url, source);
    await tools.runPgTool('pg_restore', args);
    return { file: source, bytes: fileSize(source), command: shellLine('pg_restore', args) };
  }
  const path = sqliteFilePath(url);
  if (!path) throw new Error('an in-memory database cannot be restored');
  const files = await import('./dialect/sqlite-files.ts');
  const problem = files.sqliteIntegrityProblem(source);
  if (problem) throw new RestoreRefused(`${source} is not a sound SQLite database: ${problem}`);
  const backup = files.inspectSqliteFile(source);
  if (backup.sources === undefined)
    throw new RestoreRefused(`${source} is not a rundschau database (no sources table)`);
  if (migrationState('sqlite', backup.appliedMigrations).ahead) {
    throw new RestoreRefused(`${source} comes from a newer rundschau (migrations this version does not know)`);
  }
  const inUse = files.sqliteFileInUse(path);
  if (inUse && !opts.force) {
    throw new RestoreRefused(`${path} is in use by another process (a running rundschau?): stop it, or pass --force`);
  }
  await files.restoreSqliteFile(source, path, inUse);
  const after = files.sqliteIntegrityProblem(path);
  if (after) throw new Error(`the restored database failed its integrity check: ${after}`);
  return { file: source, bytes: fileSize(source), facts: files.inspectSqliteFile(path) };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** A command line to show: the connection URL's password hidden. */
export function shellLine(tool: string, args: string[]): string {
  const shown = args.map((a) => a.replace(/(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/i, '$1***@'));
  return [tool, ...shown.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`))].join(' ');
}
