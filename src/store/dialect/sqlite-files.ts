import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { DatabaseFacts } from '../db-types.ts';
import { DatabaseAccessError } from '../sqlite-access.ts';

/**
 * SQLite files as an operator handles them: inspected without migrating, copied while rundschau runs (the online
 * backup API copies a consistent snapshot while writers go on), restored with an integrity check. No store is
 * opened here: these work on the file.
 */

function openReadOnly(path: string): Database.Database {
  if (!existsSync(path)) throw new DatabaseAccessError(`no database at ${resolve(path)}`);
  try {
    return new Database(path, { readonly: true, fileMustExist: true, timeout: 5000 });
  } catch (error) {
    throw new DatabaseAccessError(`cannot open ${resolve(path)}: ${(error as Error).message}`, { cause: error });
  }
}

/** What the file holds, read-only: migrations applied (drizzle's created_at stamps), sources, items, newest times. */
export function inspectSqliteFile(path: string): DatabaseFacts {
  const db = openReadOnly(path);
  try {
    const tables = new Set(
      (db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map(
        (r) => r.name,
      ),
    );
    const applied = tables.has('__drizzle_migrations')
      ? (
          db.prepare('select created_at as at from __drizzle_migrations order by created_at').all() as { at: number }[]
        ).map((r) => Number(r.at))
      : [];
    const facts: DatabaseFacts = { appliedMigrations: applied, sizeBytes: statSync(path).size };
    if (tables.has('sources')) {
      const row = db.prepare('select count(*) as n, max(last_fetch_at) as newest from sources').get() as {
        n: number;
        newest: number | null;
      };
      facts.sources = Number(row.n);
      facts.newestRecordedAt = row.newest == null ? undefined : Number(row.newest);
    }
    if (tables.has('items'))
      facts.items = Number((db.prepare('select count(*) as n from items').get() as { n: number }).n);
    return facts;
  } finally {
    db.close();
  }
}

/** `PRAGMA integrity_check`: undefined when the file is sound, else what SQLite found (first lines). */
export function sqliteIntegrityProblem(path: string): string | undefined {
  const db = openReadOnly(path);
  try {
    const rows = db.prepare('pragma integrity_check(20)').all() as { integrity_check: string }[];
    const found = rows.map((r) => r.integrity_check);
    return found.length === 1 && found[0] === 'ok' ? undefined : found.join('; ');
  } catch (error) {
    return (error as Error).message;
  } finally {
    db.close();
  }
}

/**
 * True when another connection has the database open: a running rundschau holds a shared lock on the file for as
 * long as its connection lives (WAL mode), so taking an exclusive lock without waiting fails.
 */
export function sqliteFileInUse(path: string): boolean {
  if (!existsSync(path)) return false;
  const db = new Database(path, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return false;
  } catch (error) {
    if (String((error as { code?: string }).code).startsWith('SQLITE_BUSY')) return true;
    throw error;
  } finally {
    db.close();
  }
}

/** Online backup of the live database at `path` into `file` (a consistent snapshot; writers are not stopped). */
export async function backupSqliteFile(path: string, file: string): Promise<void> {
  if (!existsSync(path)) throw new DatabaseAccessError(`no database at ${resolve(path)}`);
  const db = new Database(path, { fileMustExist: true, timeout: 10_000 });
  try {
    await db.backup(file);
  } finally {
    db.close();
  }
  // The copy is one self-contained file (rollback journal, not WAL): it can be moved, checked read-only and
  // restored without companions. rundschau turns WAL on again when it opens a restored database.
  const copy = new Database(file, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
}

/**
 * Puts the backup `file` in place of the database at `path`. A database nobody has open is replaced whole: the
 * backup is copied beside it, checked, and renamed over it (with the old file's journal removed), so a failure
 * half-way leaves the old database. One in use (only with force) is overwritten page by page through SQLite's
 * backup API, so the processes that have it open see the restored content rather than a deleted file.
 */
export async function restoreSqliteFile(file: string, path: string, inUse: boolean): Promise<void> {
  const source = openReadOnly(file);
  try {
    if (inUse) {
      await source.backup(path);
      return;
    }
    mkdirSync(dirname(resolve(path)), { recursive: true });
    const staging = join(dirname(resolve(path)), `.${Date.now()}-${process.pid}.restoring`);
    try {
      await source.backup(staging);
      const problem = sqliteIntegrityProblem(staging);
      if (problem) throw new Error(`the copy failed its integrity check: ${problem}`);
      // A journal left beside the old database must not be replayed into the restored one.
      for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
      renameSync(staging, path);
    } finally {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${staging}${suffix}`, { force: true });
    }
  } finally {
    source.close();
  }
}
