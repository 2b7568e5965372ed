import { and, asc, desc, eq, gt, gte, inArray, lt, lte, ne, notInArray, or, type SQL, sql } from 'drizzle-orm';
import type { RetentionPolicy } from '../config/retention.ts';
import type { SourceConfig } from '../config/schema.ts';
import type { NewItem } from '../normalize/types.ts';
import type { Connection, Db, Schema } from './db.ts';
import {
  matchTerms,
  parseSearch,
  SEARCH_RANKED_WINDOW,
  type SearchQuery,
  toFts5Match,
  toTsquery,
} from './search-query.ts';
import { indexedBody, searchTextFromHtml } from './search-text.ts';
import type {
  Cursor,
  FetchAttemptRecord,
  ItemFilter,
  ItemRow,
  ItemsMark,
  ItemWithSource,
  Page,
  SearchHit,
  SourceHealth,
  SourceRow,
  SourceUpdate,
  Store,
  StoredItem,
  SyncResult,
  TopicDecision,
  TopicItem,
  TopicRow,
  TopicScore,
  UnreadCounts,
  UpsertResult,
} from './types.ts';

const ATTEMPT_LOG_MS = 14 * 86_400_000;

/** Rows per multi-row statement: well under SQLite's 32766 and PostgreSQL's 65535 bound parameters. */
const CHUNK = 200;

function chunks<T>(list: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function toStoredItem(row: ItemRow): StoredItem {
  return {
    id: row.id,
    sourceId: row.sourceId,
    uid: row.uid,
    guid: row.guid,
    link: row.link,
    title: row.title,
    author: row.author,
    summary: row.summary,
    contentHtml: row.contentHtml ?? '',
    language: row.language,
    publishedAt: Number(row.publishedAt),
    dateEstimated: row.dateEstimated,
    updatedAt: row.updatedAt == null ? null : Number(row.updatedAt),
    categories: parseJson(row.categories, []),
    enclosures: parseJson(row.enclosures, []),
    imageUrl: row.imageUrl,
    contentHash: row.contentHash ?? '',
    firstSeenAt: Number(row.firstSeenAt ?? row.publishedAt),
    changedAt: Number(row.changedAt ?? row.publishedAt),
    read: row.read,
    starred: row.starred,
    storyKey: row.storyKey,
  };
}

function sourceFromConfig(s: SourceConfig) {
  return {
    title: s.title ?? '',
    category: s.category,
    tags: JSON.stringify(s.tags),
    language: s.language ?? null,
    identity: s.identity,
    intervalOverride: s.interval ?? null,
    retentionDays: s.retention?.days ?? null,
    retentionItems: s.retention?.items ?? null,
    retentionMinItems: s.retention?.minItems ?? null,
    enabled: s.enabled,
  };
}

export class SqlStore implements Store {
  readonly dialect: 'sqlite' | 'pg';
  private readonly db: Db;
  private readonly t: Connection['schema'];

  constructor(private readonly conn: Connection) {
    this.dialect = conn.dialect;
    this.db = conn.db;
    this.t = conn.schema;
  }

  async close(): Promise<void> {
    await this.conn.close();
  }

  async ping(): Promise<boolean> {
    try {
      await this.conn.rows(sql`select 1 as one`);
      return true;
    } catch {
      return false;
    }
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.conn.exclusive(fn);
  }

  // ---------------------------------------------------------------- sources

  async syncSources(configured: SourceConfig[], now = Date.now()): Promise<SyncResult> {
    const { sources } = this.t;
    return this.write(async (tx) => {
      const existing = await tx.select().from(sources);
      const byUrl = new Map(existing.map((row) => [row.configUrl, row]));
      const result: SyncResult = { added: [], updated: [], removed: [] };
      const seen = new Set<string>();
      for (const source of configured) {
        seen.add(source.url);
        const fields = sourceFromConfig(source);
        const row = byUrl.get(source.url);
        if (!row) {
          // Another process may have added it since the select (callers serialise sync, but must not depend on it).
          const inserted = await tx
            .insert(sources)
            .values({
              configUrl: source.url,
              fetchUrl: source.url,
              ...fields,
              nextFetchAt: now,
              createdAt: now,
              updatedAt: now,
            })
            .onConflictDoNothing({ target: sources.configUrl })
            .returning({ id: sources.id });
          if (inserted.length > 0) result.added.push(source.url);
          continue;
        }
        const changed =
          !row.inConfig ||
          row.title !== fields.title ||
          row.category !== fields.category ||
          row.tags !== fields.tags ||
          row.language !== fields.language ||
          row.identity !== fields.identity ||
          row.intervalOverride !== fields.intervalOverride ||
          row.retentionDays !== fields.retentionDays ||
          row.retentionItems !== fields.retentionItems ||
          row.retentionMinItems !== fields.retentionMinItems ||
          row.enabled !== fields.enabled;
        if (!changed) continue;
        const update: Partial<SourceRow> = { ...fields, inConfig: true, updatedAt: now };
        // Back in the file, or given a fixed interval: due no later than that interval from now.
        if (!row.inConfig) update.nextFetchAt = now;
        // A dead source stays dead until its config entry changes: an edit is the operator asking to try again.
        if (row.status === 'dead') Object.assign(update, { status: 'new', consecutiveErrors: 0, nextFetchAt: now });
        else if (fields.intervalOverride && fields.intervalOverride !== row.intervalOverride) {
          update.nextFetchAt = Math.min(Number(row.nextFetchAt), now + fields.intervalOverride * 1000);
        }
        await tx.update(sources).set(update).where(eq(sources.id, row.id));
        result.updated.push(source.url);
      }
      const gone = existing.filter((row) => row.inConfig && !seen.has(row.configUrl));
      for (const row of gone) {
        await tx.update(sources).set({ inConfig: false, updatedAt: now }).where(eq(sources.id, row.id));
        result.removed.push(row.configUrl);
      }
      return result;
    });
  }

  async listSources(): Promise<SourceRow[]> {
    const { sources } = this.t;
    return this.db.select().from(sources).orderBy(asc(sources.category), asc(sources.title), asc(sources.id));
  }

  async sourceHealth(now = Date.now()): Promise<SourceHealth[]> {
    const { items } = this.t;
    const week = now - 7 * 86_400_000;
    const counts = await this.db
      .select({ sourceId: items.sourceId, n: sql<number>`count(*)` })
      .from(items)
      .where(gt(items.publishedAt, week))
      .groupBy(items.sourceId);
    const perSource = new Map(counts.map((c) => [c.sourceId, Number(c.n)]));
    return (await this.listSources()).map((s) => ({ ...s, itemsPerWeek: perSource.get(s.id) ?? 0 }));
  }

  async getSource(id: number): Promise<SourceRow | undefined> {
    const { sources } = this.t;
    const [row] = await this.db.select().from(sources).where(eq(sources.id, id));
    return row;
  }

  async findSourceByUrl(url: string): Promise<SourceRow | undefined> {
    const { sources } = this.t;
    const [row] = await this.db
      .select()
      .from(sources)
      .where(or(eq(sources.configUrl, url), eq(sources.fetchUrl, url)))
      .limit(1);
    return row;
  }

  async claimDueSources(
    owner: string,
    limit: number,
    leaseMs: number,
    now = Date.now(),
    force = false,
    onlyIds?: number[],
  ) {
    const { sources } = this.t;
    const due = and(
      eq(sources.inConfig, true),
      eq(sources.enabled, true),
      force ? undefined : lte(sources.nextFetchAt, now),
      // A dead source is fetched only for its rare re-check (when due) or when named; `fetch --all` leaves it.
      force && !onlyIds ? ne(sources.status, 'dead') : undefined,
      onlyIds ? inArray(sources.id, onlyIds.length > 0 ? onlyIds : [-1]) : undefined,
      // A forced run (`fetch --all`) respects leases too: another live process is fetching those sources right now.
      // Leases of a crashed process are released by the runner before it claims (schedule/lease.ts).
      or(sql`${sources.leaseUntil} is null`, lt(sources.leaseUntil, now)),
    );
    const lease = { leaseOwner: owner, leaseUntil: now + leaseMs };
    if (this.dialect === 'pg') {
      // Several processes may claim at once: SKIP LOCKED hands each a disjoint set of rows.
      const candidates = (
        this.db
          .select({ id: sources.id })
          .from(sources)
          .where(due)
          .orderBy(asc(sources.nextFetchAt))
          .limit(limit) as any
      ).for('update', { skipLocked: true });
      return this.write((tx) =>
        tx.update(sources).set(lease).where(inArray(sources.id, candidates)).returning(),
      ) as Promise<SourceRow[]>;
    }
    return this.write(async (tx) => {
      const ids = (
        await tx.select({ id: sources.id }).from(sources).where(due).orderBy(asc(sources.nextFetchAt)).limit(limit)
      ).map((r) => r.id);
      if (ids.length === 0) return [];
      return tx.update(sources).set(lease).where(inArray(sources.id, ids)).returning();
    });
  }

  async leaseHolders(now = Date.now()): Promise<string[]> {
    const { sources } = this.t;
    const rows = await this.db
      .selectDistinct({ owner: sources.leaseOwner })
      .from(sources)
      .where(and(sql`${sources.leaseOwner} is not null`, gte(sources.leaseUntil, now)));
    return rows.map((r) => r.owner).filter((o): o is string => o !== null);
  }

  async announceLeaseOwner(owner: string): Promise<void> {
    await this.conn.presence?.announce(owner);
  }

  async liveLeaseOwners(owners: string[]): Promise<Set<string> | undefined> {
    return this.conn.presence?.live(owners);
  }

  async releaseLeases(owners: string[]): Promise<number> {
    if (owners.length === 0) return 0;
    const { sources } = this.t;
    const released = await this.write((tx) =>
      tx
        .update(sources)
        .set({ leaseOwner: null, leaseUntil: null })
        .where(inArray(sources.leaseOwner, owners))
        .returning({ id: sources.id }),
    );
    return released.length;
  }

  async renewLeases(owner: string, leaseUntil: number): Promise<number> {
    const { sources } = this.t;
    const renewed = await this.write((tx) =>
      tx
        .update(sources)
        .set({ leaseUntil })
        .where(and(eq(sources.leaseOwner, owner), sql`${sources.leaseUntil} is not null`))
        .returning({ id: sources.id }),
    );
    return renewed.length;
  }

  async finishFetch(sourceId: number, update: SourceUpdate, attempt: FetchAttemptRecord): Promise<void> {
    const { sources, fetchAttempts } = this.t;
    await this.write(async (tx) => {
      await tx
        .update(sources)
        .set({
          ...update,
          ...feedNamingChanged(sources, update, attempt.startedAt),
          leaseOwner: null,
          leaseUntil: null,
          updatedAt: Date.now(),
        })
        .where(eq(sources.id, sourceId));
      // The attempt log is for diagnosis, not history: a source keeps its last two weeks.
      await tx
        .delete(fetchAttempts)
        .where(
          and(eq(fetchAttempts.sourceId, sourceId), lt(fetchAttempts.startedAt, attempt.startedAt - ATTEMPT_LOG_MS)),
        );
      await tx.insert(fetchAttempts).values({
        sourceId,
        startedAt: attempt.startedAt,
        durationMs: Math.round(attempt.durationMs),
        outcome: attempt.outcome,
        httpStatus: attempt.httpStatus ?? null,
        errorReason: attempt.errorReason ?? null,
        error: attempt.error ? attempt.error.slice(0, 2000) : null,
        bytes: attempt.bytes ?? null,
        itemsNew: attempt.itemsNew ?? 0,
        itemsUpdated: attempt.itemsUpdated ?? 0,
      });
    });
  }

  async recentAttempts(sourceId: number, limit: number) {
    const { fetchAttempts } = this.t;
    const rows = await this.db
      .select()
      .from(fetchAttempts)
      .where(eq(fetchAttempts.sourceId, sourceId))
      .orderBy(desc(fetchAttempts.startedAt), desc(fetchAttempts.id))
      .limit(limit);
    return rows.map((r) => ({
      ...r,
      startedAt: Number(r.startedAt),
      outcome: r.outcome as FetchAttemptRecord['outcome'],
    }));
  }

  // ---------------------------------------------------------------- ingest

  async upsertItems(sourceId: number, incoming: NewItem[], now = Date.now()): Promise<UpsertResult> {
    const { items, sources, tombstones } = this.t;
    const unique = new Map<string, NewItem>();
    for (const item of incoming) if (!unique.has(item.uid)) unique.set(item.uid, item);
    const list = [...unique.values()];
    const result: UpsertResult = { inserted: [], updated: [], unchanged: 0, tombstoned: 0 };
    if (list.length === 0) return result;

    return this.write(async (tx) => {
      const known = new Map<string, { id: number; contentHash: string }>();
      const dead = new Set<string>();
      for (const part of chunks(list.map((i) => i.uid))) {
        const rows = await tx
          .select({ id: items.id, uid: items.uid, contentHash: items.contentHash })
          .from(items)
          .where(and(eq(items.sourceId, sourceId), inArray(items.uid, part)));
        for (const r of rows) known.set(r.uid, r);
        const gone = await tx
          .select({ uid: tombstones.uid })
          .from(tombstones)
          .where(and(eq(tombstones.sourceId, sourceId), inArray(tombstones.uid, part)));
        for (const r of gone) dead.add(r.uid);
      }

      const fresh: NewItem[] = [];
      for (const item of list) {
        const existing = known.get(item.uid);
        if (existing) {
          if (existing.contentHash === item.contentHash) {
            result.unchanged++;
            continue;
          }
          // An estimated date is only a guess made when the item was first seen; a later edit must not move it.
          const columns = itemColumns(item);
          const { publishedAt: _guess, dateEstimated: _estimated, ...keepingDate } = columns;
          const [row] = await tx
            .update(items)
            .set({ ...(item.dateEstimated ? keepingDate : columns), changedAt: now })
            .where(eq(items.id, existing.id))
            .returning();
          if (row) result.updated.push(toStoredItem(row));
        } else if (dead.has(item.uid)) {
          result.tombstoned++;
        } else {
          fresh.push(item);
        }
      }

      if (fresh.length > 0 && this.dialect === 'pg') {
        // PostgreSQL: one round trip per chunk; ids come back with their uid (RETURNING promises no order).
        for (const part of chunks(fresh)) {
          const rows = await tx
            .insert(items)
            .values(part.map((item) => this.itemParams(item, sourceId, now)) as never)
            .returning({ id: items.id, uid: items.uid });
          const ids = new Map(rows.map((r) => [r.uid, Number(r.id)]));
          for (const item of part) result.inserted.push(storedFromNew(item, ids.get(item.uid)!, sourceId, now));
        }
      } else if (fresh.length > 0) {
        // SQLite has no round trips; there one prepared statement executed per row beats building a multi-row
        // insert through the query builder.
        const insert = tx.insert(items).values(ITEM_PLACEHOLDERS).returning({ id: items.id }).prepare();
        for (const item of fresh) {
          const rows = (await insert.execute(this.itemParams(item, sourceId, now))) as { id: number }[];
          result.inserted.push(storedFromNew(item, Number(rows[0]!.id), sourceId, now));
        }
      }
      const searchRow = (i: StoredItem) => ({
        id: i.id,
        title: i.title,
        text: searchBody(i.summary, unique.get(i.uid)),
      });
      this.conn.indexText(result.inserted.map(searchRow), true);
      this.conn.indexText(result.updated.map(searchRow), false);
      if (result.inserted.length > 0) {
        const n = result.inserted.length;
        await tx
          .update(sources)
          .set({
            itemCount: sql`${sources.itemCount} + ${n}`,
            unreadCount: sql`${sources.unreadCount} + ${n}`,
            ...itemsChanged(sources, now),
          })
          .where(eq(sources.id, sourceId));
      } else if (result.updated.length > 0) {
        await tx.update(sources).set(itemsChanged(sources, now)).where(eq(sources.id, sourceId));
      }
      // An edited item changes the curated feeds that show it, whether or not re-scoring moves its score.
      await this.topicsShowingChanged(
        tx,
        result.updated.map((i) => i.id),
        now,
      );
      return result;
    });
  }

  async applyRetention(
    sourceId: number,
    policy: RetentionPolicy,
    now = Date.now(),
    inLatestDocument: Iterable<string> = [],
  ): Promise<number> {
    const { items, sources, tombstones, topicItems } = this.t;
    if (!policy.days && !policy.items) return 0;
    // A count limit below the minimum is the stricter wish: it lowers the minimum.
    const keepNewest = Math.min(policy.minItems ?? 0, policy.items ?? Number.POSITIVE_INFINITY);
    const newest = (n: number) =>
      this.db
        .select({ id: items.id })
        .from(items)
        .where(eq(items.sourceId, sourceId))
        .orderBy(desc(items.publishedAt), desc(items.id))
        .limit(n);
    const tooOld = policy.days ? lt(items.firstSeenAt, now - policy.days * 86_400_000) : undefined;
    const overCount = policy.items ? notInArray(items.id, newest(policy.items)) : undefined;
    // One read per source per cycle (old by first sight, or over the count; not starred; not among the newest kept),
    // and no write transaction unless something goes. What the feed still carries is filtered here rather than in
    // SQL: a long feed's uids would exceed the bound parameter limit, and such rows are few (the feed's length at most).
    const rows = await this.db
      .select({ id: items.id, uid: items.uid })
      .from(items)
      .where(
        and(
          eq(items.sourceId, sourceId),
          eq(items.starred, false),
          or(tooOld, overCount),
          keepNewest > 0 ? notInArray(items.id, newest(keepNewest)) : undefined,
        ),
      );
    const inFeed = new Set(inLatestDocument);
    const candidates = rows.filter((r) => !inFeed.has(r.uid)).map((r) => r.id);
    if (candidates.length === 0) return 0;
    return this.write(async (tx) => {
      let removed = 0;
      for (const part of chunks(candidates)) {
        // Starred since the read above: kept.
        const victims = await tx
          .select({ id: items.id, uid: items.uid })
          .from(items)
          .where(and(inArray(items.id, part), eq(items.starred, false)));
        if (victims.length === 0) continue;
        await this.topicsShowingChanged(
          tx,
          victims.map(({ id }) => id),
          now,
        );
        // Each victim has left its feed: the tombstone keeps an old page that reappears from bringing it back.
        await tx
          .insert(tombstones)
          .values(victims.map(({ uid }) => ({ sourceId, uid, removedAt: now })))
          .onConflictDoNothing();
        const ids = victims.map(({ id }) => id);
        await tx.delete(topicItems).where(inArray(topicItems.itemId, ids));
        await tx.delete(items).where(inArray(items.id, ids));
        removed += victims.length;
      }
      await this.recountSource(tx, sourceId);
      if (removed > 0) await tx.update(sources).set(itemsChanged(sources, now)).where(eq(sources.id, sourceId));
      return removed;
    });
  }

  /** Bumps the version of every topic whose feed includes one of these items. */
  private async topicsShowingChanged(tx: Db, itemIds: number[], now: number): Promise<void> {
    const { topics, topicItems } = this.t;
    if (itemIds.length === 0) return;
    // Naming the topics lets the (topic_slug, item_id) primary key answer; by item_id alone it would be a scan.
    const slugs = (await tx.select({ slug: topics.slug }).from(topics)).map((r) => r.slug);
    if (slugs.length === 0) return;
    for (const part of chunks(itemIds)) {
      const showing = tx
        .selectDistinct({ slug: topicItems.topicSlug })
        .from(topicItems)
        .where(
          and(
            inArray(topicItems.topicSlug, slugs),
            inArray(topicItems.itemId, part),
            sql`${topicItems.included} = true`,
          ),
        );
      await tx
        .update(topics)
        .set({ version: sql`${topics.version} + 1`, updatedAt: now })
        .where(inArray(topics.slug, showing));
    }
  }

  /** Placeholder values of one item row; prepared statements bypass column mapping, so booleans are spelled out. */
  private itemParams(item: NewItem, sourceId: number, now: number): Record<string, unknown> {
    const columns = itemColumns(item);
    return {
      ...columns,
      dateEstimated: this.dialect === 'sqlite' ? Number(item.dateEstimated) : item.dateEstimated,
      sourceId,
      firstSeenAt: now,
      changedAt: now,
    };
  }

  private async recountSource(tx: Db, sourceId: number): Promise<void> {
    const { items, sources } = this.t;
    const [c] = await tx
      .select({
        total: sql<number>`count(*)`,
        unread: sql<number>`coalesce(sum(case when ${items.read} = false then 1 else 0 end), 0)`,
      })
      .from(items)
      .where(eq(items.sourceId, sourceId));
    await tx
      .update(sources)
      .set({ itemCount: Number(c?.total ?? 0), unreadCount: Number(c?.unread ?? 0) })
      .where(eq(sources.id, sourceId));
  }

  // ---------------------------------------------------------------- reading

  private riverColumns(withContent = true) {
    const { items, sources } = this.t;
    return {
      // Rivers show summaries: leaving bodies and bookkeeping columns in the database saves reading, copying and
      // parsing them for every entry of every page.
      item: withContent ? items : riverItemColumns(items),
      sourceTitle: sources.title,
      sourceFeedTitle: sources.feedTitle,
      sourceUrl: sources.configUrl,
      sourceSiteUrl: sources.siteUrl,
      sourceCategory: sources.category,
    };
  }

  private withSource(row: RiverRow): ItemWithSource {
    // Extends the StoredItem in place: spreading a 25-field object per row showed up in every page's profile.
    const item = toStoredItem(row.item) as ItemWithSource;
    item.sourceTitle = row.sourceTitle || row.sourceFeedTitle || row.sourceUrl;
    item.sourceUrl = row.sourceUrl;
    item.sourceSiteUrl = row.sourceSiteUrl;
    item.sourceCategory = row.sourceCategory;
    return item;
  }

  private async filterConditions(filter: ItemFilter): Promise<SQL[] | null> {
    const { items, sources } = this.t;
    const where: SQL[] = [];
    if (filter.sourceId !== undefined) where.push(eq(items.sourceId, filter.sourceId));
    if (filter.category !== undefined) {
      const ids = (
        await this.db.select({ id: sources.id }).from(sources).where(eq(sources.category, filter.category))
      ).map((r) => r.id);
      if (ids.length === 0) return null;
      where.push(inArray(items.sourceId, ids));
    }
    // Literal booleans (not bound parameters) so the partial indexes on read/starred apply.
    if (filter.unreadOnly) where.push(sql`${items.read} = false`);
    if (filter.starredOnly) where.push(sql`${items.starred} = true`);
    if (filter.language) where.push(eq(items.language, filter.language));
    return where;
  }

  async listItems(
    filter: ItemFilter,
    limit: number,
    before?: Cursor,
    opts: { content?: boolean } = {},
  ): Promise<Page<ItemWithSource>> {
    if (filter.topic) return this.listTopicItems(filter.topic, limit, before, filter.language, filter);
    const withContent = opts.content ?? true;
    if (filter.category === undefined) {
      // The reader's hot path: one statement prepared per filter shape, run with the values.
      const statement = this.riverStatement(filter, Boolean(before), withContent);
      const rows = (await statement.execute({
        sourceId: filter.sourceId,
        language: filter.language,
        beforeAt: before?.publishedAt,
        beforeId: before?.id,
        limit: limit + 1,
      })) as RiverRow[];
      return pageOf(
        rows.map((r) => this.withSource(r)),
        limit,
      );
    }
    const { items, sources } = this.t;
    const where = await this.filterConditions(filter);
    if (!where) return { items: [] };
    if (before) where.push(sql`(${items.publishedAt}, ${items.id}) < (${before.publishedAt}, ${before.id})`);
    const rows = await this.db
      .select(this.riverColumns(withContent))
      .from(items)
      .innerJoin(sources, eq(sources.id, items.sourceId))
      .where(and(...where))
      .orderBy(desc(items.publishedAt), desc(items.id))
      .limit(limit + 1);
    return pageOf(
      rows.map((r) => this.withSource(r)),
      limit,
    );
  }

  private readonly riverStatements = new Map<string, { execute(values: Record<string, unknown>): unknown }>();

  private riverStatement(filter: ItemFilter, paged: boolean, withContent: boolean) {
    const shape = [
      filter.sourceId !== undefined,
      Boolean(filter.unreadOnly),
      Boolean(filter.starredOnly),
      Boolean(filter.language),
      paged,
      withContent,
    ];
    const key = shape.map(Number).join('');
    let statement = this.riverStatements.get(key);
    if (statement) return statement;
    const { items, sources } = this.t;
    const where: SQL[] = [];
    if (filter.sourceId !== undefined) where.push(eq(items.sourceId, sql.placeholder('sourceId')));
    // Literal booleans (not bound parameters) so the partial indexes on read/starred apply.
    if (filter.unreadOnly) where.push(sql`${items.read} = false`);
    if (filter.starredOnly) where.push(sql`${items.starred} = true`);
    if (filter.language) where.push(eq(items.language, sql.placeholder('language')));
    if (paged) {
      where.push(
        sql`(${items.publishedAt}, ${items.id}) < (${sql.placeholder('beforeAt')}, ${sql.placeholder('beforeId')})`,
      );
    }
    const query = this.db
      .select(this.riverColumns(withContent))
      .from(items)
      .innerJoin(sources, eq(sources.id, items.sourceId))
      .where(where.length > 0 ? and(...where) : undefined)
      .orderBy(desc(items.publishedAt), desc(items.id))
      .limit(sql.placeholder('limit') as unknown as number);
    statement = (
      query as unknown as { prepare(name?: string): { execute(v: Record<string, unknown>): unknown } }
    ).prepare(`river_${key}`);
    this.riverStatements.set(key, statement);
    return statement;
  }

  async getItem(id: number): Promise<ItemWithSource | undefined> {
    return (await this.getItemsByIds([id]))[0];
  }

  async getItemsByIds(ids: number[]): Promise<ItemWithSource[]> {
    const { items, sources } = this.t;
    if (ids.length === 0) return [];
    const out: ItemWithSource[] = [];
    for (const part of chunks(ids)) {
      const rows = await this.db
        .select(this.riverColumns())
        .from(items)
        .innerJoin(sources, eq(sources.id, items.sourceId))
        .where(inArray(items.id, part));
      out.push(...rows.map((r) => this.withSource(r)));
    }
    const order = new Map(ids.map((id, i) => [id, i]));
    return out.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  }

  async setRead(ids: number[], read: boolean): Promise<number> {
    return (await this.changeRead(ids, read)).length;
  }

  async changeRead(ids: number[], read: boolean): Promise<number[]> {
    const { items } = this.t;
    if (ids.length === 0) return [];
    return this.write(async (tx) => {
      const changed: number[] = [];
      for (const part of chunks(ids)) {
        const rows = await tx
          .update(items)
          .set({ read })
          .where(and(inArray(items.id, part), eq(items.read, !read)))
          .returning({ id: items.id, sourceId: items.sourceId });
        for (const r of rows) changed.push(r.id);
        await this.adjustUnread(tx, rows, read ? -1 : 1);
      }
      return changed;
    });
  }

  async adjacentItems(filter: ItemFilter, at: Cursor): Promise<{ newer?: number; older?: number }> {
    const { items, topicItems } = this.t;
    const where = await this.filterConditions(filter);
    if (!where) return {};
    if (filter.topic) {
      where.push(
        inArray(
          items.id,
          this.db
            .select({ id: topicItems.itemId })
            .from(topicItems)
            .where(and(eq(topicItems.topicSlug, filter.topic), eq(topicItems.included, true))),
        ),
      );
    }
    const key = sql`(${items.publishedAt}, ${items.id})`;
    const point = sql`(${at.publishedAt}, ${at.id})`;
    const nearest = async (newer: boolean) => {
      const [row] = await this.db
        .select({ id: items.id })
        .from(items)
        .where(and(...where, newer ? sql`${key} > ${point}` : sql`${key} < ${point}`))
        .orderBy(...(newer ? [asc(items.publishedAt), asc(items.id)] : [desc(items.publishedAt), desc(items.id)]))
        .limit(1);
      return row?.id;
    };
    const [newer, older] = await Promise.all([nearest(true), nearest(false)]);
    return { newer, older };
  }

  private async adjustUnread(tx: Db, rows: { sourceId: number }[], sign: 1 | -1): Promise<void> {
    const { sources } = this.t;
    const perSource = new Map<number, number>();
    for (const r of rows) perSource.set(r.sourceId, (perSource.get(r.sourceId) ?? 0) + 1);
    for (const [sourceId, n] of perSource) {
      await tx
        .update(sources)
        .set({
          unreadCount: sql`case when ${sources.unreadCount} + ${sign * n} < 0 then 0 else ${sources.unreadCount} + ${sign * n} end`,
        })
        .where(eq(sources.id, sourceId));
    }
  }

  async setStarred(id: number, starred: boolean): Promise<void> {
    const { items } = this.t;
    await this.write((tx) => tx.update(items).set({ starred }).where(eq(items.id, id)));
  }

  async markAllRead(filter: ItemFilter, upTo?: Cursor): Promise<number> {
    const { items, topicItems } = this.t;
    const where = await this.filterConditions({ ...filter, unreadOnly: true });
    if (!where) return 0;
    if (upTo) where.push(sql`(${items.publishedAt}, ${items.id}) <= (${upTo.publishedAt}, ${upTo.id})`);
    if (filter.topic) {
      where.push(
        inArray(
          items.id,
          this.db
            .select({ id: topicItems.itemId })
            .from(topicItems)
            .where(and(eq(topicItems.topicSlug, filter.topic), eq(topicItems.included, true))),
        ),
      );
    }
    return this.write(async (tx) => {
      const rows = await tx
        .update(items)
        .set({ read: true })
        .where(and(...where))
        .returning({ sourceId: items.sourceId });
      await this.adjustUnread(tx, rows, -1);
      return rows.length;
    });
  }

  /**
   * Unread counts are read on every reader page. They are kept for a second, and dropped at once by this
   * process's own writes; writes by other processes (a CLI fetch, another server on PostgreSQL) show within that second.
   */
  private countsCache: { at: number; value: Promise<UnreadCounts> } | undefined;

  private countsChanged(): void {
    this.countsCache = undefined;
  }

  /** Every write goes through here: it may change what the cached counts say. */
  private async write<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    try {
      return await this.conn.write(fn);
    } finally {
      this.countsChanged();
    }
  }

  unreadCounts(): Promise<UnreadCounts> {
    const now = Date.now();
    if (this.countsCache && now - this.countsCache.at < 1000) return this.countsCache.value;
    const value = this.readUnreadCounts();
    this.countsCache = { at: now, value };
    value.catch(() => this.countsChanged());
    return value;
  }

  private async readUnreadCounts(): Promise<UnreadCounts> {
    const { sources, items } = this.t;
    const rows = await this.db
      .select({ id: sources.id, category: sources.category, unread: sources.unreadCount })
      .from(sources);
    const counts: UnreadCounts = { total: 0, bySource: {}, byCategory: {}, starred: 0 };
    for (const r of rows) {
      counts.total += r.unread;
      counts.bySource[r.id] = r.unread;
      counts.byCategory[r.category] = (counts.byCategory[r.category] ?? 0) + r.unread;
    }
    const [starred] = await this.db
      .select({ n: sql<number>`count(*)` })
      .from(items)
      .where(sql`${items.starred} = true`);
    counts.starred = Number(starred?.n ?? 0);
    return counts;
  }

  async search(query: string, limit: number, offset = 0): Promise<SearchHit[]> {
    const parsed = parseSearch(query);
    if (!parsed.query) return [];
    // Positions before the window are the ranked newest matches; after it, older matches follow newest first.
    const window = SEARCH_RANKED_WINDOW;
    const rankedCount = Math.max(0, Math.min(limit, window - offset));
    const ids = rankedCount > 0 ? await this.rankedMatches(parsed.query, rankedCount, offset) : [];
    const restFrom = Math.max(offset, window);
    const windowFull = offset >= window || ids.length === window - offset;
    if (offset + limit > restFrom && windowFull) {
      ids.push(...(await this.newestMatches(parsed.query, offset + limit - restFrom, restFrom)));
    }
    const terms = matchTerms(parsed.query);
    return (await this.getItemsByIds(ids)).map((item) => ({ ...item, terms }));
  }

  /**
   * Ids of the best matches among the newest SEARCH_RANKED_WINDOW, newer first among equals. Ranks are computed in
   * the outer query, so only the window's rows are scored; a title match weighs more than one in the text.
   */
  private async rankedMatches(query: SearchQuery, limit: number, offset: number): Promise<number[]> {
    const window = SEARCH_RANKED_WINDOW;
    if (this.dialect === 'sqlite') {
      const rows = await this.conn.rows<{ id: number }>(
        sql`select m.id from (select rowid as id, bm25(items_fts, 4.0, 1.0) as rank from items_fts
            where items_fts match ${toFts5Match(query)} order by rowid desc limit ${window}) m
          join items i on i.id = m.id order by m.rank, i.published_at desc, m.id desc limit ${limit} offset ${offset}`,
      );
      return rows.map((r) => Number(r.id));
    }
    const tsquery = sql`to_tsquery('simple', ${toTsquery(query)})`;
    const rows = await this.conn.rows<{ id: number }>(
      sql`select m.id from (select id, published_at, search_vector from items
          where search_vector @@ ${tsquery} order by id desc limit ${window}) m
        order by ts_rank_cd(m.search_vector, ${tsquery}, 1) desc, m.published_at desc, m.id desc
        limit ${limit} offset ${offset}`,
    );
    return rows.map((r) => Number(r.id));
  }

  /** Ids of matches newest first (what follows the ranked window). */
  private async newestMatches(query: SearchQuery, limit: number, offset: number): Promise<number[]> {
    const rows =
      this.dialect === 'sqlite'
        ? await this.conn.rows<{ id: number }>(
            sql`select rowid as id from items_fts where items_fts match ${toFts5Match(query)}
              order by rowid desc limit ${limit} offset ${offset}`,
          )
        : await this.conn.rows<{ id: number }>(
            sql`select id from items where search_vector @@ to_tsquery('simple', ${toTsquery(query)})
              order by id desc limit ${limit} offset ${offset}`,
          );
    return rows.map((r) => Number(r.id));
  }

  async countItems(): Promise<number> {
    const { items } = this.t;
    const [row] = await this.db.select({ n: sql<number>`count(*)` }).from(items);
    return Number(row?.n ?? 0);
  }

  async scanItems(afterId: number, limit: number): Promise<StoredItem[]> {
    const { items } = this.t;
    const rows = await this.db.select().from(items).where(gt(items.id, afterId)).orderBy(asc(items.id)).limit(limit);
    return rows.map(toStoredItem);
  }

  async setStoryKeys(pairs: { itemId: number; storyKey: string }[]): Promise<void> {
    const { items, sources, topics } = this.t;
    if (pairs.length === 0) return;
    const now = Date.now();
    await this.write(async (tx) => {
      // The stories an item leaves change too: their other reports lose it from "also reported by".
      const keys = new Set(pairs.map((p) => p.storyKey));
      for (const part of chunks(pairs.map((p) => p.itemId))) {
        const old = await tx.select({ storyKey: items.storyKey }).from(items).where(inArray(items.id, part));
        for (const r of old) if (r.storyKey) keys.add(r.storyKey);
      }
      for (const p of pairs) await tx.update(items).set({ storyKey: p.storyKey }).where(eq(items.id, p.itemId));
      // Stories change what published feeds show (one entry, "also reported by"): their cached copies are stale.
      await tx.update(topics).set({ version: sql`${topics.version} + 1`, updatedAt: now });
      for (const part of chunks([...keys])) {
        const reporting = tx.selectDistinct({ id: items.sourceId }).from(items).where(inArray(items.storyKey, part));
        await tx.update(sources).set(itemsChanged(sources, now)).where(inArray(sources.id, reporting));
      }
    });
  }

  async itemsMark(category?: string): Promise<ItemsMark> {
    const { sources } = this.t;
    const [row] = await this.db
      .select({
        sources: sql<number>`count(*)`,
        version: sql<number>`coalesce(sum(${sources.itemsVersion}), 0)`,
        changedAt: sql<number>`coalesce(max(${sources.itemsChangedAt}), 0)`,
      })
      .from(sources)
      .where(category === undefined ? undefined : eq(sources.category, category));
    return {
      sources: Number(row?.sources ?? 0),
      version: Number(row?.version ?? 0),
      changedAt: Number(row?.changedAt ?? 0),
    };
  }

  async itemsByStoryKeys(keys: string[]): Promise<ItemWithSource[]> {
    const { items, sources } = this.t;
    if (keys.length === 0) return [];
    const out: ItemWithSource[] = [];
    for (const part of chunks([...new Set(keys)])) {
      const rows = await this.db
        .select(this.riverColumns())
        .from(items)
        .innerJoin(sources, eq(sources.id, items.sourceId))
        .where(inArray(items.storyKey, part))
        .orderBy(asc(items.publishedAt), asc(items.id));
      out.push(...rows.map((r) => this.withSource(r)));
    }
    return out;
  }

  // ---------------------------------------------------------------- topics

  async upsertTopic(
    topic: { slug: string; title: string; description: string; rulesHash: string },
    now = Date.now(),
  ): Promise<{ created: boolean; rulesChanged: boolean }> {
    const { topics } = this.t;
    return this.write(async (tx) => {
      const [row] = await tx.select().from(topics).where(eq(topics.slug, topic.slug));
      if (!row) {
        await tx.insert(topics).values({ ...topic, version: 1, updatedAt: now });
        return { created: true, rulesChanged: true };
      }
      const rulesChanged = row.rulesHash !== topic.rulesHash;
      if (rulesChanged || row.title !== topic.title || row.description !== topic.description) {
        await tx
          .update(topics)
          .set({ ...topic, version: sql`${topics.version} + 1`, updatedAt: now })
          .where(eq(topics.slug, topic.slug));
      }
      return { created: false, rulesChanged };
    });
  }

  async listTopics(): Promise<TopicRow[]> {
    const { topics } = this.t;
    const rows = await this.db.select().from(topics).orderBy(asc(topics.slug));
    return rows.map((r) => ({ ...r, updatedAt: Number(r.updatedAt) }));
  }

  async getTopic(slug: string): Promise<TopicRow | undefined> {
    const { topics } = this.t;
    const [row] = await this.db.select().from(topics).where(eq(topics.slug, slug));
    return row ? { ...row, updatedAt: Number(row.updatedAt) } : undefined;
  }

  async saveTopicScores(slug: string, scores: TopicScore[], now = Date.now()): Promise<void> {
    const { topicItems, topics } = this.t;
    if (scores.length === 0) return;
    const onConflict = {
      target: [topicItems.topicSlug, topicItems.itemId],
      set: {
        score: sql`excluded.score`,
        evidence: sql`excluded.evidence`,
        publishedAt: sql`excluded.published_at`,
        scoredAt: sql`excluded.scored_at`,
        // An editor's pin or exclusion always wins over scoring.
        included: sql`case when ${topicItems.decision} = 'pinned' then true when ${topicItems.decision} = 'excluded' then false else excluded.included end`,
      },
    };
    await this.write(async (tx) => {
      let visibleChange = false;
      let upsert: { execute(values: Record<string, unknown>): Promise<unknown> } | undefined;
      for (const part of chunks(scores)) {
        const ids = part.map((s) => s.itemId);
        const before = new Map(
          (
            await tx
              .select()
              .from(topicItems)
              .where(and(eq(topicItems.topicSlug, slug), inArray(topicItems.itemId, ids)))
          ).map((r) => [r.itemId, r]),
        );
        const keep = part.filter((s) => s.score > 0 || s.included || before.get(s.itemId)?.decision !== undefined);
        const drop = part.filter((s) => !keep.includes(s)).map((s) => s.itemId);
        for (const s of keep) {
          const old = before.get(s.itemId);
          const decided = old && old.decision !== 'auto' ? old.decision === 'pinned' : undefined;
          const included = decided ?? s.included;
          if (!old ? included : old.included !== included || (included && old.score !== s.score)) visibleChange = true;
        }
        const rows = keep.map((s) => ({
          topicSlug: slug,
          itemId: s.itemId,
          score: s.score,
          evidence: s.evidenceJson ?? JSON.stringify(s.evidence ?? {}),
          decision: 'auto',
          included: s.included,
          publishedAt: s.publishedAt,
          scoredAt: now,
        }));
        if (rows.length > 0 && this.dialect === 'pg') {
          // PostgreSQL: one round trip for the chunk.
          await tx.insert(topicItems).values(rows).onConflictDoUpdate(onConflict);
        } else if (rows.length > 0) {
          // SQLite has no round trips; there one prepared statement executed per row beats building a multi-row
          // statement through the query builder (as for items).
          upsert ??= tx.insert(topicItems).values(TOPIC_ITEM_PLACEHOLDERS).onConflictDoUpdate(onConflict).prepare();
          for (const row of rows) await upsert.execute({ ...row, included: Number(row.included) });
        }
        if (drop.length > 0) {
          await tx
            .delete(topicItems)
            .where(
              and(eq(topicItems.topicSlug, slug), inArray(topicItems.itemId, drop), eq(topicItems.decision, 'auto')),
            );
        }
      }
      if (visibleChange) {
        await tx
          .update(topics)
          .set({ version: sql`${topics.version} + 1`, updatedAt: now })
          .where(eq(topics.slug, slug));
      }
    });
  }

  async setTopicDecision(slug: string, itemId: number, decision: TopicDecision, now = Date.now()): Promise<void> {
    const { topicItems, topics, items } = this.t;
    await this.write(async (tx) => {
      const [item] = await tx.select({ publishedAt: items.publishedAt }).from(items).where(eq(items.id, itemId));
      if (!item) throw new Error(`no item ${itemId}`);
      const [existing] = await tx
        .select()
        .from(topicItems)
        .where(and(eq(topicItems.topicSlug, slug), eq(topicItems.itemId, itemId)));
      const included = decision === 'pinned' ? true : decision === 'excluded' ? false : (existing?.included ?? false);
      if (existing) {
        await tx
          .update(topicItems)
          .set({ decision, included })
          .where(and(eq(topicItems.topicSlug, slug), eq(topicItems.itemId, itemId)));
      } else {
        await tx.insert(topicItems).values({
          topicSlug: slug,
          itemId,
          score: 0,
          evidence: '{}',
          decision,
          included,
          publishedAt: Number(item.publishedAt),
          scoredAt: now,
        });
      }
      await tx
        .update(topics)
        .set({ version: sql`${topics.version} + 1`, updatedAt: now })
        .where(eq(topics.slug, slug));
    });
  }

  async listTopicItems(
    slug: string,
    limit: number,
    before?: Cursor,
    language?: string,
    filter: ItemFilter = {},
  ): Promise<Page<TopicItem>> {
    const { items, sources, topicItems } = this.t;
    const where: SQL[] = [eq(topicItems.topicSlug, slug), sql`${topicItems.included} = true`];
    if (before) {
      where.push(sql`(${topicItems.publishedAt}, ${topicItems.itemId}) < (${before.publishedAt}, ${before.id})`);
    }
    if (language) where.push(eq(items.language, language));
    if (filter.unreadOnly) where.push(sql`${items.read} = false`);
    if (filter.starredOnly) where.push(sql`${items.starred} = true`);
    if (filter.sourceId !== undefined) where.push(eq(items.sourceId, filter.sourceId));
    if (filter.category !== undefined) where.push(eq(sources.category, filter.category));
    const rows = await this.topicItemsQuery(and(...where))
      .orderBy(desc(topicItems.publishedAt), desc(topicItems.itemId))
      .limit(limit + 1);
    return pageOf(
      rows.map((r) => this.toTopicItem(r)),
      limit,
    );
  }

  /** Topic memberships joined with their items and sources: the select both topic reads share. */
  private topicItemsQuery(where: SQL | undefined) {
    const { items, sources, topicItems } = this.t;
    return this.db
      .select({
        ...this.riverColumns(),
        score: topicItems.score,
        evidence: topicItems.evidence,
        decision: topicItems.decision,
      })
      .from(topicItems)
      .innerJoin(items, eq(items.id, topicItems.itemId))
      .innerJoin(sources, eq(sources.id, items.sourceId))
      .where(where);
  }

  private toTopicItem(r: RiverRow & { score: number; evidence: string; decision: string }): TopicItem {
    const item = this.withSource(r) as TopicItem;
    item.score = r.score;
    item.evidence = parseJson(r.evidence, {});
    item.decision = r.decision as TopicDecision;
    return item;
  }

  async topicDecisions(slug: string): Promise<{ item: StoredItem; decision: TopicDecision }[]> {
    const { items, topicItems } = this.t;
    const rows = await this.db
      .select({ item: items, decision: topicItems.decision })
      .from(topicItems)
      .innerJoin(items, eq(items.id, topicItems.itemId))
      .where(and(eq(topicItems.topicSlug, slug), notInArray(topicItems.decision, ['auto'])));
    return rows.map((r) => ({ item: toStoredItem(r.item), decision: r.decision as TopicDecision }));
  }

  async getTopicScore(slug: string, itemId: number): Promise<TopicItem | undefined> {
    const { topicItems } = this.t;
    const [r] = await this.topicItemsQuery(and(eq(topicItems.topicSlug, slug), eq(topicItems.itemId, itemId)));
    return r ? this.toTopicItem(r) : undefined;
  }

  async itemTopics(itemId: number) {
    const { topicItems, topics } = this.t;
    const rows = await this.db
      .select({
        slug: topicItems.topicSlug,
        title: topics.title,
        score: topicItems.score,
        evidence: topicItems.evidence,
        decision: topicItems.decision,
        included: topicItems.included,
      })
      .from(topicItems)
      .innerJoin(topics, eq(topics.slug, topicItems.topicSlug))
      .where(eq(topicItems.itemId, itemId))
      .orderBy(asc(topicItems.topicSlug));
    return rows.map((r) => ({ ...r, evidence: parseJson(r.evidence, {}), decision: r.decision as TopicDecision }));
  }
}

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
] as const;

/** Values for a prepared insert: one named placeholder per column, filled at each execution. */
function placeholders(fields: readonly string[]): never {
  return Object.fromEntries(fields.map((f) => [f, sql.placeholder(f)])) as never;
}

const ITEM_PLACEHOLDERS = placeholders(ITEM_FIELDS);

const TOPIC_ITEM_FIELDS = [
  'topicSlug',
  'itemId',
  'score',
  'evidence',
  'decision',
  'included',
  'publishedAt',
  'scoredAt',
] as const;
const TOPIC_ITEM_PLACEHOLDERS = placeholders(TOPIC_ITEM_FIELDS);

/**
 * Published entries print their source's name and site: when the feed renames itself, the source's item version
 * moves like for an edited item (a title from the config changes the feeds' config fingerprint instead).
 */
function feedNamingChanged(sources: Schema['sources'], update: SourceUpdate, now: number) {
  if (update.feedTitle === undefined && update.siteUrl === undefined) return {};
  const changed = sql.join(
    [
      update.feedTitle === undefined ? undefined : sql`${sources.feedTitle} is distinct from ${update.feedTitle}`,
      update.siteUrl === undefined ? undefined : sql`${sources.siteUrl} is distinct from ${update.siteUrl}`,
    ].filter((c) => c !== undefined),
    sql` or `,
  );
  const { itemsVersion, itemsChangedAt } = itemsChanged(sources, now);
  return {
    itemsVersion: sql`case when ${changed} then ${itemsVersion} else ${sources.itemsVersion} end`,
    itemsChangedAt: sql`case when ${changed} then ${itemsChangedAt} else ${sources.itemsChangedAt} end`,
  };
}

/** The update that records a change to a source's items (see `ItemsMark`); the time never goes back. */
function itemsChanged(sources: Schema['sources'], now: number) {
  return {
    itemsVersion: sql`${sources.itemsVersion} + 1`,
    itemsChangedAt: sql`case when ${sources.itemsChangedAt} > ${now} then ${sources.itemsChangedAt} else ${now} end`,
  };
}

function storedFromNew(item: NewItem, id: number, sourceId: number, now: number): StoredItem {
  return {
    ...item,
    id,
    sourceId,
    firstSeenAt: now,
    changedAt: now,
    read: false,
    starred: false,
    storyKey: null,
  };
}

/** What the full-text index holds besides the title (body text made in the parse workers, else from the HTML). */
function searchBody(summary: string, item: NewItem | undefined): string {
  return indexedBody(summary, item ? (item.searchText ?? searchTextFromHtml(item.contentHtml)) : '');
}

/** The columns a river entry shows; toStoredItem fills the others with empty values. */
function riverItemColumns(items: Schema['items']) {
  const { id, sourceId, uid, guid, link, title, author, summary, language, publishedAt, dateEstimated } = items;
  const { read, starred, storyKey, imageUrl } = items;
  return {
    id,
    sourceId,
    uid,
    guid,
    link,
    title,
    author,
    summary,
    language,
    publishedAt,
    dateEstimated,
    read,
    starred,
    storyKey,
    imageUrl,
  } as unknown as Schema['items'];
}

interface RiverRow {
  item: ItemRow;
  sourceTitle: string;
  sourceFeedTitle: string | null;
  sourceUrl: string;
  sourceSiteUrl: string | null;
  sourceCategory: string;
}

function itemColumns(item: NewItem) {
  return {
    uid: item.uid,
    guid: item.guid,
    link: item.link,
    title: item.title,
    author: item.author,
    summary: item.summary,
    contentHtml: item.contentHtml,
    language: item.language,
    publishedAt: item.publishedAt,
    dateEstimated: item.dateEstimated,
    updatedAt: item.updatedAt,
    categories: JSON.stringify(item.categories),
    enclosures: JSON.stringify(item.enclosures),
    imageUrl: item.imageUrl,
    contentHash: item.contentHash,
  };
}

function pageOf<T extends { publishedAt: number; id: number }>(rows: T[], limit: number): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1]!;
  return { items, next: { publishedAt: last.publishedAt, id: last.id } };
}
