import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The database cannot be opened for writing: a user can fix it (permissions, path); no stack trace needed. */
export class DatabaseAccessError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseAccessError';
  }
}

const ACCESS_CODES = new Set(['EACCES', 'EPERM', 'EROFS']);

/**
 * Creates the database's directory and checks that SQLite can write there before it opens anything: the file itself
 * and its directory (WAL mode keeps `-wal` and `-shm` files beside the database). Without this, a read-only file
 * opens fine and the first write fails deep inside a migration or a fetch cycle.
 */
export function prepareSqliteFile(path: string): void {
  const file = resolve(path);
  const dir = dirname(file);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw accessError(error, `cannot create the database directory ${dir}`);
  }
  if (existsSync(file)) {
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch (error) {
      throw accessError(error, `the database ${file} is read-only`);
    }
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw accessError(error, `the database directory ${dir} is not writable (SQLite keeps its journal files there)`);
  }
}

/** SQLite's own refusals (a read-only mount that root may not write either) in the same words. */
export function sqliteAccessError(error: unknown, path: string): DatabaseAccessError | undefined {
  // drizzle's migrator wraps the driver's error: look down the cause chain.
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? '');
    if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN')) {
      return new DatabaseAccessError(`the database ${resolve(path)} cannot be written: ${(e as Error).message}`, {
        cause: error,
      });
    }
  }
  return undefined;
}

function accessError(error: unknown, message: string): unknown {
  const code = String((error as { code?: unknown }).code ?? '');
  if (!ACCESS_CODES.has(code)) return error;
  return new DatabaseAccessError(`${message} (${code})`, { cause: error });
}
