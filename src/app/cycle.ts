import pLimit from 'p-limit';
import { LEASE_MS, LEASE_RENEW_MS, leaseOwnerIsGone, processLeaseOwner } from '../schedule/lease.ts';
import type { SourceRow, SourceStore } from '../store/types.ts';
import { type FullTextSummary, runFullTexts } from './full-text.ts';
import { type IngestContext, type IngestStore, ingestSource, type SourceOutcome } from './ingest-source.ts';

/** What a cycle needs of the store besides each source's ingest: finding, claiming and leasing sources. */
export type CycleStore = IngestStore &
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

const CLAIM_BATCH = 500;

/**
 * One fetch cycle: claims due sources in batches (a lease, so several processes never fetch one source twice) and
 * ingests them concurrently; the host limiter inside ingest keeps it polite.
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

  await ctx.store.announceLeaseOwner(owner);
  await releaseLeasesOfGoneProcesses(ctx);
  // Leases are short; while this cycle works its sources, they are renewed so no one else takes them.
  const heartbeat = setInterval(() => {
    Promise.all([ctx.store.renewLeases(owner, now() + LEASE_MS), ctx.store.announceLeaseOwner(owner)]).catch(
      (error: unknown) => ctx.log.warn({ err: error }, 'renewing source leases failed'),
    );
  }, LEASE_RENEW_MS);
  heartbeat.unref();
  try {
    for (;;) {
      if (opts.signal?.aborted) break;
      // A forced or selective cycle takes everything it wants in one claim: after it, those sources are not due,
      // but a forced claim would take them again.
      const claimed = await ctx.store.claimDueSources(
        owner,
        oneShot ? 1_000_000 : CLAIM_BATCH,
        LEASE_MS,
        now(),
        oneShot,
        onlyIds,
      );
      for (const source of claimed) claimedIds.add(source.id);
      if (oneShot) skipped = await heldElsewhere(ctx, claimedIds, onlyIds, now());
      if (claimed.length === 0) break;
      total += claimed.length;
      // Bounded end to end, not only while fetching: a source's body, parsed items and pending writes are held
      // until it is done, so this bound is what keeps memory flat however many sources are due.
      const limit = pLimit(Math.max(4, ctx.config().defaults.concurrency));
      await Promise.all(
        claimed.map((source) =>
          limit(async () => {
            const outcome = await ingestSource(ctx, source);
            outcomes.push(outcome);
            opts.onProgress?.(outcomes.length, total, outcome);
          }),
        ),
      );
      if (oneShot) break;
    }
  } finally {
    clearInterval(heartbeat);
  }
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
      await ctx.curator.assignStories(now());
    } catch (error) {
      ctx.log.error({ err: error }, 'story grouping failed');
    }
  }

  // After stories, which change feeds too. Awaited: a CLI run must not exit before the hub heard of its changes.
  await ctx.feedAnnouncer?.announce();

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

/** Frees the leases of processes that no longer run (a kill -9): their sources are due now. */
async function releaseLeasesOfGoneProcesses(ctx: CycleContext): Promise<void> {
  const holders = await ctx.store.leaseHolders((ctx.now ?? Date.now)());
  if (holders.length === 0) return;
  const live = await ctx.store.liveLeaseOwners(holders);
  const gone = holders.filter((owner) => leaseOwnerIsGone(owner, live));
  if (gone.length === 0) return;
  const released = await ctx.store.releaseLeases(gone);
  ctx.log.info({ owners: gone, sources: released }, 'released the source leases of processes that are gone');
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
