import { and, eq, gte, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { StoreContext } from './context.ts';
import type { CountStore, FleetStatus, SourceStatus, UnreadCounts } from './types.ts';

/** The reader's sidebar counts: read from the counters on `sources` (O(sources)) plus one count of starred items. */
export class SqlCountStore implements CountStore {
  /**
   * Unread counts are read on every reader page. On SQLite they are kept until the database changes
   * (`changeVersion`: any connection's commit); on PostgreSQL for a second, dropped at once by this process's own
   * writes, so other processes' writes (another server, a worker) show within that second.
   */
  private countsCache: { at: number; version: string | undefined; value: Promise<UnreadCounts> } | undefined;

  constructor(private readonly ctx: StoreContext) {
    ctx.onWrite(() => this.countsChanged());
  }

  private countsChanged(): void {
    this.countsCache = undefined;
  }

  changeVersion(): string | undefined {
    return this.ctx.changeVersion();
  }

  unreadCounts(): Promise<UnreadCounts> {
    const now = Date.now();
    // Where the database has a change counter (SQLite), the counts are kept while nothing changed, and read again
    // after any commit (another process's too); elsewhere for a second.
    const version = this.ctx.changeVersion();
    const cached = this.countsCache;
    if (cached && (version === undefined ? now - cached.at < 1000 : cached.version === version)) return cached.value;
    const value = this.readUnreadCounts();
    this.countsCache = { at: now, version, value };
    value.catch(() => this.countsChanged());
    return value;
  }

  async topicUnreadCounts(): Promise<Record<string, number>> {
    const { items, topicItems } = this.ctx.t;
    const rows = await this.ctx.db
      .select({ slug: topicItems.topicSlug, n: sql<number>`count(*)` })
      .from(topicItems)
      .innerJoin(items, eq(items.id, topicItems.itemId))
      .where(and(sql`${topicItems.included} = true`, sql`${items.read} = false`))
      .groupBy(topicItems.topicSlug);
    return Object.fromEntries(rows.map((r) => [r.slug, Number(r.n)]));
  }

  private async readUnreadCounts(): Promise<UnreadCounts> {
    const { sources, items } = this.ctx.t;
    const rows = await this.ctx.db
      .select({ id: sources.id, category: sources.category, unread: sources.unreadCount })
      .from(sources);
    const counts: UnreadCounts = { total: 0, bySource: {}, byCategory: {}, starred: 0 };
    for (const r of rows) {
      counts.total += r.unread;
      counts.bySource[r.id] = r.unread;
      counts.byCategory[r.category] = (counts.byCategory[r.category] ?? 0) + r.unread;
    }
    const [starred] = await this.ctx.db
      .select({ n: sql<number>`count(*)` })
      .from(items)
      .where(sql`${items.starred} = true`);
    counts.starred = Number(starred?.n ?? 0);
    return counts;
  }

  async fleetStatus(now = Date.now()): Promise<FleetStatus> {
    const { sources } = this.ctx.t;
    const active = and(eq(sources.inConfig, true), eq(sources.enabled, true));
    const [statusRows, dueRows, leaseRows] = await Promise.all([
      this.ctx.db
        .select({ status: sources.status, n: sql<number>`count(*)` })
        .from(sources)
        .where(active)
        .groupBy(sources.status),
      this.ctx.db
        .select({ n: sql<number>`count(*)`, oldest: sql<number | null>`min(${sources.nextFetchAt})` })
        .from(sources)
        .where(and(active, lte(sources.nextFetchAt, now), or(isNull(sources.leaseUntil), lt(sources.leaseUntil, now)))),
      this.ctx.db
        .select({
          owner: sources.leaseOwner,
          n: sql<number>`count(*)`,
          earliest: sql<number>`min(${sources.leaseUntil})`,
        })
        .from(sources)
        .where(and(isNotNull(sources.leaseOwner), gte(sources.leaseUntil, now)))
        .groupBy(sources.leaseOwner),
    ]);
    const byStatus: FleetStatus['byStatus'] = {};
    for (const row of statusRows) byStatus[row.status as SourceStatus] = Number(row.n);
    const due = dueRows[0];
    // PostgreSQL returns count(*) and bigint aggregates as strings.
    return {
      byStatus,
      due: Number(due?.n ?? 0),
      oldestDueAt: due?.oldest == null ? undefined : Number(due.oldest),
      leases: leaseRows.map((r) => ({
        owner: r.owner ?? '',
        sources: Number(r.n),
        earliestLeaseUntil: Number(r.earliest),
      })),
    };
  }
}
