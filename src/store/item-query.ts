import { and, asc, desc, eq, gte, inArray, lte, notInArray, type SQL, sql } from 'drizzle-orm';
import type { StoreContext } from './context.ts';
import type { PreparedQuery } from './dialect/dialect.ts';
import { pageOf, type RiverRow, riverColumns, type TopicRiverRow, toTopicItem, withSource } from './rows.ts';
import type { Cursor, ItemFilter, ItemRef, ItemWithSource, Page, RefTextFormat, TopicItem } from './types.ts';

/** The filter values bound as parameters (the rest are literal conditions). */
type BoundValue = 'sourceId' | 'language' | 'publishedFrom' | 'publishedUntil';

/**
 * The one translation of an `ItemFilter` into SQL (cf. Miniflux's entry_query_builder.go): rivers, topic rivers,
 * published feeds and the reader's previous/next all go through it. Pages are keyset-paged on (published_at, id),
 * newest first; a topic's are on its own (published_at, item_id) copy so its index answers.
 *
 * Pages run as prepared statements, one per filter shape (which conditions are present, paged or not, with bodies
 * or not), kept for the store's life and executed with the values. A category filter names its sources by id
 * (so that the items' source index answers), a list of varying length: those pages are built per call.
 */
export class ItemQueries {
  private readonly statements = new Map<string, PreparedQuery>();

  constructor(private readonly ctx: StoreContext) {}

  /** A river page of items matching `filter` (its topic, if any, is ignored: see `topicPage`). */
  async page(filter: ItemFilter, limit: number, before: Cursor | undefined, content: boolean) {
    const rows = (await this.run({ ...filter, topic: undefined }, limit, before, content)) as RiverRow[] | null;
    return rows ? pageOf(rows.map(withSource), limit) : ({ items: [] } as Page<ItemWithSource>);
  }

  /** A page of a topic's included items with their scores, among those matching the rest of `filter`. */
  async topicPage(
    topic: string,
    filter: ItemFilter,
    limit: number,
    before: Cursor | undefined,
    content: boolean,
  ): Promise<Page<TopicItem>> {
    const rows = (await this.run({ ...filter, topic }, limit, before, content)) as TopicRiverRow[] | null;
    return rows ? pageOf(rows.map(toTopicItem), limit) : { items: [] };
  }

  /**
   * The filter's conditions on `items` with their values bound, for one-off statements that select or update
   * items by filter (a topic becomes membership by subquery); null when nothing can match.
   */
  async conditions(filter: ItemFilter): Promise<SQL[] | null> {
    const { items, topicItems } = this.ctx.t;
    const categorySources = await this.categorySources(filter);
    if (categorySources === null) return null;
    const where = this.itemConditions(filter, categorySources, (_name, value) => value);
    if (filter.topic !== undefined) {
      where.push(
        inArray(
          items.id,
          this.ctx.db
            .select({ id: topicItems.itemId })
            .from(topicItems)
            .where(and(eq(topicItems.topicSlug, filter.topic), sql`${topicItems.included} = true`)),
        ),
      );
    }
    return where;
  }

  private async run(filter: ItemFilter, limit: number, before: Cursor | undefined, content: boolean) {
    const categorySources = await this.categorySources(filter);
    if (categorySources === null) return null;
    const values = {
      sourceId: filter.sourceId,
      language: filter.language,
      publishedFrom: filter.publishedFrom,
      publishedUntil: filter.publishedUntil,
      topic: filter.topic,
      beforeAt: before?.publishedAt,
      beforeId: before?.id,
      limit: limit + 1,
    };
    if (categorySources !== undefined || excludes(filter)) {
      return this.pageQuery(filter, categorySources, Boolean(before), content, (name) => values[name]);
    }
    // The reader's hot path: one statement prepared per filter shape, run with the values.
    const key = `river_${shapeKey(filter, Boolean(before), content)}`;
    return this.prepared(key, () =>
      this.pageQuery(filter, undefined, Boolean(before), content, (name) => sql.placeholder(name)),
    ).execute(values);
  }

  /** The statement kept under `key`, prepared from `build()` the first time. */
  private prepared(key: string, build: () => unknown): PreparedQuery {
    let statement = this.statements.get(key);
    if (!statement) {
      statement = this.ctx.dialect.prepare(build(), key);
      this.statements.set(key, statement);
    }
    return statement;
  }

  /** The page select for a filter; `bind` gives each value its parameter (a placeholder or the value itself). */
  private pageQuery(
    filter: ItemFilter,
    categorySources: number[] | undefined,
    paged: boolean,
    content: boolean,
    bind: (name: BindName) => unknown,
  ) {
    const { items, sources, topicItems } = this.ctx.t;
    const where = this.itemConditions(filter, categorySources, (name) => bind(name));
    if (filter.topic === undefined) {
      if (paged) where.push(sql`(${items.publishedAt}, ${items.id}) < (${bind('beforeAt')}, ${bind('beforeId')})`);
      return this.ctx.db
        .select(riverColumns(this.ctx.t, content))
        .from(items)
        .innerJoin(sources, eq(sources.id, items.sourceId))
        .where(where.length > 0 ? and(...where) : undefined)
        .orderBy(desc(items.publishedAt), desc(items.id))
        .limit(bind('limit') as number);
    }
    where.push(eq(topicItems.topicSlug, bind('topic') as string), sql`${topicItems.included} = true`);
    if (paged) {
      where.push(sql`(${topicItems.publishedAt}, ${topicItems.itemId}) < (${bind('beforeAt')}, ${bind('beforeId')})`);
    }
    return this.ctx.db
      .select({
        ...riverColumns(this.ctx.t, content),
        score: topicItems.score,
        evidence: topicItems.evidence,
        decision: topicItems.decision,
      })
      .from(topicItems)
      .innerJoin(items, eq(items.id, topicItems.itemId))
      .innerJoin(sources, eq(sources.id, items.sourceId))
      .where(and(...where))
      .orderBy(desc(topicItems.publishedAt), desc(topicItems.itemId))
      .limit(bind('limit') as number);
  }

  /** Conditions on `items` (not the topic, not the keyset). */
  private itemConditions(
    filter: ItemFilter,
    categorySources: number[] | undefined,
    bind: (name: BoundValue, value: unknown) => unknown,
  ): SQL[] {
    const { items } = this.ctx.t;
    const where: SQL[] = [];
    if (filter.sourceId !== undefined) where.push(eq(items.sourceId, bind('sourceId', filter.sourceId) as number));
    if (categorySources !== undefined) where.push(inArray(items.sourceId, categorySources));
    // Literal booleans (not bound parameters) so the partial indexes on read/starred apply.
    if (filter.unreadOnly) where.push(sql`${items.read} = false`);
    if (filter.readOnly) where.push(sql`${items.read} = true`);
    if (filter.starredOnly) where.push(sql`${items.starred} = true`);
    if (filter.unstarredOnly) where.push(sql`${items.starred} = false`);
    if (filter.language) where.push(eq(items.language, bind('language', filter.language) as string));
    if (filter.publishedFrom !== undefined) {
      where.push(gte(items.publishedAt, bind('publishedFrom', filter.publishedFrom) as number));
    }
    if (filter.publishedUntil !== undefined) {
      where.push(lte(items.publishedAt, bind('publishedUntil', filter.publishedUntil) as number));
    }
    // Lists of varying length: statements with them are built per call (never prepared per shape).
    if (filter.excludeSourceIds?.length) where.push(notInArray(items.sourceId, filter.excludeSourceIds));
    if (filter.excludeTopics?.length) {
      const { topicItems } = this.ctx.t;
      where.push(
        notInArray(
          items.id,
          this.ctx.db
            .select({ id: topicItems.itemId })
            .from(topicItems)
            .where(and(inArray(topicItems.topicSlug, filter.excludeTopics), sql`${topicItems.included} = true`)),
        ),
      );
    }
    return where;
  }

  /**
   * Refs (id, published_at) of the items matching `filter`, its topic included, keyset-paged newest first or oldest
   * first: what the sync APIs' id lists read. Only index columns are selected, so an unread or starred list is read
   * from its partial index; a topic's from its (topic, published_at, item) index.
   */
  async refs(
    filter: ItemFilter,
    limit: number,
    after: Cursor | undefined,
    oldestFirst: boolean,
  ): Promise<Page<ItemRef>> {
    const { items, topicItems } = this.ctx.t;
    const categorySources = await this.categorySources(filter);
    if (categorySources === null) return { items: [] };
    const where = this.itemConditions(filter, categorySources, (_name, value) => value);
    const onTopic = filter.topic !== undefined;
    const at = onTopic ? topicItems.publishedAt : items.publishedAt;
    const id = onTopic ? topicItems.itemId : items.id;
    if (after) {
      const point = sql`(${after.publishedAt}, ${after.id})`;
      where.push(oldestFirst ? sql`(${at}, ${id}) > ${point}` : sql`(${at}, ${id}) < ${point}`);
    }
    const order = oldestFirst ? [asc(at), asc(id)] : [desc(at), desc(id)];
    const rows = onTopic
      ? await this.ctx.db
          .select({ id, publishedAt: at })
          .from(topicItems)
          .innerJoin(items, eq(items.id, topicItems.itemId))
          .where(and(eq(topicItems.topicSlug, filter.topic!), sql`${topicItems.included} = true`, ...where))
          .orderBy(...order)
          .limit(limit + 1)
      : await this.ctx.db
          .select({ id, publishedAt: at })
          .from(items)
          .where(where.length > 0 ? and(...where) : undefined)
          .orderBy(...order)
          .limit(limit + 1);
    return pageOf(
      rows.map((r) => ({ id: Number(r.id), publishedAt: Number(r.publishedAt) })),
      limit,
    );
  }

  /**
   * `refs` written as one text by the database (string_agg, in both dialects): for a page of 10,000 refs that is a
   * few milliseconds of SQLite instead of an object per row and per field in drizzle, better-sqlite3 and the caller.
   * Two statements: the page's last ref and whether one follows (`limit 2 offset limit-1`, read from the index),
   * then the text of every ref up to and including that last one. Items arriving between the two land inside the
   * page (a few refs more than `limit`) or after it, never between it and `next`.
   */
  async refText(
    filter: ItemFilter,
    limit: number,
    after: Cursor | undefined,
    oldestFirst: boolean,
    format: RefTextFormat,
  ): Promise<{ text: string; next?: Cursor }> {
    const { items, topicItems } = this.ctx.t;
    const categorySources = await this.categorySources(filter);
    if (categorySources === null) return { text: '' };
    const onTopic = filter.topic !== undefined;
    const at = onTopic ? topicItems.publishedAt : items.publishedAt;
    const id = onTopic ? topicItems.itemId : items.id;
    const key = sql`(${at}, ${id})`;
    const order = oldestFirst ? [asc(at), asc(id)] : [desc(at), desc(id)];
    const select = (extra: SQL[]) => {
      const where = [...this.itemConditions(filter, categorySources, (_name, value) => value), ...extra];
      if (after) {
        const point = sql`(${after.publishedAt}, ${after.id})`;
        where.push(oldestFirst ? sql`${key} > ${point}` : sql`${key} < ${point}`);
      }
      if (onTopic) where.push(eq(topicItems.topicSlug, filter.topic!), sql`${topicItems.included} = true`);
      const query = this.ctx.db.select({ id, publishedAt: at });
      return (onTopic ? query.from(topicItems).innerJoin(items, eq(items.id, topicItems.itemId)) : query.from(items))
        .where(where.length > 0 ? and(...where) : undefined)
        .orderBy(...order);
    };
    const edge = await select([])
      .limit(2)
      .offset(Math.max(0, limit - 1));
    const last = edge.length === 2 ? { publishedAt: Number(edge[0]!.publishedAt), id: Number(edge[0]!.id) } : undefined;
    const bound = last
      ? [
          oldestFirst
            ? sql`${key} <= (${last.publishedAt}, ${last.id})`
            : sql`${key} >= (${last.publishedAt}, ${last.id})`,
        ]
      : [];
    const page = select(bound).as('page');
    const text = (value: string) => sql`cast(${value} as text)`;
    const entry = [text(format.before), sql`cast(${page.id} as text)`];
    if (format.between !== undefined) entry.push(text(format.between), sql`cast(${page.publishedAt} as text)`);
    entry.push(text(format.after));
    // The aggregate takes the rows in the subquery's order: neither planner flattens a subquery with ORDER BY into an
    // aggregate (SQLite's flattening rule 16, kept for group_concat; PostgreSQL pulls up no sorted subquery), and
    // tests/store/item-refs.test.ts checks the order on both. An ORDER BY inside string_agg would sort it again.
    const [row] = await this.ctx.db
      .select({ text: sql<string | null>`string_agg(${sql.join(entry, sql` || `)}, ${text(format.separator)})` })
      .from(page);
    return { text: row?.text ?? '', next: last };
  }

  /** The ids of a category's sources (undefined: no category filter; null: no such source, nothing matches). */
  private async categorySources(filter: ItemFilter): Promise<number[] | null | undefined> {
    if (filter.category === undefined) return undefined;
    const { sources } = this.ctx.t;
    const ids = (
      await this.ctx.db.select({ id: sources.id }).from(sources).where(eq(sources.category, filter.category))
    ).map((r) => r.id);
    return ids.length === 0 ? null : ids;
  }

  /**
   * The ids next to `at` in river order among the items matching `filter` (`at` itself need not match). Every item
   * page asks this: two one-row index probes, prepared per filter shape like the pages (building them per request
   * cost more than running them).
   */
  async adjacent(filter: ItemFilter, at: Cursor): Promise<{ newer?: number; older?: number }> {
    const categorySources = await this.categorySources(filter);
    if (categorySources === null) return {};
    const values = {
      sourceId: filter.sourceId,
      language: filter.language,
      topic: filter.topic,
      beforeAt: at.publishedAt,
      beforeId: at.id,
    };
    const nearest = async (newer: boolean) => {
      const rows = (
        categorySources !== undefined || excludes(filter)
          ? await this.adjacentQuery(filter, categorySources, newer, (name) => values[name as keyof typeof values])
          : await this.prepared(`adjacent_${newer ? 'newer' : 'older'}_${shapeKey(filter, true, false)}`, () =>
              this.adjacentQuery(filter, undefined, newer, (name) => sql.placeholder(name)),
            ).execute(values)
      ) as { id: number }[];
      return rows[0]?.id;
    };
    const [newer, older] = await Promise.all([nearest(true), nearest(false)]);
    return { newer, older };
  }

  /** The nearest item to the point (`beforeAt`, `beforeId`) on one side, in river order. */
  private adjacentQuery(
    filter: ItemFilter,
    categorySources: number[] | undefined,
    newer: boolean,
    bind: (name: BindName) => unknown,
  ) {
    const { items, topicItems } = this.ctx.t;
    const where = this.itemConditions(filter, categorySources, (name) => bind(name));
    if (filter.topic !== undefined) {
      where.push(
        inArray(
          items.id,
          this.ctx.db
            .select({ id: topicItems.itemId })
            .from(topicItems)
            .where(and(eq(topicItems.topicSlug, bind('topic') as string), sql`${topicItems.included} = true`)),
        ),
      );
    }
    const key = sql`(${items.publishedAt}, ${items.id})`;
    const point = sql`(${bind('beforeAt')}, ${bind('beforeId')})`;
    where.push(newer ? sql`${key} > ${point}` : sql`${key} < ${point}`);
    return this.ctx.db
      .select({ id: items.id })
      .from(items)
      .where(and(...where))
      .orderBy(...(newer ? [asc(items.publishedAt), asc(items.id)] : [desc(items.publishedAt), desc(items.id)]))
      .limit(1);
  }
}

type BindName = BoundValue | 'topic' | 'beforeAt' | 'beforeId' | 'limit';

/** Whether a filter leaves sources or topics out (lists: its statements are built per call). */
function excludes(filter: ItemFilter): boolean {
  return Boolean(filter.excludeSourceIds?.length || filter.excludeTopics?.length);
}

/** Which conditions a filter has (not their values): the key of its prepared statements. */
function shapeKey(filter: ItemFilter, paged: boolean, content: boolean): string {
  return [
    filter.topic !== undefined,
    filter.sourceId !== undefined,
    Boolean(filter.unreadOnly),
    Boolean(filter.starredOnly),
    Boolean(filter.language),
    paged,
    content,
    Boolean(filter.readOnly),
    Boolean(filter.unstarredOnly),
    filter.publishedFrom !== undefined,
    filter.publishedUntil !== undefined,
  ]
    .map(Number)
    .join('');
}
