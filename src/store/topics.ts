import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { StoreContext } from './context.ts';
import type { ItemQueries } from './item-query.ts';
import { chunks, parseJson, toStoredItem } from './rows.ts';
import type { Cursor, Page, StoredItem, TopicDecision, TopicItem, TopicRow, TopicScore, TopicStore } from './types.ts';

/** Topics: their rows, item scores and editors' decisions, topic rivers. */
export class SqlTopicStore implements TopicStore {
  constructor(
    private readonly ctx: StoreContext,
    private readonly queries: ItemQueries,
  ) {}

  async upsertTopic(
    topic: { slug: string; title: string; description: string; rulesHash: string },
    now = Date.now(),
  ): Promise<{ created: boolean; rulesChanged: boolean }> {
    const { topics } = this.ctx.t;
    return this.ctx.write(async (tx) => {
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
    const { topics } = this.ctx.t;
    const rows = await this.ctx.db.select().from(topics).orderBy(asc(topics.slug));
    return rows.map((r) => ({ ...r, updatedAt: Number(r.updatedAt) }));
  }

  async getTopic(slug: string): Promise<TopicRow | undefined> {
    const { topics } = this.ctx.t;
    const [row] = await this.ctx.db.select().from(topics).where(eq(topics.slug, slug));
    return row ? { ...row, updatedAt: Number(row.updatedAt) } : undefined;
  }

  async saveTopicScores(slug: string, scores: TopicScore[], now = Date.now()): Promise<void> {
    const { topicItems, topics } = this.ctx.t;
    if (scores.length === 0) return;
    const onConflictSet = {
      score: sql`excluded.score`,
      evidence: sql`excluded.evidence`,
      publishedAt: sql`excluded.published_at`,
      scoredAt: sql`excluded.scored_at`,
      // An editor's pin or exclusion always wins over scoring.
      included: sql`case when ${topicItems.decision} = 'pinned' then true when ${topicItems.decision} = 'excluded' then false else excluded.included end`,
    };
    await this.ctx.write(async (tx) => {
      let visibleChange = false;
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
        await this.ctx.dialect.upsertTopicItems(tx, this.ctx.t, rows, onConflictSet);
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
    const { topicItems, topics, items } = this.ctx.t;
    await this.ctx.write(async (tx) => {
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

  /** Included items of a topic, newest first, with score, evidence and decision. */
  listTopicItems(
    slug: string,
    limit: number,
    before?: Cursor,
    language?: string,
    opts: { content?: boolean } = {},
  ): Promise<Page<TopicItem>> {
    return this.queries.topicPage(slug, { language }, limit, before, opts.content ?? true);
  }

  async topicDecisions(slug: string): Promise<{ item: StoredItem; decision: TopicDecision }[]> {
    const { items, topicItems } = this.ctx.t;
    const rows = await this.ctx.db
      .select({ item: items, decision: topicItems.decision })
      .from(topicItems)
      .innerJoin(items, eq(items.id, topicItems.itemId))
      .where(and(eq(topicItems.topicSlug, slug), notInArray(topicItems.decision, ['auto'])));
    return rows.map((r) => ({ item: toStoredItem(r.item), decision: r.decision as TopicDecision }));
  }

  async itemTopics(itemId: number) {
    const { topicItems, topics } = this.ctx.t;
    const rows = await this.ctx.db
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
