import { and, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { StoreContext } from './context.ts';
import { toFetchAttempt } from './rows.ts';
import { rankedAttempts } from './sources.ts';
import type { FetchAttempt, StatsStore } from './types.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
// Inlined, not bound: a bound JS number is a REAL to SQLite, and the division would not be an integer one.
const DAY = sql.raw(String(DAY_MS));
const HOUR = sql.raw(String(HOUR_MS));

/**
 * The numbers behind the reader's pictures (sources page, source page, topic page, /stats): counts grouped by UTC
 * day or hour, over what the store already keeps (items, fetch_attempts, topic_items). Buckets are
 * `floor(ms / bucket)`, integer division on both dialects.
 */
export class SqlStatsStore implements StatsStore {
  constructor(private readonly ctx: StoreContext) {}

  async itemsPerDay(since: number, sourceIds?: number | readonly number[]) {
    const { items } = this.ctx.t;
    const ids = typeof sourceIds === 'number' ? [sourceIds] : sourceIds;
    if (ids?.length === 0) return [];
    const day = sql<number>`(${items.publishedAt} / ${DAY})`;
    // One grouped statement; with ids it reads the (source_id, published_at) index of only those sources.
    const rows = await this.ctx.db
      .select({ sourceId: items.sourceId, day, n: sql<number>`count(*)` })
      .from(items)
      .where(and(ids === undefined ? undefined : inArray(items.sourceId, [...ids]), gte(items.publishedAt, since)))
      .groupBy(items.sourceId, day);
    return rows.map((r) => ({ sourceId: r.sourceId, day: Number(r.day), n: Number(r.n) }));
  }

  async recentAttemptsSince(since: number, perSource: number, sourceIds?: readonly number[]) {
    const { fetchAttempts } = this.ctx.t;
    const bySource = new Map<number, { outcome: string; errorReason: string | null; startedAt: number }[]>();
    if (sourceIds?.length === 0) return bySource;
    const ranked = rankedAttempts(this.ctx, since, sourceIds);
    const rows = await this.ctx.db
      .select({
        sourceId: fetchAttempts.sourceId,
        outcome: fetchAttempts.outcome,
        errorReason: fetchAttempts.errorReason,
        startedAt: fetchAttempts.startedAt,
      })
      .from(fetchAttempts)
      .innerJoin(ranked, eq(ranked.id, fetchAttempts.id))
      .where(lte(ranked.position, perSource))
      .orderBy(desc(fetchAttempts.startedAt), desc(fetchAttempts.id));
    for (const r of rows) {
      const list = bySource.get(r.sourceId) ?? [];
      list.push({ outcome: r.outcome, errorReason: r.errorReason, startedAt: Number(r.startedAt) });
      bySource.set(r.sourceId, list);
    }
    return bySource;
  }

  async sourceAttempts(sourceId: number, limit: number): Promise<FetchAttempt[]> {
    const { fetchAttempts } = this.ctx.t;
    const rows = await this.ctx.db
      .select()
      .from(fetchAttempts)
      .where(eq(fetchAttempts.sourceId, sourceId))
      .orderBy(desc(fetchAttempts.startedAt), desc(fetchAttempts.id))
      .limit(limit);
    return rows.map(toFetchAttempt);
  }

  async attemptsPerSourceDay(since: number) {
    const { fetchAttempts } = this.ctx.t;
    const day = sql<number>`(${fetchAttempts.startedAt} / ${DAY})`;
    const rows = await this.ctx.db
      .select({
        sourceId: fetchAttempts.sourceId,
        day,
        total: sql<number>`count(*)`,
        errors: sql<number>`sum(case when ${fetchAttempts.outcome} = 'error' then 1 else 0 end)`,
      })
      .from(fetchAttempts)
      .where(gte(fetchAttempts.startedAt, since))
      .groupBy(fetchAttempts.sourceId, day);
    return rows.map((r) => ({
      sourceId: r.sourceId,
      day: Number(r.day),
      total: Number(r.total),
      errors: Number(r.errors),
    }));
  }

  async fetchDurations(since: number, limit = 200_000) {
    const { fetchAttempts } = this.ctx.t;
    const rows = await this.ctx.db
      .select({ startedAt: fetchAttempts.startedAt, durationMs: fetchAttempts.durationMs })
      .from(fetchAttempts)
      .where(gte(fetchAttempts.startedAt, since))
      .orderBy(desc(fetchAttempts.startedAt))
      .limit(limit);
    return rows.map((r) => ({ startedAt: Number(r.startedAt), durationMs: r.durationMs }));
  }

  async itemsIngestedPerHour(since: number) {
    const { items } = this.ctx.t;
    const hour = sql<number>`(${items.firstSeenAt} / ${HOUR})`;
    const rows = await this.ctx.db
      .select({ hour, n: sql<number>`count(*)` })
      .from(items)
      .where(gte(items.firstSeenAt, since))
      .groupBy(hour);
    return rows.map((r) => ({ hour: Number(r.hour), n: Number(r.n) }));
  }

  async topicItemsPerDay(slug: string, since: number) {
    const { topicItems, items } = this.ctx.t;
    const day = sql<number>`(${topicItems.publishedAt} / ${DAY})`;
    const rows = await this.ctx.db
      .select({ day, language: items.language, n: sql<number>`count(*)` })
      .from(topicItems)
      .innerJoin(items, eq(items.id, topicItems.itemId))
      .where(and(eq(topicItems.topicSlug, slug), eq(topicItems.included, true), gte(topicItems.publishedAt, since)))
      .groupBy(day, items.language);
    return rows.map((r) => ({ day: Number(r.day), language: r.language ?? '', n: Number(r.n) }));
  }

  async topicDecisionCounts(slug: string) {
    const { topicItems } = this.ctx.t;
    const rows = await this.ctx.db
      .select({ decision: topicItems.decision, n: sql<number>`count(*)` })
      .from(topicItems)
      .where(
        and(eq(topicItems.topicSlug, slug), sql`(${topicItems.included} = true or ${topicItems.decision} <> 'auto')`),
      )
      .groupBy(topicItems.decision);
    const counts = { auto: 0, pinned: 0, excluded: 0 };
    for (const r of rows) if (r.decision in counts) counts[r.decision as keyof typeof counts] = Number(r.n);
    return counts;
  }
}
