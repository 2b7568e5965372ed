import { effectiveRetention } from '../config/retention.ts';
import { fetchFeed } from '../fetch/http.ts';
import type { FetchResult } from '../fetch/types.ts';
import { hostOf } from '../lib/url.ts';
import { planAfterFetch } from '../schedule/policy.ts';
import type { SourceRow, SourceUpdate } from '../store/types.ts';
import { queueFullTexts } from './full-text.ts';
import type { IngestContext } from './ingest-context.ts';

/** What taking one source end to end writes: its items (upsert, retention) and the fetch's outcome. */
export type { IngestContext, IngestStore } from './ingest-context.ts';

export interface SourceOutcome {
  sourceId: number;
  url: string;
  outcome: 'ok' | 'not_modified' | 'error';
  status?: number;
  reason?: string;
  error?: string;
  itemsNew: number;
  itemsUpdated: number;
  durationMs: number;
}

/**
 * One source, end to end: fetch (politely) → decode/parse/normalise (worker) → store → retention → curate → plan the
 * next fetch. Never throws: every failure ends as the source's classified error, and what is stored stays.
 */
export async function ingestSource(ctx: IngestContext, source: SourceRow): Promise<SourceOutcome> {
  const now = ctx.now ?? Date.now;
  const started = now();
  const t0 = performance.now();
  const defaults = ctx.config().defaults;
  let fetched: FetchResult | undefined;
  let outcome: SourceOutcome = {
    sourceId: source.id,
    url: source.configUrl,
    outcome: 'error',
    itemsNew: 0,
    itemsUpdated: 0,
    durationMs: 0,
  };
  let update: SourceUpdate;
  /** Given back once the body is handed on (see ParsePool.admitFeed), or in `finally` when it never was. */
  let release: (() => void) | undefined;
  try {
    // Where the workers are the bound, a body read now would only wait for them: it is read when there is room.
    const fetchOptions = {
      ...ctx.fetchOptions(),
      beforeBody: async () => {
        release = await ctx.pool.admitFeed();
      },
    };
    fetched = await ctx.limiter.run(hostOf(source.fetchUrl), () =>
      fetchFeed({ url: source.fetchUrl, etag: source.etag, lastModified: source.lastModified }, fetchOptions),
    );
    if (fetched.kind === 'error') {
      outcome = { ...outcome, status: fetched.status, reason: fetched.reason, error: fetched.message };
      update = planAfterFetch(source, fetched, { now: now(), defaults });
    } else if (fetched.kind === 'not_modified') {
      outcome = { ...outcome, outcome: 'not_modified', status: 304 };
      update = planAfterFetch(source, fetched, { now: now(), defaults });
    } else {
      const processing = ctx.pool.run({
        body: fetched.body,
        contentType: fetched.contentType,
        url: fetched.finalUrl,
        identity: source.identity as 'auto' | 'guid' | 'link',
        sourceLanguage: source.language ?? undefined,
        now: started,
        // Until the first successful parse, what the feed holds is backlog, not news (undated entries get older dates).
        firstImport: source.lastSuccessAt == null,
      });
      // The body is in the pool's queue now (or parsed): it counts there, no longer as admitted.
      release?.();
      const processed = await processing;
      if (!processed.ok) {
        outcome = { ...outcome, status: fetched.status, reason: processed.reason, error: processed.message };
        update = planAfterFetch(
          source,
          { kind: 'parse_error', reason: processed.reason, message: processed.message, fetch: fetched },
          { now: now(), defaults },
        );
      } else {
        const stored = await ctx.store.upsertItems(source.id, processed.items, started, {
          feedTitle: processed.meta.title ?? null,
          siteUrl: processed.meta.siteUrl ?? null,
        });
        await ctx.store.applyRetention(
          source.id,
          effectiveRetention(source, defaults),
          started,
          processed.items.map((i) => i.uid),
        );
        const changed = [...stored.inserted, ...stored.updated];
        await ctx.curator.scoreItems(changed, source);
        await queueFullTexts(ctx, source, stored.inserted);
        outcome = {
          ...outcome,
          outcome: 'ok',
          status: fetched.status,
          itemsNew: stored.inserted.length,
          itemsUpdated: stored.updated.length,
        };
        update = {
          ...planAfterFetch(source, fetched, {
            now: now(),
            defaults,
            publishTimes: processed.items.filter((i) => !i.dateEstimated).map((i) => i.publishedAt),
            ttlMinutes: processed.meta.ttlMinutes,
          }),
          feedTitle: processed.meta.title ?? null,
          siteUrl: processed.meta.siteUrl ?? null,
          description: processed.meta.description ?? null,
        };
      }
    }
  } catch (error) {
    // A bug or a database failure, not the feed's fault: keep the source's state, retry at the next interval.
    const message = error instanceof Error ? error.message : String(error);
    ctx.log.error({ err: error, source: source.configUrl }, 'ingest failed');
    outcome = { ...outcome, reason: 'internal', error: message };
    update = {
      lastFetchAt: now(),
      lastError: message,
      errorReason: 'internal',
      nextFetchAt: now() + defaults.minInterval * 1000,
    };
  } finally {
    release?.();
  }
  outcome.durationMs = performance.now() - t0;
  await ctx.store.finishFetch(source.id, update, {
    startedAt: started,
    durationMs: outcome.durationMs,
    outcome: outcome.outcome,
    httpStatus: outcome.status ?? null,
    errorReason: outcome.reason ?? null,
    error: outcome.error ?? null,
    bytes: fetched?.kind === 'ok' ? fetched.bytes : null,
    itemsNew: outcome.itemsNew,
    itemsUpdated: outcome.itemsUpdated,
  });
  ctx.metrics.fetches.inc({ outcome: outcome.outcome });
  if (outcome.reason) ctx.metrics.fetchErrors.inc({ reason: outcome.reason });
  ctx.metrics.fetchDuration.observe(outcome.durationMs / 1000);
  if (outcome.itemsNew) ctx.metrics.itemsIngested.inc({ kind: 'new' }, outcome.itemsNew);
  if (outcome.itemsUpdated) ctx.metrics.itemsIngested.inc({ kind: 'updated' }, outcome.itemsUpdated);
  return outcome;
}
