import { eq } from 'drizzle-orm';
import type { StoreContext } from './context.ts';
import type { WebSubStore } from './types.ts';

/**
 * The marks WebSub hubs were last told (`websub_marks`): the one record every process compares with, so a change
 * of a published feed is announced once across the cluster, not once per process that notices it.
 */
export class SqlWebSubStore implements WebSubStore {
  constructor(private readonly ctx: StoreContext) {}

  async moveFeedMarks(
    hub: string,
    read: () => Promise<Map<string, string>>,
    now: number,
    opts: { baselineOnly?: boolean } = {},
  ): Promise<string[]> {
    const { websubMarks } = this.ctx.t;
    // Reading the marks inside the lock matters: a process that read older marks and recorded them after a newer
    // reader would move them back, and both would ping. Each holder reads after the previous one recorded.
    return this.ctx.conn.exclusive(async () => {
      const marks = await read();
      return this.ctx.write(async (tx) => {
        const rows = await tx
          .select({ path: websubMarks.path, mark: websubMarks.mark })
          .from(websubMarks)
          .where(eq(websubMarks.hub, hub));
        const told = new Map(rows.map((r) => [r.path, r.mark]));
        const baseline = rows.length === 0;
        if (opts.baselineOnly && !baseline) return [];
        const moved = [...marks].filter(([path, mark]) => told.get(path) !== mark);
        for (const [path, mark] of moved) {
          await tx
            .insert(websubMarks)
            .values({ hub, path, mark, announcedAt: now })
            .onConflictDoUpdate({ target: [websubMarks.hub, websubMarks.path], set: { mark, announcedAt: now } });
        }
        return baseline ? [] : moved.map(([path]) => path);
      });
    }, 'websub');
  }
}
