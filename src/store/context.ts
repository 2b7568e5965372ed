import type { Connection, Db, PreparableStatement, Schema, WriteStatement } from './connection.ts';
import type { Dialect } from './dialect/dialect.ts';

/** What every entity module of the store shares: the connection, its schema and dialect, and the write path. */
export class StoreContext {
  readonly db: Db;
  readonly t: Schema;
  readonly dialect: Dialect;
  private readonly writeListeners: (() => void)[] = [];
  /** Writes finished through this context (committed or rolled back): part of `changeVersion`. */
  private writes = 0;

  constructor(readonly conn: Connection) {
    this.db = conn.db;
    this.t = conn.schema;
    this.dialect = conn.dialect;
  }

  /** `listener` runs after every write (committed or not): caches of what a write may change drop their copy. */
  onWrite(listener: () => void): void {
    this.writeListeners.push(listener);
  }

  /** Every write goes through here (or `writeTogether`, `autocommit`). */
  async write<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    try {
      return await this.conn.write(fn);
    } finally {
      this.written();
    }
  }

  /** A few statements as one atomic write, one round trip on PostgreSQL (Connection.writeTogether). */
  async writeTogether(build: (db: Db) => WriteStatement[]): Promise<void> {
    try {
      await this.conn.writeTogether(build);
    } finally {
      this.written();
    }
  }

  /** writeTogether prepared once per `name` and run with `params` (Connection.writeTogetherPrepared). */
  async writeTogetherPrepared(
    name: string,
    build: (db: Db) => PreparableStatement[],
    params: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.conn.writeTogetherPrepared(name, build, params);
    } finally {
      this.written();
    }
  }

  /** One self-contained write statement, no BEGIN/COMMIT on PostgreSQL (Connection.autocommit). */
  async autocommit<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    try {
      return await this.conn.autocommit(fn);
    } finally {
      this.written();
    }
  }

  /**
   * A value that differs whenever what a read sees may have changed: any connection's commit (another process
   * included), this connection's statements, and every write finished here (a rolled-back savepoint changes no
   * counter of SQLite's). Undefined where the dialect has no cheap change counter (PostgreSQL): callers then
   * cannot cache by it.
   */
  changeVersion(): string | undefined {
    const stamp = this.conn.changeStamp?.();
    return stamp === undefined ? undefined : `${stamp}.${this.writes}`;
  }

  private written(): void {
    this.writes++;
    for (const listener of this.writeListeners) listener();
  }
}
