import type { Logger } from '../lib/log.ts';
import { leaseOwnerIsGone, processLeaseOwner, WORKER_HEARTBEAT_MS, WORKER_STALE_MS } from '../schedule/lease.ts';
import type { SourceStore, Store, WorkerStore } from '../store/types.ts';

/** What a process's heartbeat needs: the lease and worker parts of the store, a clock and a log. */
export interface PresenceContext {
  store: Pick<Store, 'dialect'> &
    Pick<SourceStore, 'announceLeaseOwner' | 'leaseHolders' | 'liveLeaseOwners' | 'releaseLeases'> &
    Pick<WorkerStore, 'heartbeat' | 'staleWorkers' | 'forgetWorkers'>;
  log: Logger;
  now?: () => number;
}

/**
 * This process as the cluster sees it while it fetches: a heartbeat row (`workers`) and, on PostgreSQL, a presence
 * lock, every `WORKER_HEARTBEAT_MS`; and on each beat it frees the leases and host slots of processes that are
 * gone (presence lock gone, pid gone on this machine, or heartbeat older than `WORKER_STALE_MS`), so their sources
 * are fetched by the others within seconds. Held by the scheduler for the process's life and by each cycle.
 */
export class WorkerPresence {
  private holders = 0;
  private timer: NodeJS.Timeout | undefined;
  private fetchesSinceBeat = 0;
  private beating: Promise<void> | undefined;
  /** Called when a beat freed another process's sources (the scheduler starts a cycle to take them). */
  onReleased: (() => void) | undefined;

  constructor(
    private readonly ctx: PresenceContext,
    readonly role: string,
  ) {}

  /** Starts beating (first beat awaited) until every holder let go. */
  async hold(): Promise<() => void> {
    this.holders++;
    // SQLite: one machine, pids tell who is gone; no heartbeat rows, no timer (the embedded default stays idle).
    if (this.ctx.store.dialect !== 'pg') {
      await this.ctx.store.announceLeaseOwner(processLeaseOwner);
      await this.releaseGone((this.ctx.now ?? Date.now)());
    } else if (!this.timer) {
      this.timer = setInterval(() => void this.beat(), WORKER_HEARTBEAT_MS);
      this.timer.unref();
      await this.beat();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holders === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  countFetch(): void {
    this.fetchesSinceBeat++;
  }

  /** One heartbeat and one look for gone processes; never throws (a database blip waits for the next beat). */
  beat(): Promise<void> {
    this.beating ??= this.beatNow().finally(() => {
      this.beating = undefined;
    });
    return this.beating;
  }

  private async beatNow(): Promise<void> {
    const { store, log } = this.ctx;
    const now = (this.ctx.now ?? Date.now)();
    try {
      const done = this.fetchesSinceBeat;
      this.fetchesSinceBeat = 0;
      await Promise.all([
        store.heartbeat(processLeaseOwner, this.role, now, done),
        store.announceLeaseOwner(processLeaseOwner),
      ]);
      await this.releaseGone(now);
    } catch (error) {
      log.warn({ err: error }, 'worker heartbeat failed');
    }
  }

  private async releaseGone(now: number): Promise<void> {
    const released = await releaseLeasesOfGoneProcesses(this.ctx, now);
    if (released > 0) this.onReleased?.();
  }
}

/** Frees the leases of processes that no longer run (a kill -9, a lost machine): their sources are due now. */
export async function releaseLeasesOfGoneProcesses(ctx: PresenceContext, now: number): Promise<number> {
  const [holders, stale] = await Promise.all([
    ctx.store.leaseHolders(now),
    ctx.store.staleWorkers(now - WORKER_STALE_MS),
  ]);
  const live = holders.length > 0 ? await ctx.store.liveLeaseOwners(holders) : undefined;
  const staleSet = new Set(stale.filter((owner) => owner !== processLeaseOwner));
  const gone = holders.filter((owner) => staleSet.has(owner) || leaseOwnerIsGone(owner, live));
  const forget = [...new Set([...gone, ...staleSet])];
  if (forget.length > 0) await ctx.store.forgetWorkers(forget);
  if (gone.length === 0) return 0;
  const released = await ctx.store.releaseLeases(gone);
  if (released > 0)
    ctx.log.info({ owners: gone, sources: released }, 'released the source leases of processes that are gone');
  return released;
}
