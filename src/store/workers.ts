import { and, count, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { StoreContext } from './context.ts';
import type { HostSlot, WorkerRow, WorkerStore } from './types.ts';

/**
 * The processes that fetch and what they hold across the cluster: heartbeats (`workers`), and per-host request
 * slots (`fetch_hosts` + `host_fetches`) that keep politeness when several processes fetch from one host.
 */
export class SqlWorkerStore implements WorkerStore {
  constructor(private readonly ctx: StoreContext) {}

  async heartbeat(owner: string, role: string, now: number, fetchesDone = 0): Promise<void> {
    const { workers } = this.ctx.t;
    await this.ctx.write((tx) =>
      tx
        .insert(workers)
        .values({ owner, role, startedAt: now, seenAt: now, fetches: fetchesDone })
        .onConflictDoUpdate({
          target: workers.owner,
          set: { seenAt: now, role, fetches: sql`${workers.fetches} + ${fetchesDone}` },
        }),
    );
  }

  async listWorkers(): Promise<WorkerRow[]> {
    const rows = await this.ctx.db.select().from(this.ctx.t.workers);
    return rows.map((r) => ({ ...r, startedAt: Number(r.startedAt), seenAt: Number(r.seenAt) }));
  }

  async staleWorkers(seenBefore: number): Promise<string[]> {
    const { workers } = this.ctx.t;
    const rows = await this.ctx.db.select({ owner: workers.owner }).from(workers).where(lt(workers.seenAt, seenBefore));
    return rows.map((r) => r.owner);
  }

  async forgetWorkers(owners: string[]): Promise<void> {
    if (owners.length === 0) return;
    const { workers, hostFetches } = this.ctx.t;
    await this.ctx.write(async (tx) => {
      await tx.delete(hostFetches).where(inArray(hostFetches.owner, owners));
      await tx.delete(workers).where(inArray(workers.owner, owners));
    });
  }

  async acquireHostSlot(
    host: string,
    owner: string,
    limits: { perHost: number; gapMs: number; leaseMs: number },
    now = Date.now(),
  ): Promise<HostSlot> {
    const { fetchHosts, hostFetches } = this.ctx.t;
    return this.ctx.write(async (tx) => {
      // Creates the host's row or locks it (a no-op update): the rest of this transaction runs alone for the host,
      // and each statement after it sees what the previous holder committed.
      const [gate] = await tx
        .insert(fetchHosts)
        .values({ host, nextStartAt: 0 })
        .onConflictDoUpdate({ target: fetchHosts.host, set: { nextStartAt: sql`${fetchHosts.nextStartAt}` } })
        .returning({ nextStartAt: fetchHosts.nextStartAt });
      const nextStartAt = Number(gate?.nextStartAt ?? 0);
      if (nextStartAt > now) return { granted: false, retryAt: nextStartAt };
      const [inFlight] = await tx
        .select({ n: count() })
        .from(hostFetches)
        .where(and(eq(hostFetches.host, host), gte(hostFetches.leaseUntil, now)));
      if (Number(inFlight?.n ?? 0) >= limits.perHost) return { granted: false };
      const [slot] = await tx
        .insert(hostFetches)
        .values({ host, owner, leaseUntil: now + limits.leaseMs })
        .returning({ id: hostFetches.id });
      if (limits.gapMs > 0) {
        await tx
          .update(fetchHosts)
          .set({ nextStartAt: now + limits.gapMs })
          .where(eq(fetchHosts.host, host));
      }
      return { granted: true, id: Number(slot!.id) };
    });
  }

  async releaseHostSlot(id: number, now = Date.now()): Promise<void> {
    const { hostFetches } = this.ctx.t;
    // Lapsed slots of any host go with it: the table holds what is in flight, not history.
    await this.ctx.write((tx) =>
      tx.delete(hostFetches).where(sql`${hostFetches.id} = ${id} or ${hostFetches.leaseUntil} < ${now}`),
    );
  }

  async hostSlotsInFlight(now = Date.now()): Promise<Map<string, number>> {
    const { hostFetches } = this.ctx.t;
    const rows = await this.ctx.db
      .select({ host: hostFetches.host, n: count() })
      .from(hostFetches)
      .where(gte(hostFetches.leaseUntil, now))
      .groupBy(hostFetches.host);
    return new Map(rows.map((r) => [r.host, Number(r.n)]));
  }
}
