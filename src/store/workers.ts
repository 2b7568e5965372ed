import { and, count, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type { StoreContext } from './context.ts';
import type { PreparedQuery } from './dialect/dialect.ts';
import type { HostSlot, WorkerRow, WorkerStore } from './types.ts';

/**
 * The processes that fetch and what they hold across the cluster: heartbeats (`workers`), and per-host request
 * slots (`host_slots` + `fetch_hosts`) that keep politeness when several processes fetch from one host.
 */
export class SqlWorkerStore implements WorkerStore {
  private readonly knownHosts = new Set<string>();

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
    const { workers, hostSlots } = this.ctx.t;
    await this.ctx.write(async (tx) => {
      await tx.update(hostSlots).set({ owner: null, leaseUntil: null }).where(inArray(hostSlots.owner, owners));
      await tx.delete(workers).where(inArray(workers.owner, owners));
    });
  }

  async acquireHostSlot(
    host: string,
    owner: string,
    limits: { perHost: number; gapMs: number; leaseMs: number },
    now = Date.now(),
  ): Promise<HostSlot> {
    const { fetchHosts } = this.ctx.t;
    await this.ensureHost(host);
    const slot = await this.ctx.conn.autocommit((db) =>
      this.ctx.dialect.claimHostSlot(db, this.ctx.t, {
        host,
        owner,
        perHost: limits.perHost,
        leaseUntil: now + limits.leaseMs,
        now,
      }),
    );
    if (slot === undefined) return { granted: false };
    if (limits.gapMs <= 0) return { granted: true, host, slot, owner };
    // The gap between two starts on the host, whichever process starts them: one conditional update.
    const opened = await this.ctx.conn.autocommit((db) =>
      db
        .update(fetchHosts)
        .set({ nextStartAt: now + limits.gapMs })
        .where(and(eq(fetchHosts.host, host), lte(fetchHosts.nextStartAt, now)))
        .returning({ host: fetchHosts.host }),
    );
    if (opened.length > 0) return { granted: true, host, slot, owner };
    await this.releaseHostSlot({ host, slot, owner });
    const [gate] = await this.ctx.db
      .select({ nextStartAt: fetchHosts.nextStartAt })
      .from(fetchHosts)
      .where(eq(fetchHosts.host, host));
    return { granted: false, retryAt: Number(gate?.nextStartAt ?? now) };
  }

  async releaseHostSlot(slot: { host: string; slot: number; owner: string }): Promise<void> {
    const { hostSlots } = this.ctx.t;
    // Once per request: one statement, built and prepared once (self-contained, so no transaction is needed).
    this.releaseSlot ??= this.ctx.dialect.prepare(
      this.ctx.db
        .update(hostSlots)
        .set({ owner: null, leaseUntil: null })
        .where(
          and(
            eq(hostSlots.host, sql.placeholder('host')),
            eq(hostSlots.slot, sql.placeholder('slot')),
            eq(hostSlots.owner, sql.placeholder('owner')),
          ),
        ),
      'release_host_slot',
    );
    const release = this.releaseSlot;
    await this.ctx.conn.autocommit(() => release.execute({ host: slot.host, slot: slot.slot, owner: slot.owner }));
  }

  private releaseSlot: PreparedQuery | undefined;

  async hostSlotsInFlight(now = Date.now()): Promise<Map<string, number>> {
    const { hostSlots } = this.ctx.t;
    const rows = await this.ctx.db
      .select({ host: hostSlots.host, n: count() })
      .from(hostSlots)
      .where(gte(hostSlots.leaseUntil, now))
      .groupBy(hostSlots.host);
    return new Map(rows.map((r) => [r.host, Number(r.n)]));
  }

  /** A host's slot rows (as many as any config may use) and gap row, made once per host and process. */
  private async ensureHost(host: string): Promise<void> {
    if (this.knownHosts.has(host)) return;
    const { fetchHosts, hostSlots } = this.ctx.t;
    await this.ctx.write(async (tx) => {
      await tx
        .insert(hostSlots)
        .values(Array.from({ length: MAX_PER_HOST }, (_, slot) => ({ host, slot })))
        .onConflictDoNothing();
      await tx.insert(fetchHosts).values({ host, nextStartAt: 0 }).onConflictDoNothing();
    });
    this.knownHosts.add(host);
  }
}

/** The most requests per host a config may allow (config schema: perHostConcurrency ≤ 16). */
const MAX_PER_HOST = 16;
