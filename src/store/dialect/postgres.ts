import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { asc, inArray, type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { fromRoot } from '../../lib/paths.ts';
import type { Connection, Db, Schema } from '../connection.ts';
import { chunks } from '../rows.ts';
import * as pgSchema from '../schema.pg.ts';
import { toTsquery } from '../search-query.ts';
import { claimOrder, type Dialect, freeHostSlot, type PreparedQuery } from './dialect.ts';

const migrationsRoot = fromRoot('migrations');

/** Builds SQL text with its parameters (writeTogetherPrepared). */
const pgQueries = new PgDialect();

/** Several write statements as one: data-modifying WITH (writeTogether). */
function together(statements: { getSQL(): SQL }[]): SQL {
  const last = statements.pop()!;
  const parts = statements.map((s, i) => sql`${sql.raw(`w${i}`)} as (${s.getSQL()})`);
  return parts.length === 0 ? last.getSQL() : sql`with ${sql.join(parts, sql`, `)} ${last.getSQL()}`;
}

/** The prepared host-slot claim of each connection's database object (claimHostSlot). */
const hostSlotClaims = new WeakMap<object, PreparedQuery>();

/**
 * PostgreSQL: a pool, real transactions, an advisory lock around migrations and config sync, presence locks for
 * lease owners, and the PostgreSQL side of every query difference. The pg database and schema objects are handed
 * out typed as their SQLite twins (both schemas share table, column and TypeScript names; the query builders share
 * their API for the statements the store uses): that cast is made here and nowhere else.
 */

/** The PostgreSQL side of every query difference (see Dialect). */
export const postgresDialect: Dialect = {
  name: 'pg',

  prepare(query, name) {
    return (query as { prepare(name: string): PreparedQuery }).prepare(name);
  },

  inIdList(column, placeholder) {
    return sql`${column} = any(${placeholder}::integer[])`;
  },

  idList(ids) {
    return ids;
  },

  async claimSources(tx, t, due, limit, lease) {
    // Several processes may claim at once: SKIP LOCKED hands each a disjoint set of rows.
    const { sources } = t;
    const candidates = (
      tx
        .select({ id: sources.id })
        .from(sources)
        .where(due)
        .orderBy(...claimOrder(sources))
        .limit(limit) as unknown as {
        for(strength: 'update', config: { skipLocked: boolean }): SQL;
      }
    ).for('update', { skipLocked: true });
    return tx.update(sources).set(lease).where(inArray(sources.id, candidates)).returning();
  },

  async claimHostSlot(db, t, { host, owner, perHost, leaseUntil, now }) {
    // One statement: the row lock of FOR UPDATE re-checks the slot is still free; SKIP LOCKED passes over a slot
    // another process is taking this instant. Asked before every request: built and prepared once per connection.
    let claim = hostSlotClaims.get(db);
    if (!claim) {
      const { hostSlots } = t;
      const candidate = (
        db
          .select({ slot: hostSlots.slot })
          .from(hostSlots)
          .where(freeHostSlot(t, sql.placeholder('host'), sql.placeholder('perHost'), sql.placeholder('now')))
          .orderBy(asc(hostSlots.slot))
          .limit(1) as unknown as { for(strength: 'update', config: { skipLocked: boolean }): SQL }
      ).for('update', { skipLocked: true });
      claim = postgresDialect.prepare(
        db
          .update(hostSlots)
          .set({ owner: sql.placeholder('owner'), leaseUntil: sql.placeholder('leaseUntil') } as never)
          .where(sql`${hostSlots.host} = ${sql.placeholder('host')} and ${hostSlots.slot} = (${candidate})`)
          .returning({ slot: hostSlots.slot }),
        'claim_host_slot',
      );
      hostSlotClaims.set(db, claim);
    }
    const [taken] = (await claim.execute({ host, owner, perHost, leaseUntil, now })) as { slot: number }[];
    return taken?.slot;
  },

  async insertItems(tx, t, rows) {
    // One round trip per chunk; ids come back with their uid (RETURNING promises no order).
    const ids: number[] = [];
    for (const part of chunks(rows)) {
      const returned = await tx.insert(t.items).values(part).returning({ id: t.items.id, uid: t.items.uid });
      const byUid = new Map(returned.map((r) => [r.uid, Number(r.id)]));
      for (const row of part) ids.push(byUid.get(row.uid)!);
    }
    return ids;
  },

  async upsertTopicItems(tx, t, rows, set) {
    // One round trip for the chunk.
    if (rows.length === 0) return;
    const { topicItems } = t;
    await tx
      .insert(topicItems)
      .values(rows)
      .onConflictDoUpdate({ target: [topicItems.topicSlug, topicItems.itemId], set });
  },

  rankedMatches(query, window, limit, offset) {
    const tsquery = sql`to_tsquery('simple', ${toTsquery(query)})`;
    return sql`select m.id from (select id, published_at, ${SEARCHED} as v from items
          where ${SEARCHED} @@ ${tsquery} order by id desc limit ${window}) m
        order by ts_rank_cd(m.v, ${tsquery}, 1) desc, m.published_at desc, m.id desc
        limit ${limit} offset ${offset}`;
  },

  newestMatches(query, limit, offset) {
    return sql`select id from items where ${SEARCHED} @@ to_tsquery('simple', ${toTsquery(query)})
              order by id desc limit ${limit} offset ${offset}`;
  },

  async indexArticle(tx, itemId, articleText) {
    // Weighted as the feed's own content (C), read as items_search_text reads it (migrations/pg/0002).
    const text = sql`items_search_text(${articleText.slice(0, ARTICLE_INDEX_CHARS)})`;
    await (tx as unknown as { execute(q: SQL): Promise<unknown> }).execute(sql`update items set article_vector =
        setweight(to_tsvector('german'::regconfig, ${text}), 'C') ||
        setweight(to_tsvector('english'::regconfig, ${text}), 'C')
      where id = ${itemId}`);
  },
};

/**
 * What a search matches: the item's own title and content (the generated search_vector) and the extracted article
 * (article_vector, when there is one). The GIN index items_search is built on exactly this expression
 * (migrations/pg: article search), so it must be written the same way here.
 */
const SEARCHED = sql.raw(`(search_vector || coalesce(article_vector, ''::tsvector))`);
/** As much of an article as the index reads (the feed's own content is cut at the same length). */
const ARTICLE_INDEX_CHARS = 100_000;

/** PostgreSQL advisory lock key that serialises migrations and config sync across processes. */
const SETUP_LOCK_ID = 727274;
/** First key of the two-key advisory locks that mark a lease owner as alive (the second is a hash of its name). */
const PRESENCE_LOCK_CLASS = 727275;
/** First key of the two-key advisory locks of once-per-cluster jobs (story grouping, WebSub pings). */
const JOB_LOCK_CLASS = 727276;

/** A name's second advisory lock key: 31 bits of its SHA-1 (positive, so pg_locks.objid shows it as it is). */
function presenceKey(name: string): number {
  return createHash('sha1').update(name).digest().readUInt32BE(0) & 0x7fffffff;
}

export async function openPostgres(url: string): Promise<Connection> {
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
  // A named section (`job`) waits on the job's own lock (class JOB_LOCK_CLASS), not on the setup lock.
  const exclusive = async <T>(fn: () => Promise<T>, job?: string): Promise<T> => {
    const lockClient = new pg.Client({ connectionString: url });
    lockClient.on('error', () => undefined);
    await lockClient.connect();
    const key = job === undefined ? [SETUP_LOCK_ID] : [JOB_LOCK_CLASS, presenceKey(job)];
    const args = job === undefined ? '$1' : '$1, $2';
    try {
      await lockClient.query(`SELECT pg_advisory_lock(${args})`, key);
      return await fn();
    } finally {
      // Ending the session releases the lock in any case; the unlock only makes it prompt.
      await lockClient.query(`SELECT pg_advisory_unlock(${args})`, key).catch(() => undefined);
      await lockClient.end().catch(() => undefined);
    }
  };
  // Once-per-cluster jobs: a try-lock on a session of its own (class JOB_LOCK_CLASS, key a hash of the job's name).
  const tryExclusive = async <T>(name: string, fn: () => Promise<T>): Promise<{ value: T } | undefined> => {
    const lockClient = new pg.Client({ connectionString: url });
    lockClient.on('error', () => undefined);
    await lockClient.connect();
    try {
      const { rows } = await lockClient.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [
        JOB_LOCK_CLASS,
        presenceKey(name),
      ]);
      if (!rows[0]?.locked) return undefined;
      return { value: await fn() };
    } finally {
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
  const preparedTogether = new Map<string, { execute(params: Record<string, unknown>): Promise<unknown> }>();
  return {
    dialect: postgresDialect,
    db: asSqlite,
    indexText() {},
    schema: pgSchema as unknown as Schema,
    write<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(tx as unknown as Db));
    },
    autocommit: (fn) => fn(asSqlite),
    async writeTogether(build) {
      const statements = build(asSqlite);
      if (statements.length > 0) await db.execute(together(statements));
    },
    async writeTogetherPrepared(name, build, params) {
      // The same one statement, built once and run as a named prepared statement (parsed once per connection).
      let prepared = preparedTogether.get(name);
      if (!prepared) {
        prepared = db._.session.prepareQuery(pgQueries.sqlToQuery(together(build(asSqlite))), undefined, name, false);
        preparedTogether.set(name, prepared);
      }
      await prepared.execute(params);
    },
    exclusive,
    tryExclusive,
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
