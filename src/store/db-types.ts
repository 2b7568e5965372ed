import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type * as sqliteSchema from './schema.sqlite.ts';

/**
 * The store's queries are typed against the SQLite schema and drizzle's SQLite database type; on PostgreSQL the pg
 * objects stand in for them (cast in dialect/postgres.ts only). Both schemas have the same names and types.
 */
export type Db = BetterSQLite3Database<typeof sqliteSchema>;
export type Schema = typeof sqliteSchema;
