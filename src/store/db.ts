import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type SQL, sql } from 'drizzle-orm';
import { type BetterSQLite3Database, drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { fromRoot } from '../lib/paths.ts';
import * as pgSchema from './schema.pg.ts';
import * as sqliteSchema from './schema.sqlite.ts';
import { foldForIndex, indexedBody, searchTextFromHtml } from './search-text.ts';
import { prepareSqliteFile, sqliteAccessError } from './sqlite-access.ts';

/**
 * The one place that knows the two dialects apart. Everything above it is typed against the SQLite schema and
 * drizzle's SQLite database type; on PostgreSQL the pg objects stand in for them, which works because both schemas
 * have the same table, column and TypeScript names (see schema.pg.ts) and the query builders share their API for the
 * statements store.ts uses. Transactions, raw SQL and row locking differ and live here.
 */
export type Db = BetterSQLite3Database<typeof sqliteSchema>;
export type Schema = typeof sqliteSchema;

export interface Connection {
  dialect: 'sqlite' | 'pg';
  db: Db;
  schema: Schema;
  /** Runs `fn` in a write transaction. On SQLite, writes are serialised through one queue. */
  write<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Writes items' search text into the full-text index (SQLite; PostgreSQL derives it in a generated column).
   * Replaces what an item had, unless `fresh` says the items were just inserted. Call inside `write`.
   */
  indexText(rows: { id: number; title: string; text: string }[], fresh: boolean): void;
  /**
   * Runs `fn` while no other process sharing this database runs an `exclusive` section or migrates (PostgreSQL: a
   * session advisory lock; SQLite: `fn` as is, its writes are serialised by the file lock anyway).
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
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

const migrationsRoot = fromRoot('migrations');

/** PostgreSQL advisory lock key that serialises migrations and config sync across processes. */
const SETUP_LOCK_ID = 727274;
/** First key of the two-key advisory locks that mark a lease owner as alive (the second is a hash of its name). */
const PRESENCE_LOCK_CLASS = 727275;

/** A name's second advisory lock key: 31 bits of its SHA-1 (positive, so pg_locks.objid shows it as it is). */
function presenceKey(name: string): number {
  return createHash('sha1').update(name).digest().readUInt32BE(0) & 0x7fffffff;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** `DATABASE_URL`: a path or `file:` URL for SQLite (default ./data/rundschau.db), `postgres://…` for PostgreSQL. */
export function resolveDatabaseUrl(url = process.env.DATABASE_URL): string {
  if (!url || url.trim() === '') return './data/rundschau.db';
  return url.trim();
}

export async function openConnection(url: string): Promise<Connection> {
  return isPostgresUrl(url) ? openPostgres(url) : openSqlite(url);
}

function sqlitePath(url: string): string {
  if (url === ':memory:') return url;
  if (url.startsWith('file:')) return url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length);
  return url;
}

function openSqlite(url: string): Connection {
  const path = sqlitePath(url);
  if (path !== ':memory:') prepareSqliteFile(path);
  let client: Database.Database;
  try {
    client = new Database(path);
    client.pragma('journal_mode = WAL');
  } catch (error) {
    throw sqliteAccessError(error, path) ?? error;
  }
  client.pragma('synchronous = NORMAL');
  client.pragma('busy_timeout = 10000');
  // 8 MB of page cache: a 16 MB cache held ~10 MB more RSS through a cold ingest for no measurable gain; misses
  // are served from the OS page cache.
  client.pragma('cache_size = -8192');
  client.pragma('temp_store = MEMORY');
  cachePreparedStatements(client);
  registerSearchFunctions(client);
  const db = drizzleSqlite(client, { schema: sqliteSchema });

  // drizzle-kit's table rebuilds turn foreign keys off inside the migrator's transaction, where that is a no-op and
  // a DROP TABLE would cascade (drizzle-orm#5782): turn them off on the connection around migrating, check after.
  client.pragma('foreign_keys = OFF');
  try {
    migrateSqlite(db, { migrationsFolder: resolve(migrationsRoot, 'sqlite') });
  } catch (error) {
    client.close();
    throw sqliteAccessError(error, path) ?? error;
  }
  const violations = client.pragma('foreign_key_check') as unknown[];
  if (violations.length > 0) throw new Error(`migration left ${violations.length} foreign key violations`);
  client.pragma('foreign_keys = ON');

  const unindex = client.prepare('DELETE FROM items_fts WHERE rowid = ?');
  const index = client.prepare('INSERT INTO items_fts(rowid, title, body) VALUES (?, ?, ?)');
  const writes = new GroupCommit(client, db);
  return {
    dialect: 'sqlite',
    indexText(rows, fresh) {
      for (const row of rows) {
        // A contentless FTS5 delete is not free (it records a tombstone): new ids have nothing to delete.
        if (!fresh) unindex.run(row.id);
        index.run(row.id, foldForIndex(row.title), foldForIndex(row.text));
      }
    },
    db,
    schema: sqliteSchema,
    write: (fn) => writes.run(fn),
    exclusive: (fn) => fn(),
    async rows<T>(query: SQL, tx?: Db): Promise<T[]> {
      return (tx ?? db).all(query) as T[];
    },
    async close() {
      await writes.idle();
      client.close();
    },
  };
}

/**
 * SQL functions for migrations that rebuild full-text rows: they make the text exactly as indexText receives it
 * from the store (title; summary plus body text from the HTML), folded the same way.
 */
export function registerSearchFunctions(client: Database.Database): void {
  client.function('search_index_title', { deterministic: true }, (title) => foldForIndex(String(title ?? '')));
  client.function('search_index_body', { deterministic: true }, (summary, contentHtml) =>
    foldForIndex(indexedBody(String(summary ?? ''), searchTextFromHtml(String(contentHtml ?? '')))),
  );
}

/** Distinct SQL texts kept prepared; the store issues a few dozen shapes (more with IN lists of varying length). */
const STATEMENT_CACHE_SIZE = 256;

/**
 * drizzle prepares every query it runs afresh; compiling the same SQL again for each feed cost more CPU in an ingest
 * cycle than SQLite's own inserts. Statements are reusable, so they are kept by SQL text (least recently used go).
 * A reused reader is handed out in drizzle's expected default mode: raw() is switched on per call by drizzle itself.
 */
export function cachePreparedStatements(client: Database.Database): void {
  const prepare = client.prepare.bind(client);
  const cache = new Map<string, Database.Statement>();
  client.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement) {
      cache.delete(source);
      if (statement.reader) statement.raw(false);
    } else {
      statement = prepare(source);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, statement);
    return statement;
  }) as typeof client.prepare;
}

/** Longest stretch of synchronous database work before the event loop gets a turn. */
const YIELD_AFTER_MS = 15;

interface QueuedWrite {
  fn: (tx: Db) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * SQLite has one writer. Writes queue here and run in groups: every write waiting when a group starts shares one
 * transaction (one commit instead of dozens), each inside its own savepoint so that a failing write is rolled
 * back alone and the others still commit. Callers hear back after the commit.
 */
class GroupCommit {
  private readonly queue: QueuedWrite[] = [];
  private draining: Promise<void> | undefined;

  // client.prepare is the statement cache (cachePreparedStatements): these statements are compiled once.
  constructor(
    private readonly client: Database.Database,
    private readonly db: Db,
    private readonly maxGroup = 64,
  ) {}

  run<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      this.draining ??= this.drain().finally(() => {
        this.draining = undefined;
      });
    });
  }

  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      // better-sqlite3 answers synchronously: without yielding, a backlog of writes would run as one long chain of
      // microtasks and starve the event loop (HTTP requests, timers, fetches).
      await new Promise((resolve) => setImmediate(resolve));
      const group = this.queue.splice(0, this.maxGroup);
      const outcomes: { ok: boolean; value: unknown }[] = [];
      try {
        this.client.prepare('BEGIN IMMEDIATE').run();
      } catch (error) {
        for (const w of group) w.reject(error);
        continue;
      }
      let slice = performance.now();
      for (const write of group) {
        // Inside a group too, let other work in between now and then (the transaction simply stays open).
        if (performance.now() - slice > YIELD_AFTER_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          slice = performance.now();
        }
        this.client.prepare('SAVEPOINT w').run();
        try {
          outcomes.push({ ok: true, value: await write.fn(this.db) });
          this.client.prepare('RELEASE w').run();
        } catch (error) {
          this.client.prepare('ROLLBACK TO w').run();
          this.client.prepare('RELEASE w').run();
          outcomes.push({ ok: false, value: error });
        }
      }
      try {
        this.client.prepare('COMMIT').run();
      } catch (error) {
        if (this.client.inTransaction) this.client.prepare('ROLLBACK').run();
        for (const w of group) w.reject(error);
        continue;
      }
      group.forEach((w, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) w.resolve(outcome.value);
        else w.reject(outcome.value);
      });
    }
  }
}

async function openPostgres(url: string): Promise<Connection> {
  // Loaded only for PostgreSQL: the driver and its type parsers cost an embedded (SQLite) instance ~5 MB of RSS.
  const [{ default: pg }, { drizzle: drizzlePg }, { migrate: migratePg }] = await Promise.all([
    import('pg'),
    import('drizzle-orm/node-postgres'),
    import('drizzle-orm/node-postgres/migrator'),
  ]);
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.PG_POOL_SIZE ?? 10) });
  // An idle pooled connection that the server drops (restart, failover, admin termination) emits 'error' on the
  // pool; unheard, that would crash the process. The pool discards the client and the next query opens a new one.
  pool.on('error', () => undefined);
  const db = drizzlePg(pool, { schema: pgSchema });
  // The migrator takes no lock: concurrent first starts would race. Migrations and config sync (`exclusive`) are
  // serialised by one advisory lock, held by a session of its own (not a pooled one: a pool of one would deadlock).
  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    const lockClient = new pg.Client({ connectionString: url });
    lockClient.on('error', () => undefined);
    await lockClient.connect();
    try {
      await lockClient.query('SELECT pg_advisory_lock($1)', [SETUP_LOCK_ID]);
      return await fn();
    } finally {
      // Ending the session releases the lock in any case; the unlock only makes it prompt.
      await lockClient.query('SELECT pg_advisory_unlock($1)', [SETUP_LOCK_ID]).catch(() => undefined);
      await lockClient.end().catch(() => undefined);
    }
  };
  await exclusive(() => migratePg(db, { migrationsFolder: resolve(migrationsRoot, 'pg') }));

  // One session holds this process's presence locks. If it drops, the next announce (every fetch cycle and lease
  // renewal) opens a new one and takes them again.
  const announced = new Set<number>();
  let presenceSession: Promise<InstanceType<typeof pg.Client>> | undefined;
  const presence = {
    async announce(name: string) {
      announced.add(presenceKey(name));
      presenceSession ??= (async () => {
        const client = new pg.Client({ connectionString: url });
        client.on('error', () => {
          presenceSession = undefined;
        });
        client.on('end', () => {
          presenceSession = undefined;
        });
        await client.connect();
        return client;
      })().catch((error: unknown) => {
        presenceSession = undefined;
        throw error;
      });
      const client = await presenceSession;
      for (const key of announced) {
        // try: never wait; a session holding the key already (this one, or a hash twin) keeps the name alive too.
        await client.query('SELECT pg_try_advisory_lock($1, $2)', [PRESENCE_LOCK_CLASS, key]);
      }
    },
    async live(names: string[]) {
      if (names.length === 0) return new Set<string>();
      const { rows } = await pool.query<{ key: string | number }>(
        `SELECT objid AS key FROM pg_locks
          WHERE locktype = 'advisory' AND classid = $1 AND objsubid = 2 AND granted
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [PRESENCE_LOCK_CLASS],
      );
      const held = new Set(rows.map((r) => Number(r.key)));
      return new Set(names.filter((name) => held.has(presenceKey(name))));
    },
  };
  const asSqlite = db as unknown as Db;
  return {
    dialect: 'pg',
    db: asSqlite,
    indexText() {},
    schema: pgSchema as unknown as Schema,
    write<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(tx as unknown as Db));
    },
    exclusive,
    presence,
    async rows<T>(query: SQL, tx?: Db): Promise<T[]> {
      const target = (tx ?? asSqlite) as unknown as { execute(q: SQL): Promise<{ rows: T[] }> };
      return (await target.execute(query)).rows;
    },
    async close() {
      const session = presenceSession;
      presenceSession = undefined;
      if (session) await (await session.catch(() => undefined))?.end().catch(() => undefined);
      await pool.end();
    },
  };
}

export { sql };
