import type { SQL } from 'drizzle-orm';
import type { Db, Schema } from './db-types.ts';
import type { Dialect, PreparedQuery } from './dialect/dialect.ts';

export type { Db, Schema } from './db-types.ts';

/** An insert, update or delete built with the query builder, not yet run. */
export type WriteStatement = PromiseLike<unknown> & { getSQL(): SQL };
/** A write statement the query builder can also prepare (insert, update, delete). */
export type PreparableStatement = WriteStatement & { prepare(name?: string): PreparedQuery };

/**
 * A database connection: the SQLite-typed query builder (`db`, `schema`: the pg objects stand in for them on
 * PostgreSQL, dialect/postgres.ts), the query differences (`dialect`), and the transactions, locks and migrations
 * that differ too. Opened by db.ts `openConnection`.
 */
export interface Connection {
  dialect: Dialect;
  db: Db;
  schema: Schema;
  /** Runs `fn` in a write transaction. On SQLite, writes are serialised through one queue. */
  write<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Runs one self-contained write statement: on PostgreSQL as it is (autocommit, no BEGIN/COMMIT round trips:
   * per-request bookkeeping such as host slots), on SQLite through the write queue like any write.
   */
  autocommit<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /**
   * Runs a few write statements as one atomic unit: on PostgreSQL as one statement (data-modifying WITH: one round
   * trip, no BEGIN/COMMIT; the per-fetch bookkeeping of several workers), on SQLite in the write queue one after
   * the other. PostgreSQL runs them on one snapshot, so no two may touch the same rows.
   */
  writeTogether(build: (db: Db) => WriteStatement[]): Promise<void>;
  /**
   * `writeTogether` for statements written with `sql.placeholder`s: built and prepared once per `name` (the caller
   * names each shape it builds), then run with `params`. For writes every fetch makes, whose building cost more
   * than running them.
   */
  writeTogetherPrepared(
    name: string,
    build: (db: Db) => PreparableStatement[],
    params: Record<string, unknown>,
  ): Promise<void>;
  /**
   * Writes items' search text into the full-text index (SQLite; PostgreSQL derives it in a generated column).
   * Replaces what an item had, unless `fresh` says the items were just inserted. Call inside `write`.
   */
  indexText(rows: { id: number; title: string; text: string }[], fresh: boolean): void;
  /**
   * A stamp that differs whenever the database may have changed since it was last taken: SQLite's
   * `PRAGMA data_version` (moves on every other connection's commit, other processes included) with this
   * connection's `total_changes()` (its own statements). Cheap, one prepared statement. PostgreSQL has no such
   * counter: absent there.
   */
  changeStamp?(): string;
  /**
   * Runs `fn` while no other process sharing this database runs an `exclusive` section or migrates (PostgreSQL: a
   * session advisory lock; SQLite: `fn` as is, its writes are serialised by the file lock anyway). With `job`, the
   * section excludes only other sections of that job (and `tryExclusive(job)`), not setup.
   */
  exclusive<T>(fn: () => Promise<T>, job?: string): Promise<T>;
  /**
   * Runs `fn` unless another process sharing the database runs the job `name` right now (then resolves to
   * undefined): once-per-cluster work such as story grouping (PostgreSQL: a session advisory try-lock; SQLite:
   * one process, `fn` as is unless it already runs here).
   */
  tryExclusive<T>(name: string, fn: () => Promise<T>): Promise<{ value: T } | undefined>;
  /**
   * PostgreSQL only: names held by live sessions (lease owners, see schedule/lease.ts). `announce` takes a session
   * advisory lock for the name on a connection of its own, so the name vanishes when the process dies; `live` says
   * which of the names some session still holds.
   */
  presence?: { announce(name: string): Promise<void>; live(names: string[]): Promise<Set<string>> };
  /** Raw SQL returning rows (column names as the database gives them). */
  rows<T = Record<string, unknown>>(query: SQL, tx?: Db): Promise<T[]>;
  close(): Promise<void>;
}
