import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { fromRoot } from '../../lib/paths.ts';
import type { Connection, Db } from '../connection.ts';
import type { ItemInsert, TopicItemInsert } from '../rows.ts';
import * as sqliteSchema from '../schema.sqlite.ts';
import { toFts5Match } from '../search-query.ts';
import { foldForIndex, indexedBody, searchTextFromHtml, withArticle } from '../search-text.ts';
import { prepareSqliteFile, sqliteAccessError } from '../sqlite-access.ts';
import { claimOrder, type Dialect, freeHostSlot, type PreparedQuery } from './dialect.ts';

const migrationsRoot = fromRoot('migrations');
/** How long a write waits for another process's write lock before it fails with SQLITE_BUSY. */
const BUSY_WAIT_MS = 10_000;

/**
 * SQLite: one file, one writer. Connection setup (pragmas, the statement cache, migrations with foreign keys off),
 * the group-commit write queue and the SQLite side of every query difference live here.
 */

/** The SQLite side of every query difference (see Dialect). */
export const sqliteDialect: Dialect = {
  name: 'sqlite',

  prepare(query) {
    return (query as { prepare(): PreparedQuery }).prepare();
  },

  inIdList(column, placeholder) {
    return sql`${column} in (select value from json_each(${placeholder}))`;
  },

  idList(ids) {
    return JSON.stringify(ids);
  },

  async claimSources(tx, t, due, limit, lease) {
    // Writes are serialised on SQLite (one writer): a select and an update in one transaction cannot race.
    const { sources } = t;
    const ids = (
      await tx
        .select({ id: sources.id })
        .from(sources)
        .where(due)
        .orderBy(...claimOrder(sources))
        .limit(limit)
    ).map((r) => r.id);
    if (ids.length === 0) return [];
    return tx.update(sources).set(lease).where(inArray(sources.id, ids)).returning();
  },

  async claimHostSlot(db, t, { host, owner, perHost, leaseUntil, now }) {
    // Writes are serialised (the caller runs this in the write queue): select, then update.
    const { hostSlots } = t;
    const [free] = await db
      .select({ slot: hostSlots.slot })
      .from(hostSlots)
      .where(freeHostSlot(t, host, perHost, now))
      .orderBy(asc(hostSlots.slot))
      .limit(1);
    if (!free) return undefined;
    await db
      .update(hostSlots)
      .set({ owner, leaseUntil })
      .where(and(eq(hostSlots.host, host), eq(hostSlots.slot, free.slot)));
    return free.slot;
  },

  async insertItems(tx, t, rows) {
    // SQLite has no round trips; there one prepared statement executed per row beats building a multi-row insert
    // through the query builder. Prepared statements bypass column mapping, so booleans are spelled out.
    if (rows.length === 0) return [];
    // Built once per connection and table, not per feed: the query builder's work was paid on every insert.
    let byTable = preparedItemInserts.get(tx);
    if (!byTable) {
      byTable = new WeakMap();
      preparedItemInserts.set(tx, byTable);
    }
    let insert = byTable.get(t.items);
    if (!insert) {
      insert = tx.insert(t.items).values(ITEM_PLACEHOLDERS).returning({ id: t.items.id }).prepare();
      byTable.set(t.items, insert);
    }
    const ids: number[] = [];
    for (const row of rows) {
      const returned = (await insert.execute({ ...row, dateEstimated: Number(row.dateEstimated) })) as { id: number }[];
      ids.push(Number(returned[0]!.id));
    }
    return ids;
  },

  async upsertTopicItems(tx, t, rows, set) {
    // As for items: one prepared statement per row (booleans spelled out).
    if (rows.length === 0) return;
    const { topicItems } = t;
    const upsert = tx
      .insert(topicItems)
      .values(TOPIC_ITEM_PLACEHOLDERS)
      .onConflictDoUpdate({ target: [topicItems.topicSlug, topicItems.itemId], set })
      .prepare();
    for (const row of rows) await upsert.execute({ ...row, included: Number(row.included) });
  },

  rankedMatches(query, window, limit, offset) {
    return sql`select m.id from (select rowid as id, bm25(items_fts, 4.0, 1.0) as rank from items_fts
            where items_fts match ${toFts5Match(query)} order by rowid desc limit ${window}) m
          join items i on i.id = m.id order by m.rank, i.published_at desc, m.id desc limit ${limit} offset ${offset}`;
  },

  newestMatches(query, limit, offset) {
    return sql`select rowid as id from items_fts where items_fts match ${toFts5Match(query)}
              order by rowid desc limit ${limit} offset ${offset}`;
  },

  // The index row is rewritten whole (title, content and article) through Connection.indexText.
  async indexArticle() {},
};

const ITEM_FIELDS = [
  'sourceId',
  'uid',
  'guid',
  'link',
  'title',
  'author',
  'summary',
  'contentHtml',
  'language',
  'publishedAt',
  'dateEstimated',
  'updatedAt',
  'firstSeenAt',
  'changedAt',
  'categories',
  'enclosures',
  'imageUrl',
  'contentHash',
] as const satisfies readonly (keyof ItemInsert)[];

const TOPIC_ITEM_FIELDS = [
  'topicSlug',
  'itemId',
  'score',
  'evidence',
  'decision',
  'included',
  'publishedAt',
  'scoredAt',
] as const satisfies readonly (keyof TopicItemInsert)[];

/** Values for a prepared insert: one named placeholder per column, filled at each execution. */
function placeholders(fields: readonly string[]): never {
  return Object.fromEntries(fields.map((f) => [f, sql.placeholder(f)])) as never;
}

const ITEM_PLACEHOLDERS = placeholders(ITEM_FIELDS);
/** insertItems' prepared insert by connection (on SQLite the write queue's transaction is the connection) and table. */
const preparedItemInserts = new WeakMap<object, WeakMap<object, { execute(params: unknown): unknown }>>();
const TOPIC_ITEM_PLACEHOLDERS = placeholders(TOPIC_ITEM_FIELDS);

function sqlitePath(url: string): string {
  if (url === ':memory:') return url;
  if (url.startsWith('file:')) return url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length);
  return url;
}

export function openSqlite(url: string): Connection {
  // Once-per-process jobs running now (tryExclusive): one process owns a SQLite file's scheduling.
  const runningJobs = new Set<string>();
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
  client.pragma(`busy_timeout = ${BUSY_WAIT_MS}`);
  // 2 MB of page cache (SQLite's default): the page cache lives in glibc's main arena, which keeps its high-water
  // mark after a cycle; 8 MB held ~9 MB more RSS at bench:ingest's peak and after it (16 MB ~10 MB more again) for
  // no measurable gain: misses are served from the OS page cache.
  client.pragma('cache_size = -2048');
  client.pragma('temp_store = MEMORY');
  cachePreparedStatements(client);
  registerSearchFunctions(client);
  const db = drizzleSqlite(client, { schema: sqliteSchema });

  // drizzle-kit's table rebuilds turn foreign keys off inside the migrator's transaction, where that is a no-op and
  // a DROP TABLE would cascade (drizzle-orm#5782): turn them off on the connection around migrating, check after.
  client.pragma('foreign_keys = OFF');
  let applied: number;
  try {
    const before = appliedMigrations(client);
    migrateSqlite(db, { migrationsFolder: resolve(migrationsRoot, 'sqlite') });
    applied = appliedMigrations(client) - before;
  } catch (error) {
    client.close();
    throw sqliteAccessError(error, path) ?? error;
  }
  // Only after a migration ran: the check reads every row of every table with a foreign key (3.5 s of start-up
  // on a database of a million items, when it had nothing to find).
  if (applied > 0) {
    const violations = client.pragma('foreign_key_check') as unknown[];
    if (violations.length > 0) throw new Error(`migration left ${violations.length} foreign key violations`);
  }
  client.pragma('foreign_keys = ON');

  const unindex = client.prepare('DELETE FROM items_fts WHERE rowid = ?');
  const index = client.prepare('INSERT INTO items_fts(rowid, title, body) VALUES (?, ?, ?)');
  const writes = new GroupCommit(client, db);
  const preparedTogether = new Map<string, PreparedQuery[]>();
  const stamp = client
    .prepare('SELECT (SELECT data_version FROM pragma_data_version) AS v, total_changes() AS c')
    .raw();
  return {
    dialect: sqliteDialect,
    changeStamp() {
      const [v, c] = stamp.get() as [number, number];
      return `${v}.${c}`;
    },
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
    autocommit: (fn) => writes.run(fn),
    writeTogether: (build) =>
      writes.run(async (tx) => {
        for (const statement of build(tx)) await statement;
      }),
    writeTogetherPrepared(name, build, params) {
      // The statements run on `db` itself: on SQLite the write queue's transaction is the connection's.
      let statements = preparedTogether.get(name);
      if (!statements) {
        statements = build(db).map((s) => s.prepare());
        preparedTogether.set(name, statements);
      }
      const list = statements;
      return writes.run(async () => {
        for (const statement of list) await statement.execute(params);
      });
    },
    exclusive: (fn) => fn(),
    async tryExclusive(name, fn) {
      if (runningJobs.has(name)) return undefined;
      runningJobs.add(name);
      try {
        return { value: await fn() };
      } finally {
        runningJobs.delete(name);
      }
    },
    async rows<T>(query: SQL, tx?: Db): Promise<T[]> {
      return (tx ?? db).all(query) as T[];
    },
    async close() {
      await writes.idle();
      client.close();
    },
  };
}

/** How many migrations drizzle has recorded (0 on a new database). */
function appliedMigrations(client: Database.Database): number {
  const table = client
    .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get();
  if (!table) return 0;
  return (client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
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
  client.function('search_index_body_with_article', { deterministic: true }, (summary, contentHtml, articleHtml) =>
    foldForIndex(
      withArticle(
        indexedBody(String(summary ?? ''), searchTextFromHtml(String(contentHtml ?? ''))),
        searchTextFromHtml(String(articleHtml ?? '')),
      ),
    ),
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
      this.kick();
    });
  }

  private kick(): void {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      // A write queued after drain's last look but before this ran would otherwise wait forever.
      if (this.queue.length > 0) this.kick();
    });
  }

  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /**
   * BEGIN IMMEDIATE without blocking the event loop while another process holds the write lock (the primary's
   * ingest, beside `serve --web-processes N`): asked without busy_timeout, then again after a growing pause (1 ms
   * up to 25 ms) until BUSY_WAIT_MS have passed — the connection's busy_timeout would wait inside the call, and a
   * web process would answer nothing meanwhile. Reads never wait for a writer (WAL).
   */
  private async begin(): Promise<void> {
    const deadline = performance.now() + BUSY_WAIT_MS;
    for (let pause = 1; ; pause = Math.min(pause * 2, 25)) {
      this.client.prepare('PRAGMA busy_timeout = 0').run();
      try {
        this.client.prepare('BEGIN IMMEDIATE').run();
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY' || performance.now() > deadline) throw error;
      } finally {
        this.client.prepare(`PRAGMA busy_timeout = ${BUSY_WAIT_MS}`).run();
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      // better-sqlite3 answers synchronously: without yielding, a backlog of writes would run as one long chain of
      // microtasks and starve the event loop (HTTP requests, timers, fetches).
      await new Promise((resolve) => setImmediate(resolve));
      const group = this.queue.splice(0, this.maxGroup);
      const outcomes: { ok: boolean; value: unknown }[] = [];
      try {
        await this.begin();
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
