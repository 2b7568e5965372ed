import { sql } from 'drizzle-orm';
import type { Connection } from './connection.ts';
import { openSqlite } from './dialect/sqlite.ts';

export type { Connection, Db, Schema } from './connection.ts';

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** `DATABASE_URL`: a path or `file:` URL for SQLite (default ./data/rundschau.db), `postgres://…` for PostgreSQL. */
export function resolveDatabaseUrl(url = process.env.DATABASE_URL): string {
  if (!url || url.trim() === '') return './data/rundschau.db';
  return url.trim();
}

export async function openConnection(url: string): Promise<Connection> {
  if (isPostgresUrl(url)) {
    // Loaded only for PostgreSQL: the driver and its type parsers cost an embedded (SQLite) instance ~5 MB of RSS.
    const { openPostgres } = await import('./dialect/postgres.ts');
    return openPostgres(url);
  }
  return openSqlite(url);
}

export { cachePreparedStatements, registerSearchFunctions } from './dialect/sqlite.ts';
export { sql };
