/**
 * What a fetch changes on a source: health, backoff, next fetch time, validators, redirects. Pure functions.
 *
 * Health lifecycle (documented rules):
 * - Any success (200 that parsed, or 304) → `ok`; the error count resets; validators and redirect state update.
 * - 1–2 consecutive errors → `degraded`; 3 or more → `failing`.
 * - `dead`: failing for good. A dead source is re-checked once a week (DEAD_RECHECK_MS, ±10 %); a success brings it
 *   back to `ok`, an error keeps it dead for another week. A config change to its entry revives it at once.
 *   - 410 Gone: at once.
 *   - 404 Not Found: when it is the 3rd+ consecutive error and the last success (or creation) is > 3 days ago.
 *   - Any other error (blocked, dns, tls, bad_redirect, http_error, too_large, the parse failures not_a_feed /
 *     malformed_xml / truncated / empty, and transient ones): the 5th+ consecutive error and no success for
 *     `deadAfter` (default 7 days); transient errors (timeout, connection, server_error, rate_limited) get twice as
 *     long: a server can be down a while.
 *   Only the error count and the last success are stored, so "failing for N days" means "no success for N days
 *   and a run of at least K errors"; the K guards against a source re-enabled after a long pause dying at once.
 * - Errors back off exponentially: normal interval × 2^(errors−1), capped at min(maxInterval × 4, 24 h) (never
 *   below the normal interval), ±10 % jitter. Retry-After on 429/503 is a floor for that source only (≤ 7 days),
 *   and also beats a per-source interval override.
 *
 * Normal interval: the per-source override if set; otherwise adaptive: the median gap between the newest ~20
 * entries' publish times, clamped to [minInterval, maxInterval] (1 h, clamped, while unknown). Adaptive times
 * never come sooner than the feed's own hints: RSS <ttl>, Cache-Control max-age, Expires (each honoured up to
 * maxInterval). ±10 % jitter spreads sources that were added together.
 *
 * Permanent redirects: `fetchUrl` moves only after the same all-permanent (301/308) target was seen on 2
 * consecutive successful fetches; a temporary hop anywhere in the chain, or no redirect, resets the count.
 */
import type { Defaults } from '../config/schema.ts';
import type { FetchErrorReason, FetchOk, FetchResult } from '../fetch/types.ts';
import type { FeedParseReason } from '../parse/errors.ts';
import type { SourceRow, SourceStatus, SourceUpdate } from '../store/types.ts';

/** A 200 whose body did not yield a feed (from the parse stage). */
export interface ParseFailure {
  kind: 'parse_error';
  reason: FeedParseReason;
  message: string;
  fetch?: FetchOk;
}

export type FetchOutcomeInput = FetchResult | ParseFailure;

export interface PlanContext {
  now: number;
  /** `deadAfter` (seconds) defaults to 7 days. */
  defaults: Pick<Defaults, 'minInterval' | 'maxInterval'> & Partial<Pick<Defaults, 'deadAfter'>>;
  /** Publish times (epoch ms) of the entries just read; only dates the feed really gave. */
  publishTimes?: number[];
  /** RSS <ttl>, minutes. */
  ttlMinutes?: number;
  /** Fixed interval in seconds; defaults to the source's `intervalOverride`. */
  intervalOverride?: number | null;
  /** For tests: 0.5 means no jitter. */
  random?: () => number;
}

export type ErrorReason = FetchErrorReason | FeedParseReason;

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;
/** How often a dead source is tried again, so that one that came back is noticed. */
export const DEAD_RECHECK_MS = 7 * DAY;
const DEAD_AFTER_SEC = 7 * 86_400;
const UNKNOWN_INTERVAL_SEC = 3600;
const JITTER = 0.1;
const PUBLISH_SAMPLE = 20;
const MAX_RETRY_AFTER_MS = 7 * DAY;
const FAILING_AFTER = 3;
const NOT_FOUND_DEAD_AFTER = { errors: 3, ms: 3 * DAY };
const DEAD_AFTER_ERRORS = 5;
/** Transient errors need this many times `deadAfter`. */
const TRANSIENT_DEAD_FACTOR = 2;
const REDIRECT_CONFIRMATIONS = 2;

const TRANSIENT: ReadonlySet<ErrorReason> = new Set<ErrorReason>([
  'timeout',
  'connection',
  'server_error',
  'rate_limited',
]);

export function isTransientReason(reason: ErrorReason): boolean {
  return TRANSIENT.has(reason);
}

/** The source's state after one fetch (and parse) attempt. */
export function planAfterFetch(source: SourceRow, result: FetchOutcomeInput, ctx: PlanContext): SourceUpdate {
  if (result.kind === 'ok' || result.kind === 'not_modified') return planAfterSuccess(source, result, ctx);
  if (result.kind === 'parse_error') return planAfterError(source, result.reason, result.message, undefined, ctx);
  return planAfterError(source, result.reason, result.message, result.retryAfterMs, ctx);
}

function planAfterSuccess(
  source: SourceRow,
  result: Extract<FetchResult, { kind: 'ok' | 'not_modified' }>,
  ctx: PlanContext,
): SourceUpdate {
  const { now, defaults } = ctx;
  const measured = result.kind === 'ok' ? medianPublishGapSec(ctx.publishTimes ?? [], now) : undefined;
  const publishIntervalSec = measured ?? source.publishIntervalSec ?? null;
  const override = ctx.intervalOverride !== undefined ? ctx.intervalOverride : source.intervalOverride;

  const notBefore = hintsNotBefore(result, ctx);
  let nextFetchAt: number;
  if (override) {
    nextFetchAt = now + jittered(override * SECOND, ctx);
  } else {
    nextFetchAt = now + jittered(adaptiveIntervalSec(publishIntervalSec, defaults) * SECOND, ctx);
    if (notBefore !== null) nextFetchAt = Math.max(nextFetchAt, notBefore);
  }

  const update: SourceUpdate = {
    status: 'ok',
    errorReason: null,
    lastError: null,
    consecutiveErrors: 0,
    lastFetchAt: now,
    lastSuccessAt: now,
    nextFetchAt: Math.round(nextFetchAt),
    publishIntervalSec,
    notBefore,
    ...redirectUpdate(source, result.permanentRedirectUrl),
  };
  if (result.kind === 'ok') {
    // A server that stopped sending validators must not be asked with stale ones.
    update.etag = result.etag ?? null;
    update.lastModified = result.lastModified ?? null;
  } else {
    if (result.etag) update.etag = result.etag;
    if (result.lastModified) update.lastModified = result.lastModified;
  }
  return update;
}

function planAfterError(
  source: SourceRow,
  reason: ErrorReason,
  message: string,
  retryAfterMs: number | undefined,
  ctx: PlanContext,
): SourceUpdate {
  const { now } = ctx;
  const errors = source.consecutiveErrors + 1;
  const status = healthAfterError(source, reason, errors, now, (ctx.defaults.deadAfter ?? DEAD_AFTER_SEC) * SECOND);
  const base: SourceUpdate = {
    status,
    errorReason: reason,
    lastError: message,
    consecutiveErrors: errors,
    lastFetchAt: now,
  };
  if (status === 'dead')
    return { ...base, nextFetchAt: Math.round(now + jittered(DEAD_RECHECK_MS, ctx)), notBefore: null };

  let nextFetchAt = now + backoffMs(source, errors, ctx);
  let notBefore: number | null = null;
  if (retryAfterMs !== undefined && (reason === 'rate_limited' || reason === 'server_error')) {
    notBefore = now + Math.min(Math.max(0, retryAfterMs), MAX_RETRY_AFTER_MS);
    nextFetchAt = Math.max(nextFetchAt, notBefore);
  }
  return { ...base, nextFetchAt: Math.round(nextFetchAt), notBefore };
}

/** Health after the `errors`-th consecutive error with `reason` (see the rules at the top of this file). */
export function healthAfterError(
  source: SourceRow,
  reason: ErrorReason,
  errors: number,
  now: number,
  deadAfterMs = DEAD_AFTER_SEC * SECOND,
): SourceStatus {
  // A dead source's weekly re-check failed: it stays dead (the run of errors only grows).
  if (reason === 'gone' || source.status === 'dead') return 'dead';
  const sinceSuccess = now - (source.lastSuccessAt ?? source.createdAt);
  if (reason === 'not_found' && errors >= NOT_FOUND_DEAD_AFTER.errors && sinceSuccess > NOT_FOUND_DEAD_AFTER.ms) {
    return 'dead';
  }
  const patience = isTransientReason(reason) ? deadAfterMs * TRANSIENT_DEAD_FACTOR : deadAfterMs;
  if (errors >= DEAD_AFTER_ERRORS && sinceSuccess >= patience) return 'dead';
  return errors >= FAILING_AFTER ? 'failing' : 'degraded';
}

/** Delay before retrying after the `errors`-th consecutive error: exponential on the normal interval, capped. */
export function backoffMs(source: SourceRow, errors: number, ctx: PlanContext): number {
  const override = ctx.intervalOverride !== undefined ? ctx.intervalOverride : source.intervalOverride;
  const normal = (override || adaptiveIntervalSec(source.publishIntervalSec, ctx.defaults)) * SECOND;
  const cap = Math.max(normal, Math.min(ctx.defaults.maxInterval * SECOND * 4, DAY));
  const exponent = Math.min(Math.max(errors - 1, 0), 30);
  return jittered(Math.min(normal * 2 ** exponent, cap), ctx);
}

/** The adaptive interval, seconds: the publish gap clamped to [minInterval, maxInterval]. */
export function adaptiveIntervalSec(
  publishIntervalSec: number | null | undefined,
  defaults: Pick<Defaults, 'minInterval' | 'maxInterval'>,
): number {
  const wanted = publishIntervalSec && publishIntervalSec > 0 ? publishIntervalSec : UNKNOWN_INTERVAL_SEC;
  return clamp(wanted, defaults.minInterval, Math.max(defaults.minInterval, defaults.maxInterval));
}

/**
 * Median gap in seconds between the newest ~20 distinct publish times; undefined with fewer than two.
 * Dates more than a day in the future are typos or time-zone bugs and are left out.
 */
export function medianPublishGapSec(publishTimes: number[], now: number): number | undefined {
  const times = [...new Set(publishTimes.filter((t) => Number.isFinite(t) && t <= now + DAY))]
    .sort((a, b) => b - a)
    .slice(0, PUBLISH_SAMPLE);
  if (times.length < 2) return undefined;
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) gaps.push(((times[i - 1] as number) - (times[i] as number)) / SECOND);
  gaps.sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  const median = gaps.length % 2 ? (gaps[mid] as number) : ((gaps[mid - 1] as number) + (gaps[mid] as number)) / 2;
  return Math.round(median);
}

/** Earliest time the feed's hints allow (TTL, max-age, Expires), each capped at maxInterval; null without hints. */
function hintsNotBefore(
  result: Extract<FetchResult, { kind: 'ok' | 'not_modified' }>,
  ctx: PlanContext,
): number | null {
  const { now } = ctx;
  const cap = now + ctx.defaults.maxInterval * SECOND;
  const candidates: number[] = [];
  if (ctx.ttlMinutes && ctx.ttlMinutes > 0) candidates.push(now + ctx.ttlMinutes * 60 * SECOND);
  if (result.cacheControlMaxAge && result.cacheControlMaxAge > 0)
    candidates.push(now + result.cacheControlMaxAge * SECOND);
  if (result.expires && result.expires > now) candidates.push(result.expires);
  if (candidates.length === 0) return null;
  return Math.round(Math.min(Math.max(...candidates), cap));
}

/**
 * Counts consecutive sightings of one all-permanent redirect target; the second one moves `fetchUrl`.
 * No redirect or a temporary one resets the count.
 */
function redirectUpdate(source: SourceRow, permanentTarget: string | undefined): SourceUpdate {
  if (!permanentTarget || permanentTarget === source.fetchUrl) {
    return source.redirectUrl !== null || source.redirectCount !== 0 ? { redirectUrl: null, redirectCount: 0 } : {};
  }
  const count = source.redirectUrl === permanentTarget ? source.redirectCount + 1 : 1;
  if (count >= REDIRECT_CONFIRMATIONS) return { fetchUrl: permanentTarget, redirectUrl: null, redirectCount: 0 };
  return { redirectUrl: permanentTarget, redirectCount: count };
}

function jittered(ms: number, ctx: PlanContext): number {
  const r = (ctx.random ?? Math.random)();
  return ms * (1 + JITTER * (2 * r - 1));
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}
