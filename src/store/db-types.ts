import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type * as sqliteSchema from './schema.sqlite.ts';

/**
 * The store's queries are typed against the SQLite schema and drizzle's SQLite database type; on PostgreSQL the pg
 * objects stand in for them (cast in dialect/postgres.ts only). Both schemas have the same names and types.
 */
export type Db = BetterSQLite3Database<typeof sqliteSchema>;
export type Schema = typeof sqliteSchema;

/** What a database holds, read without changing it. */
export interface DatabaseFacts {
  /** drizzle's record of applied migrations: each one's journal time (`when`), oldest first. */
  appliedMigrations: number[];
  sizeBytes: number;
  sources?: number;
  items?: number;
  /** The newest fetch time recorded (epoch ms): a clock now behind it went backwards. */
  newestRecordedAt?: number;
  /** PostgreSQL: the server's clock when asked (epoch ms). */
  serverClockMs?: number;
  /** PostgreSQL: other sessions connected to the database now. */
  otherSessions?: number;
}
