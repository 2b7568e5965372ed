import { and, asc, eq, isNull, lt, or, type Placeholder, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { Db, Schema } from '../db-types.ts';
import type { ItemInsert, TopicItemInsert } from '../rows.ts';
import type { SearchQuery } from '../search-query.ts';
import type { SourceRow } from '../types.ts';

/**
 * The order due sources are claimed in: first those a gone or lapsed lease left behind (their lease time is set),
 * so a crashed worker's sources are not left for the end of a long cycle; then the longest due.
 */
export function claimOrder(sources: Schema['sources']): SQL[] {
  return [sql`${sources.leaseUntil} is null`, asc(sources.nextFetchAt), asc(sources.id)];
}

/** Which of a host's slots may be taken now (see Dialect.claimHostSlot). */
export function freeHostSlot(
  t: Schema,
  host: string | Placeholder,
  perHost: number | Placeholder,
  now: number | Placeholder,
): SQL | undefined {
  const { hostSlots } = t;
  return and(
    eq(hostSlots.host, host),
    lt(hostSlots.slot, perHost),
    or(isNull(hostSlots.leaseUntil), lt(hostSlots.leaseUntil, now)),
  );
}

/**
 * Everything the store's queries do differently on SQLite and PostgreSQL, and nothing else: the entity modules
 * (sources.ts, items.ts, …) are written once against the SQLite-typed query builder and call these where the
 * dialects part. Connections, transactions, migrations and advisory locks differ too; they live in the same two
 * files (dialect/sqlite.ts, dialect/postgres.ts) behind `Connection` (db.ts).
 */
/** A query prepared once and run with named placeholder values (`sql.placeholder`). */
export interface PreparedQuery {
  execute(values: Record<string, unknown>): Promise<unknown>;
}

export interface Dialect {
  readonly name: 'sqlite' | 'pg';
  /**
   * Prepares a select built with the query builder for repeated runs. PostgreSQL names its server-side statement
   * (`name`, unique per shape); SQLite's drizzle takes no name (the connection caches statements by SQL text).
   */
  prepare(query: unknown, name: string): PreparedQuery;
  /**
   * `column` among the ids bound as one parameter (`placeholder`, its value from `idList`): one statement, prepared
   * once, for any number of ids (SQLite: json_each of a JSON array; PostgreSQL: `= any` of an int array).
   */
  inIdList(column: SQLWrapper, placeholder: Placeholder): SQL;
  /** The bound value of an `inIdList` placeholder. */
  idList(ids: number[]): unknown;
  /**
   * Leases up to `limit` sources matching `due` (oldest due first) and returns them. PostgreSQL: several processes
   * may claim at once, SKIP LOCKED hands each a disjoint set; SQLite: writes are serialised, select then update.
   */
  claimSources(
    tx: Db,
    t: Schema,
    due: SQL | undefined,
    limit: number,
    lease: { leaseOwner: string; leaseUntil: number },
  ): Promise<SourceRow[]>;
  /**
   * Takes the lowest free slot below `perHost` of `host` (free: no lease, or a lapsed one) for `owner` until
   * `leaseUntil`; returns its number, or undefined when all are taken. PostgreSQL: one statement, SKIP LOCKED.
   */
  claimHostSlot(
    db: Db,
    t: Schema,
    slot: { host: string; owner: string; perHost: number; leaseUntil: number; now: number },
  ): Promise<number | undefined>;
  /** Inserts new item rows; returns their ids in the rows' order. */
  insertItems(tx: Db, t: Schema, rows: ItemInsert[]): Promise<number[]>;
  /** Inserts or updates topic memberships (`set` says what a conflict on (topic, item) updates). */
  upsertTopicItems(tx: Db, t: Schema, rows: TopicItemInsert[], set: Record<string, SQL>): Promise<void>;
  /**
   * Ids of the best matches among the newest `window`, newer first among equals (a title match weighs more). Ranks
   * are computed in the outer query, so only the window's rows are scored. Selects one column, `id`.
   */
  rankedMatches(query: SearchQuery, window: number, limit: number, offset: number): SQL;
  /** Ids of matches newest first (what follows the ranked window). Selects one column, `id`. */
  newestMatches(query: SearchQuery, limit: number, offset: number): SQL;
  /**
   * Makes the extracted article's text (plain text) searchable beside the item's own title and content:
   * PostgreSQL keeps it as a vector of its own (items.article_vector, searched together with the generated
   * search_vector); SQLite does nothing here, its index row is rewritten through Connection.indexText.
   */
  indexArticle(tx: Db, itemId: number, articleText: string): Promise<void>;
}
