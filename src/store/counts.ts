import { and, eq, sql } from 'drizzle-orm';
import type { StoreContext } from './context.ts';
import type { CountStore, UnreadCounts } from './types.ts';

/** The reader's sidebar counts: read from the counters on `sources` (O(sources)) plus one count of starred items. */
export class SqlCountStore implements CountStore {
  /**
   * Unread counts are read on every reader page. They are kept for a second, and dropped at once by this
   * process's own writes; writes by other processes (a CLI fetch, another server on PostgreSQL) show within that second.
   */
  private countsCache: { at: number; value: Promise<UnreadCounts> } | undefined;

  constructor(private readonly ctx: StoreContext) {
    ctx.onWrite(() => this.countsChanged());
  }

  private countsChanged(): void {
    this.countsCache = undefined;
  }

  unreadCounts(): Promise<UnreadCounts> {
    const now = Date.now();
    if (this.countsCache && now - this.countsCache.at < 1000) return this.countsCache.value;
    const value = this.readUnreadCounts();
    this.countsCache = { at: now, value };
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
}
