import { and, asc, desc, eq, gt, inArray, lt, lte, notInArray, or, sql } from 'drizzle-orm';
import type { RetentionPolicy } from '../config/retention.ts';
import type { NewItem } from '../normalize/types.ts';
import { itemsChanged, topicsShowingChanged } from './change-marks.ts';
import type { Db } from './connection.ts';
import type { StoreContext } from './context.ts';
import type { PreparedQuery } from './dialect/dialect.ts';
import type { ItemQueries } from './item-query.ts';
import {
  chunks,
  itemColumns,
  itemInsert,
  type RiverRow,
  riverColumns,
  storedFromNew,
  toStoredItem,
  withSource,
} from './rows.ts';
import { indexedBody, searchTextFromHtml, withArticle } from './search-text.ts';
import type {
  Cursor,
  FeedNaming,
  FullText,
  FullTextOutcome,
  FullTextStatus,
  ItemFilter,
  ItemRef,
  ItemStore,
  ItemsMark,
  ItemWithSource,
  Page,
  RefTextFormat,
  StoredItem,
  UpsertResult,
} from './types.ts';

/** Items: ingest (upsert, retention), reading (rivers, read/star), batch scans and story keys. */
export class SqlItemStore implements ItemStore {
  private byIds: PreparedQuery | undefined;
  constructor(
    private readonly ctx: StoreContext,
    private readonly queries: ItemQueries,
  ) {}

  async upsertItems(
    sourceId: number,
    incoming: NewItem[],
    now = Date.now(),
    naming?: FeedNaming,
  ): Promise<UpsertResult> {
    const { items, sources, tombstones } = this.ctx.t;
    const unique = new Map<string, NewItem>();
    for (const item of incoming) if (!unique.has(item.uid)) unique.set(item.uid, item);
    const list = [...unique.values()];
    const result: UpsertResult = { inserted: [], updated: [], unchanged: 0, tombstoned: 0 };
    if (list.length === 0) return result;

    return this.ctx.write(async (tx) => {
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

      const ids = await this.ctx.dialect.insertItems(
        tx,
        this.ctx.t,
        fresh.map((item) => itemInsert(item, sourceId, now)),
      );
      fresh.forEach((item, i) => {
        result.inserted.push(storedFromNew(item, ids[i]!, sourceId, now));
      });
      // An edited item keeps its extracted article in the index (new items have none yet).
      const articles = await articleTexts(
        tx,
        this.ctx.t,
        result.updated.map((i) => i.id),
      );
      const searchRow = (i: StoredItem) => ({
        id: i.id,
        title: i.title,
        text: withArticle(searchBody(i.summary, unique.get(i.uid)), articles.get(i.id)),
      });
      this.ctx.conn.indexText(result.inserted.map(searchRow), true);
      this.ctx.conn.indexText(result.updated.map(searchRow), false);
      // The feed's own name and site go in with its items: entries print them, and written apart (finishFetch,
      // later) they would move the published feeds' stamps twice for one fetch, so WebSub would ping twice.
      const named = naming ? { feedTitle: naming.feedTitle, siteUrl: naming.siteUrl } : {};
      if (result.inserted.length > 0) {
        const n = result.inserted.length;
        await tx
          .update(sources)
          .set({
            itemCount: sql`${sources.itemCount} + ${n}`,
            unreadCount: sql`${sources.unreadCount} + ${n}`,
            ...named,
            ...itemsChanged(sources, now),
          })
          .where(eq(sources.id, sourceId));
      } else if (result.updated.length > 0) {
        await tx
          .update(sources)
          .set({ ...named, ...itemsChanged(sources, now) })
          .where(eq(sources.id, sourceId));
      }
      // An edited item changes the curated feeds that show it, whether or not re-scoring moves its score.
      await topicsShowingChanged(
        tx,
        this.ctx.t,
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
    const { items, sources, tombstones, topicItems } = this.ctx.t;
    if (!policy.days && !policy.items) return 0;
    // A count limit below the minimum is the stricter wish: it lowers the minimum.
    const keepNewest = Math.min(policy.minItems ?? 0, policy.items ?? Number.POSITIVE_INFINITY);
    const newest = (n: number) =>
      this.ctx.db
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
    const rows = await this.ctx.db
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
    return this.ctx.write(async (tx) => {
      let removed = 0;
      for (const part of chunks(candidates)) {
        // Starred since the read above: kept.
        const victims = await tx
          .select({ id: items.id, uid: items.uid })
          .from(items)
          .where(and(inArray(items.id, part), eq(items.starred, false)));
        if (victims.length === 0) continue;
        await topicsShowingChanged(
          tx,
          this.ctx.t,
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
        await tx.delete(this.ctx.t.itemFullTexts).where(inArray(this.ctx.t.itemFullTexts.itemId, ids));
        await tx.delete(items).where(inArray(items.id, ids));
        removed += victims.length;
      }
      await this.recountSource(tx, sourceId);
      if (removed > 0) await tx.update(sources).set(itemsChanged(sources, now)).where(eq(sources.id, sourceId));
      return removed;
    });
  }

  private async recountSource(tx: Db, sourceId: number): Promise<void> {
    const { items, sources } = this.ctx.t;
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

  /** A river page, newest first; `content: false` leaves `contentHtml` empty (rivers show summaries). */
  listItems(
    filter: ItemFilter,
    limit: number,
    before?: Cursor,
    opts: { content?: boolean } = {},
  ): Promise<Page<ItemWithSource>> {
    const content = opts.content ?? true;
    if (filter.topic !== undefined) return this.queries.topicPage(filter.topic, filter, limit, before, content);
    return this.queries.page(filter, limit, before, content);
  }

  async getItem(id: number): Promise<ItemWithSource | undefined> {
    return (await this.getItemsByIds([id]))[0];
  }

  async getItemsByIds(ids: number[]): Promise<ItemWithSource[]> {
    if (ids.length === 0) return [];
    // One statement for any number of ids, prepared once (the sync apps ask for up to 1,000 at a time).
    this.byIds ??= this.ctx.dialect.prepare(
      this.ctx.db
        .select(riverColumns(this.ctx.t))
        .from(this.ctx.t.items)
        .innerJoin(this.ctx.t.sources, eq(this.ctx.t.sources.id, this.ctx.t.items.sourceId))
        .where(this.ctx.dialect.inIdList(this.ctx.t.items.id, sql.placeholder('ids'))),
      'items_by_ids',
    );
    const rows = (await this.byIds.execute({ ids: this.ctx.dialect.idList(ids) })) as RiverRow[];
    const out = rows.map(withSource);
    const order = new Map(ids.map((id, i) => [id, i]));
    return out.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  }

  async setRead(ids: number[], read: boolean): Promise<number> {
    return (await this.changeRead(ids, read)).length;
  }

  async changeRead(ids: number[], read: boolean): Promise<number[]> {
    const { items } = this.ctx.t;
    if (ids.length === 0) return [];
    return this.ctx.write(async (tx) => {
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

  adjacentItems(filter: ItemFilter, at: Cursor): Promise<{ newer?: number; older?: number }> {
    return this.queries.adjacent(filter, at);
  }

  private async adjustUnread(tx: Db, rows: { sourceId: number }[], sign: 1 | -1): Promise<void> {
    const { sources } = this.ctx.t;
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

  listItemRefs(
    filter: ItemFilter,
    limit: number,
    after?: Cursor,
    opts: { oldestFirst?: boolean } = {},
  ): Promise<Page<ItemRef>> {
    return this.queries.refs(filter, limit, after, Boolean(opts.oldestFirst));
  }

  listItemRefText(
    filter: ItemFilter,
    limit: number,
    after: Cursor | undefined,
    opts: { oldestFirst?: boolean; format: RefTextFormat },
  ): Promise<{ text: string; next?: Cursor }> {
    return this.queries.refText(filter, limit, after, Boolean(opts.oldestFirst), opts.format);
  }

  async markFilterRead(filter: ItemFilter): Promise<number[]> {
    const { items } = this.ctx.t;
    const where = await this.queries.conditions({ ...filter, unreadOnly: true, readOnly: false });
    if (!where) return [];
    return this.ctx.write(async (tx) => {
      const rows = await tx
        .update(items)
        .set({ read: true })
        .where(and(...where))
        .returning({ id: items.id, sourceId: items.sourceId });
      await this.adjustUnread(tx, rows, -1);
      return rows.map((r) => r.id);
    });
  }

  async storyReportIds(ids: number[]): Promise<number[]> {
    const { items } = this.ctx.t;
    if (ids.length === 0) return [];
    const out = new Set<number>();
    const keys = new Set<string>();
    for (const part of chunks([...new Set(ids)])) {
      const rows = await this.ctx.db
        .select({ id: items.id, storyKey: items.storyKey })
        .from(items)
        .where(inArray(items.id, part));
      for (const r of rows) {
        out.add(r.id);
        if (r.storyKey) keys.add(r.storyKey);
      }
    }
    for (const part of chunks([...keys])) {
      const rows = await this.ctx.db.select({ id: items.id }).from(items).where(inArray(items.storyKey, part));
      for (const r of rows) out.add(r.id);
    }
    return [...out].sort((a, b) => a - b);
  }

  async itemsByIdRange(range: { after?: number; before?: number }, limit: number): Promise<ItemWithSource[]> {
    const { items, sources } = this.ctx.t;
    const descending = range.after === undefined && range.before !== undefined;
    const rows = await this.ctx.db
      .select(riverColumns(this.ctx.t))
      .from(items)
      .innerJoin(sources, eq(sources.id, items.sourceId))
      .where(
        and(
          range.after !== undefined ? gt(items.id, range.after) : undefined,
          range.before ? lt(items.id, range.before) : undefined,
        ),
      )
      .orderBy(descending ? desc(items.id) : asc(items.id))
      .limit(limit);
    return rows.map(withSource);
  }

  async setStarred(id: number, starred: boolean): Promise<void> {
    const { items } = this.ctx.t;
    await this.ctx.write((tx) => tx.update(items).set({ starred }).where(eq(items.id, id)));
  }

  async scanItems(afterId: number, limit: number): Promise<StoredItem[]> {
    const { items } = this.ctx.t;
    const rows = await this.ctx.db
      .select()
      .from(items)
      .where(gt(items.id, afterId))
      .orderBy(asc(items.id))
      .limit(limit);
    return rows.map(toStoredItem);
  }

  async setStoryKeys(pairs: { itemId: number; storyKey: string | null }[]): Promise<void> {
    const { items, sources, topics } = this.ctx.t;
    if (pairs.length === 0) return;
    const now = Date.now();
    await this.ctx.write(async (tx) => {
      // The stories an item leaves change too: their other reports lose it from "also reported by".
      const keys = new Set(pairs.flatMap((p) => (p.storyKey ? [p.storyKey] : [])));
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
    const { sources } = this.ctx.t;
    const [row] = await this.ctx.db
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
    const { items, sources } = this.ctx.t;
    if (keys.length === 0) return [];
    const out: ItemWithSource[] = [];
    for (const part of chunks([...new Set(keys)])) {
      const rows = await this.ctx.db
        .select(riverColumns(this.ctx.t))
        .from(items)
        .innerJoin(sources, eq(sources.id, items.sourceId))
        .where(inArray(items.storyKey, part))
        .orderBy(asc(items.publishedAt), asc(items.id));
      out.push(...rows.map(withSource));
    }
    return out;
  }

  async storyReports(itemId: number): Promise<ItemWithSource[]> {
    const item = await this.getItem(itemId);
    if (!item) return [];
    if (!item.storyKey) return [item];
    return this.itemsByStoryKeys([item.storyKey]);
  }

  async markStoryRead(ids: number[], read: boolean): Promise<number[]> {
    return this.changeRead(await this.storyReportIds(ids), read);
  }

  async queueFullTexts(itemIds: number[], now = Date.now(), again = false): Promise<void> {
    const { itemFullTexts } = this.ctx.t;
    if (itemIds.length === 0) return;
    const rows = itemIds.map((itemId) => ({
      itemId,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      requestedAt: now,
    }));
    await this.ctx.write(async (tx) => {
      for (const part of chunks(rows, 100)) {
        const insert = tx.insert(itemFullTexts).values(part);
        if (again) {
          await insert.onConflictDoUpdate({
            target: itemFullTexts.itemId,
            set: { status: 'pending', attempts: 0, nextAttemptAt: now, requestedAt: now, reason: null, error: null },
          });
        } else {
          await insert.onConflictDoNothing();
        }
      }
    });
  }

  async claimFullTexts(
    limit: number,
    leaseMs: number,
    now = Date.now(),
  ): Promise<{ itemId: number; attempts: number }[]> {
    const { itemFullTexts: f } = this.ctx.t;
    const due = and(eq(f.status, 'pending'), lte(f.nextAttemptAt, now));
    const candidates = await this.ctx.db
      .select({ itemId: f.itemId })
      .from(f)
      .where(due)
      .orderBy(asc(f.nextAttemptAt), asc(f.itemId))
      .limit(limit);
    if (candidates.length === 0) return [];
    return this.ctx.write(async (tx) => {
      const claimed: { itemId: number; attempts: number }[] = [];
      for (const part of chunks(candidates.map((c) => c.itemId))) {
        // `due` again: on PostgreSQL a row another process claimed meanwhile is re-checked after its lock and skipped.
        const rows = await tx
          .update(f)
          .set({ nextAttemptAt: now + leaseMs })
          .where(and(inArray(f.itemId, part), due))
          .returning({ itemId: f.itemId, attempts: f.attempts });
        claimed.push(...rows);
      }
      return claimed;
    });
  }

  async finishFullText(itemId: number, outcome: FullTextOutcome, now = Date.now()): Promise<void> {
    const { itemFullTexts: f, items, sources } = this.ctx.t;
    await this.ctx.write(async (tx) => {
      if (outcome.status === 'done') {
        await tx
          .update(f)
          .set({
            status: 'done',
            contentHtml: outcome.contentHtml,
            extractedAt: now,
            reason: null,
            error: null,
            attempts: sql`${f.attempts} + 1`,
          })
          .where(eq(f.itemId, itemId));
        // Search finds the item by its article from now on, by its own title and content as before.
        const [item] = await tx
          .select({ title: items.title, summary: items.summary, contentHtml: items.contentHtml })
          .from(items)
          .where(eq(items.id, itemId));
        if (item) {
          const article = searchTextFromHtml(outcome.contentHtml);
          const body = indexedBody(item.summary, searchTextFromHtml(item.contentHtml));
          this.ctx.conn.indexText([{ id: itemId, title: item.title, text: withArticle(body, article) }], false);
          await this.ctx.dialect.indexArticle(tx, itemId, article);
        }
        // Published feeds print the article from now on: their validators must move.
        const source = tx.select({ id: items.sourceId }).from(items).where(eq(items.id, itemId));
        await tx.update(sources).set(itemsChanged(sources, now)).where(inArray(sources.id, source));
        await topicsShowingChanged(tx, this.ctx.t, [itemId], now);
        return;
      }
      await tx
        .update(f)
        .set({
          status: outcome.status,
          reason: outcome.reason,
          error: outcome.error.slice(0, 1000),
          attempts: sql`${f.attempts} + 1`,
          nextAttemptAt: outcome.nextAttemptAt ?? now,
        })
        .where(eq(f.itemId, itemId));
    });
  }

  async fullTextOf(itemId: number): Promise<FullText | undefined> {
    const { itemFullTexts: f } = this.ctx.t;
    const [row] = await this.ctx.db.select().from(f).where(eq(f.itemId, itemId));
    if (!row) return undefined;
    return {
      ...row,
      status: row.status as FullTextStatus,
      attempts: Number(row.attempts),
      nextAttemptAt: Number(row.nextAttemptAt),
      requestedAt: Number(row.requestedAt),
      extractedAt: row.extractedAt === null ? null : Number(row.extractedAt),
    };
  }

  async fullTextsOf(itemIds: number[]): Promise<Map<number, string>> {
    const { itemFullTexts: f } = this.ctx.t;
    const out = new Map<number, string>();
    for (const part of chunks(itemIds)) {
      const rows = await this.ctx.db
        .select({ itemId: f.itemId, contentHtml: f.contentHtml })
        .from(f)
        .where(and(inArray(f.itemId, part), eq(f.status, 'done')));
      for (const r of rows) out.set(r.itemId, r.contentHtml);
    }
    return out;
  }
}

/** The plain text of these items' extracted articles (those that have one), for the full-text index. */
async function articleTexts(tx: Db, t: StoreContext['t'], itemIds: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (itemIds.length === 0) return out;
  const f = t.itemFullTexts;
  for (const part of chunks(itemIds)) {
    const rows = await tx
      .select({ itemId: f.itemId, contentHtml: f.contentHtml })
      .from(f)
      .where(and(inArray(f.itemId, part), eq(f.status, 'done')));
    for (const r of rows) out.set(r.itemId, searchTextFromHtml(r.contentHtml));
  }
  return out;
}

/** What the full-text index holds besides the title (body text made in the parse workers, else from the HTML). */
function searchBody(summary: string, item: NewItem | undefined): string {
  return indexedBody(summary, item ? (item.searchText ?? searchTextFromHtml(item.contentHtml)) : '');
}
