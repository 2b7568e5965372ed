import type { HostLimiter } from '../fetch/politeness.ts';
import type { Logger } from '../lib/log.ts';
import type { WorkerStore } from '../store/types.ts';

export interface ClusterLimits {
  perHost: number;
  gapMs: number;
  /** How long a slot may be held: the fetch timeout and a margin, so a crashed holder's slot lapses. */
  leaseMs: number;
}

/**
 * Politeness across processes (PostgreSQL): the in-process HostLimiter bounds this process (global concurrency,
 * per-host queues), and each request also takes one of the host's cluster-wide slots in the database
 * (`WorkerStore.acquireHostSlot`: at most perHostConcurrency in flight per host and the minimum gap between starts,
 * whichever process asks). A host whose slots are taken is asked again after a short jittered wait.
 */
export class ClusterHostLimiter {
  constructor(
    private readonly local: HostLimiter,
    private readonly store: Pick<WorkerStore, 'acquireHostSlot' | 'releaseHostSlot'>,
    private readonly owner: string,
    private readonly limits: () => ClusterLimits,
    private readonly log: Logger,
  ) {}

  run<T>(host: string, fn: () => Promise<T>): Promise<T> {
    return this.local.run(host, () => this.withSlot(host.toLowerCase(), fn));
  }

  private async withSlot<T>(host: string, fn: () => Promise<T>): Promise<T> {
    for (;;) {
      const now = Date.now();
      const slot = await this.store.acquireHostSlot(host, this.owner, this.limits(), now);
      if (slot.granted) {
        try {
          return await fn();
        } finally {
          await this.store
            .releaseHostSlot(slot)
            .catch((error: unknown) => this.log.warn({ err: error, host }, 'releasing a host slot failed'));
        }
      }
      // Jittered, so processes waiting for one host do not ask in lockstep.
      const waitMs = slot.retryAt !== undefined ? Math.max(2, slot.retryAt - now) : 5 + Math.random() * 20;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
