import pLimit from 'p-limit';
import { LEASE_MS, LEASE_RENEW_MS, processLeaseOwner } from '../schedule/lease.ts';
import type { SourceRow, SourceStore, Store } from '../store/types.ts';
import { type FullTextSummary, runFullTexts } from './full-text.ts';
import { collectGarbageSoon } from './heap.ts';
import { type IngestContext, type IngestStore, ingestSource, type SourceOutcome } from './ingest-source.ts';
import { type PresenceContext, WorkerPresence } from './presence.ts';

/** What a cycle needs of the store besides each source's ingest: finding, claiming and leasing sources. */
export type CycleStore = IngestStore &
  PresenceContext['store'] &
  Pick<Store, 'tryExclusive'> &
  Pick<
    SourceStore,
    | 'findSourceByUrl'
    | 'listSources'
    | 'claimDueSources'
    | 'announceLeaseOwner'
    | 'renewLeases'
    | 'leaseHolders'
    | 'liveLeaseOwners'
    | 'releaseLeases'
  >;

export interface CycleContext extends IngestContext {
  store: CycleStore;
}

export interface CycleOptions {
  /** Fetch every source now, due or not (`rundschau fetch --all`). */
  force?: boolean;
  /** Only these sources (config or fetch URL). */
  sourceUrls?: string[];
  onProgress?: (done: number, total: number, last: SourceOutcome) => void;
  /** Stop claiming new sources (shutdown); in-flight ones finish. */
  signal?: AbortSignal;
}

export interface CycleSummary {
  sources: number;
  ok: number;
  notModified: number;
  failed: number;
  itemsNew: number;
  itemsUpdated: number;
  durationMs: number;
  outcomes: SourceOutcome[];
  /** Sources a forced or selective cycle left alone because another running process was fetching them. */
  skipped: SkippedSource[];
  /** Full-text extractions this cycle worked off (absent when that step failed). */
  fullTexts?: FullTextSummary;
}

export interface SkippedSource {
  sourceId: number;
  url: string;
  /** The lease owner: host/pid/… of the process fetching it. */
  heldBy: string;
}

/**
 * One fetch cycle: claims due sources under a lease (so several processes never fetch one source twice) and
 * ingests them; the host limiter inside ingest keeps it polite. A scheduled cycle claims only what it can work on
 * now (its concurrency, topped up as sources finish), so several workers share a cycle's sources evenly and a
 * crashed worker strands no more than it had in flight.
 */
export async function runCycle(ctx: CycleContext, opts: CycleOptions = {}): Promise<CycleSummary> {
  const t0 = performance.now();
  const owner = processLeaseOwner;
  const outcomes: SourceOutcome[] = [];
  const now = ctx.now ?? Date.now;
  let total = 0;
  let onlyIds: number[] | undefined;
  if (opts.sourceUrls) {
    const found = await Promise.all(opts.sourceUrls.map((url) => ctx.store.findSourceByUrl(url)));
    onlyIds = found.filter((s) => s !== undefined).map((s) => s.id);
  }
  const oneShot = opts.force || onlyIds !== undefined;
  try {
    await ctx.feedAnnouncer?.remember();
  } catch (error) {
    ctx.log.error({ err: error }, 'WebSub: reading the feeds before the cycle failed');
  }
  const claimedIds = new Set<number>();
  let skipped: SkippedSource[] = [];

  const presence = ctx.presence ?? new WorkerPresence(ctx, 'fetch');
  // The first beat announces this process and frees the leases of processes that are gone.
  const letGo = await presence.hold();
  // Leases are short; while this cycle works its sources, they are renewed so no one else takes them.
  const renewal = setInterval(() => {
    ctx.store
      .renewLeases(owner, now() + LEASE_MS)
      .catch((error: unknown) => ctx.log.warn({ err: error }, 'renewing source leases failed'));
  }, LEASE_RENEW_MS);
  renewal.unref();
  // Bounded end to end, not only while fetching: a source's body, parsed items and pending writes are held until it
  // is done, so this bound is what keeps memory flat however many sources are due.
  const concurrency = Math.max(4, ctx.config().defaults.concurrency);
  // ingestSource fails only when the database does; the cycle then fails, after its other sources settled.
  let failure: { error: unknown } | undefined;
  const ingest = async (source: SourceRow) => {
    try {
      const outcome = await ingestSource(ctx, source);
      outcomes.push(outcome);
      presence.countFetch();
      opts.onProgress?.(outcomes.length, total, outcome);
    } catch (error) {
      failure ??= { error };
    }
  };
  try {
    if (oneShot) {
      // A forced or selective cycle takes everything it wants in one claim: after it, those sources are not due,
      // but a forced claim would take them again.
      const claimed = await ctx.store.claimDueSources(owner, 1_000_000, LEASE_MS, now(), true, onlyIds);
      for (const source of claimed) claimedIds.add(source.id);
      skipped = await heldElsewhere(ctx, claimedIds, onlyIds, now());
      total = claimed.length;
      const limit = pLimit(concurrency);
      await Promise.all(claimed.map((source) => limit(() => ingest(source))));
    } else {
      const inFlight = new Set<Promise<void>>();
      // Claims in refills of at least a quarter of the concurrency: one claim per source would cost a round trip each.
      const refillAt = Math.max(1, Math.floor(concurrency / 4));
      for (;;) {
        if (opts.signal?.aborted || failure) break;
        const claimed = await ctx.store.claimDueSources(owner, concurrency - inFlight.size, LEASE_MS, now());
        total += claimed.length;
        for (const source of claimed) {
          const running: Promise<void> = ingest(source).finally(() => inFlight.delete(running));
          inFlight.add(running);
        }
        if (claimed.length === 0 && inFlight.size === 0) break;
        // Nothing due now but some in flight: a finished one may make room for sources freed meanwhile.
        do await Promise.race(inFlight);
        while (inFlight.size > 0 && concurrency - inFlight.size < refillAt && claimed.length > 0);
      }
      await Promise.all(inFlight);
    }
  } finally {
    clearInterval(renewal);
    letGo();
  }
  if (failure) throw failure.error;
  const itemsNew = outcomes.reduce((n, o) => n + o.itemsNew, 0);
  // After the feeds, so extraction never holds up their items; before stories, which read the articles.
  let fullTexts: FullTextSummary | undefined;
  try {
    fullTexts = await runFullTexts(ctx, { signal: opts.signal });
  } catch (error) {
    ctx.log.error({ err: error }, 'full-text extraction failed');
  }
  if (itemsNew > 0) {
    try {
      // Once across the cluster: a process finding another grouping right now leaves it to that one.
      await ctx.store.tryExclusive('stories', () => ctx.curator.assignStories(now()));
    } catch (error) {
      ctx.log.error({ err: error }, 'story grouping failed');
    }
  }

  // After stories, which change feeds too. Awaited: a CLI run must not exit before the hub heard of its changes.
  await ctx.feedAnnouncer?.announce();
  // What parsing and storing left behind is garbage now; without this the heap stays at its peak between cycles.
  if (outcomes.length > 0) collectGarbageSoon();

  return {
    sources: outcomes.length,
    ok: outcomes.filter((o) => o.outcome === 'ok').length,
    notModified: outcomes.filter((o) => o.outcome === 'not_modified').length,
    failed: outcomes.filter((o) => o.outcome === 'error').length,
    itemsNew,
    itemsUpdated: outcomes.reduce((n, o) => n + o.itemsUpdated, 0),
    durationMs: Math.round(performance.now() - t0),
    outcomes,
    skipped,
    fullTexts,
  };
}

/** The sources a forced/selective cycle wanted but did not claim because a live lease of another process held them. */
async function heldElsewhere(
  ctx: CycleContext,
  claimed: Set<number>,
  onlyIds: number[] | undefined,
  now: number,
): Promise<SkippedSource[]> {
  const wanted = (s: SourceRow) => (onlyIds ? onlyIds.includes(s.id) : s.inConfig && s.enabled && s.status !== 'dead');
  return (await ctx.store.listSources())
    .filter((s) => wanted(s) && !claimed.has(s.id) && s.leaseOwner !== null && Number(s.leaseUntil) >= now)
    .map((s) => ({ sourceId: s.id, url: s.configUrl, heldBy: s.leaseOwner! }));
}
