import { describe, expect, it } from 'vitest';
import type { FetchError, FetchNotModified, FetchOk } from '../../src/fetch/types.ts';
import {
  adaptiveIntervalSec,
  DEAD_RECHECK_MS,
  medianPublishGapSec,
  type PlanContext,
  planAfterFetch,
} from '../../src/schedule/policy.ts';
import type { SourceRow } from '../../src/store/types.ts';

const NOW = Date.UTC(2025, 5, 1, 12);
const S = 1000;
const H = 3600 * S;
const D = 24 * H;
const URL0 = 'https://example.org/feed';

const defaults = { minInterval: 600, maxInterval: 86_400 };
const ctx = (extra: Partial<PlanContext> = {}): PlanContext => ({ now: NOW, defaults, random: () => 0.5, ...extra });

function source(extra: Partial<SourceRow> = {}): SourceRow {
  return {
    id: 1,
    configUrl: URL0,
    fetchUrl: URL0,
    title: 'Example',
    feedTitle: null,
    siteUrl: null,
    description: null,
    category: 'Uncategorized',
    tags: '[]',
    language: null,
    identity: 'auto',
    intervalOverride: null,
    retentionDays: null,
    retentionItems: null,
    inConfig: true,
    enabled: true,
    status: 'ok',
    errorReason: null,
    lastError: null,
    consecutiveErrors: 0,
    lastFetchAt: NOW - H,
    lastSuccessAt: NOW - H,
    nextFetchAt: NOW,
    etag: '"old"',
    lastModified: 'Sat, 31 May 2025 00:00:00 GMT',
    redirectUrl: null,
    redirectCount: 0,
    publishIntervalSec: null,
    notBefore: null,
    itemCount: 0,
    unreadCount: 0,
    leaseOwner: null,
    leaseUntil: null,
    createdAt: NOW - 30 * D,
    updatedAt: NOW - H,
    ...extra,
  } as SourceRow;
}

const ok = (extra: Partial<FetchOk> = {}): FetchOk => ({
  kind: 'ok',
  status: 200,
  body: Buffer.from('<rss/>'),
  finalUrl: URL0,
  redirects: [],
  bytes: 6,
  wireBytes: 6,
  durationMs: 10,
  ...extra,
});
const notModified = (extra: Partial<FetchNotModified> = {}): FetchNotModified => ({
  kind: 'not_modified',
  status: 304,
  finalUrl: URL0,
  redirects: [],
  durationMs: 5,
  ...extra,
});
const error = (reason: FetchError['reason'], extra: Partial<FetchError> = {}): FetchError => ({
  kind: 'error',
  reason,
  message: `failed: ${reason}`,
  finalUrl: URL0,
  redirects: [],
  durationMs: 5,
  ...extra,
});
const parseError = (reason: 'not_a_feed' | 'malformed_xml' | 'empty') => ({
  kind: 'parse_error' as const,
  reason,
  message: `parse: ${reason}`,
});

/** n publish times `gapSec` apart, newest `ageSec` ago. */
const times = (n: number, gapSec: number, ageSec = 0) =>
  Array.from({ length: n }, (_, i) => NOW - (ageSec + i * gapSec) * S);

describe('success', () => {
  it('200 resets errors, marks ok, stores validators', () => {
    const u = planAfterFetch(
      source({ status: 'failing', consecutiveErrors: 4, errorReason: 'timeout', lastError: 'x' }),
      ok({ etag: '"new"', lastModified: 'Sun, 01 Jun 2025 00:00:00 GMT' }),
      ctx(),
    );
    expect(u).toMatchObject({
      status: 'ok',
      consecutiveErrors: 0,
      errorReason: null,
      lastError: null,
      lastFetchAt: NOW,
      lastSuccessAt: NOW,
      etag: '"new"',
      lastModified: 'Sun, 01 Jun 2025 00:00:00 GMT',
    });
  });

  it('200 without validators clears the stored ones', () => {
    const u = planAfterFetch(source(), ok(), ctx());
    expect(u.etag).toBeNull();
    expect(u.lastModified).toBeNull();
  });

  it('304 keeps validators unless new ones are sent, and counts as success', () => {
    const u = planAfterFetch(source({ status: 'degraded', consecutiveErrors: 1 }), notModified(), ctx());
    expect(u.status).toBe('ok');
    expect(u.consecutiveErrors).toBe(0);
    expect(u.lastSuccessAt).toBe(NOW);
    expect('etag' in u).toBe(false);
    expect('lastModified' in u).toBe(false);
    expect(planAfterFetch(source(), notModified({ etag: '"v2"' }), ctx()).etag).toBe('"v2"');
  });

  it('a new source becomes ok after its first fetch', () => {
    expect(planAfterFetch(source({ status: 'new', lastSuccessAt: null }), ok(), ctx()).status).toBe('ok');
  });
});

describe('adaptive interval', () => {
  it('median gap of the newest 20 items, clamped', () => {
    expect(medianPublishGapSec(times(10, 7200), NOW)).toBe(7200);
    // older items with other gaps beyond the newest 20 do not count
    const mixed = [...times(21, 3600), ...times(30, 86_400, 21 * 3600 + 86_400)];
    expect(medianPublishGapSec(mixed, NOW)).toBe(3600);
    expect(medianPublishGapSec([NOW], NOW)).toBeUndefined();
    expect(medianPublishGapSec([NOW, NOW], NOW)).toBeUndefined();
    // far-future dates are ignored
    expect(medianPublishGapSec([NOW + 30 * D, NOW, NOW - 1800 * S, NOW - 3600 * S], NOW)).toBe(1800);
    expect(adaptiveIntervalSec(60, defaults)).toBe(600);
    expect(adaptiveIntervalSec(10 * 86_400, defaults)).toBe(86_400);
    expect(adaptiveIntervalSec(null, defaults)).toBe(3600);
  });

  it('next fetch follows the publish rhythm and stores it', () => {
    const u = planAfterFetch(source(), ok(), ctx({ publishTimes: times(20, 7200) }));
    expect(u.publishIntervalSec).toBe(7200);
    expect(u.nextFetchAt).toBe(NOW + 2 * H);
  });

  it('clamps to minInterval and maxInterval', () => {
    expect(planAfterFetch(source(), ok(), ctx({ publishTimes: times(20, 30) })).nextFetchAt).toBe(NOW + 600 * S);
    expect(planAfterFetch(source(), ok(), ctx({ publishTimes: times(20, 7 * 86_400) })).nextFetchAt).toBe(NOW + D);
  });

  it('304 keeps the stored publish interval', () => {
    const u = planAfterFetch(source({ publishIntervalSec: 5400 }), notModified(), ctx());
    expect(u.publishIntervalSec).toBe(5400);
    expect(u.nextFetchAt).toBe(NOW + 5400 * S);
  });

  it('unknown rhythm: one hour', () => {
    expect(planAfterFetch(source(), ok(), ctx()).nextFetchAt).toBe(NOW + H);
  });

  it('jitter stays within ±10%', () => {
    const lo = planAfterFetch(source(), ok(), ctx({ random: () => 0 })).nextFetchAt ?? 0;
    const hi = planAfterFetch(source(), ok(), ctx({ random: () => 0.999999 })).nextFetchAt ?? 0;
    expect(lo).toBe(NOW + 0.9 * H);
    expect(hi).toBeGreaterThan(NOW + 1.09 * H);
    expect(hi).toBeLessThanOrEqual(NOW + 1.1 * H);
    const spread = new Set(
      Array.from({ length: 20 }, () => planAfterFetch(source(), ok(), { now: NOW, defaults }).nextFetchAt),
    );
    expect(spread.size).toBeGreaterThan(1);
  });
});

describe('feed hints', () => {
  it('RSS ttl is a floor', () => {
    const u = planAfterFetch(source(), ok(), ctx({ publishTimes: times(20, 600), ttlMinutes: 180 }));
    expect(u.nextFetchAt).toBe(NOW + 3 * H);
    expect(u.notBefore).toBe(NOW + 3 * H);
  });

  it('Cache-Control max-age is a floor', () => {
    const u = planAfterFetch(source(), ok({ cacheControlMaxAge: 7200 }), ctx({ publishTimes: times(20, 600) }));
    expect(u.nextFetchAt).toBe(NOW + 2 * H);
  });

  it('Expires is a floor, also on 304', () => {
    const u = planAfterFetch(source({ publishIntervalSec: 600 }), notModified({ expires: NOW + 5 * H }), ctx());
    expect(u.nextFetchAt).toBe(NOW + 5 * H);
  });

  it('hints shorter than the interval change nothing; hints beyond maxInterval are capped', () => {
    expect(planAfterFetch(source(), ok({ cacheControlMaxAge: 60 }), ctx()).nextFetchAt).toBe(NOW + H);
    const u = planAfterFetch(source(), ok({ cacheControlMaxAge: 30 * 86_400 }), ctx());
    expect(u.nextFetchAt).toBe(NOW + D);
  });

  it('a per-source interval override wins over adaptive and hints', () => {
    const u = planAfterFetch(
      source({ intervalOverride: 300 }),
      ok({ cacheControlMaxAge: 7200 }),
      ctx({ publishTimes: times(20, 86_400), ttlMinutes: 600 }),
    );
    expect(u.nextFetchAt).toBe(NOW + 300 * S);
    // the context may pass it too
    expect(planAfterFetch(source(), ok(), ctx({ intervalOverride: 900 })).nextFetchAt).toBe(NOW + 900 * S);
  });
});

describe('errors and backoff', () => {
  it('1–2 errors degraded, 3+ failing', () => {
    const first = planAfterFetch(source(), error('timeout'), ctx());
    expect(first).toMatchObject({ status: 'degraded', consecutiveErrors: 1, errorReason: 'timeout', lastFetchAt: NOW });
    expect(first.lastError).toBe('failed: timeout');
    expect(first.lastSuccessAt).toBeUndefined();
    expect(first.etag).toBeUndefined();
    expect(planAfterFetch(source({ consecutiveErrors: 1 }), error('timeout'), ctx()).status).toBe('degraded');
    expect(planAfterFetch(source({ consecutiveErrors: 2 }), error('timeout'), ctx()).status).toBe('failing');
    expect(planAfterFetch(source({ consecutiveErrors: 9 }), error('dns'), ctx()).status).toBe('failing');
  });

  it('backs off exponentially from the normal interval, capped at 24h', () => {
    const s = (n: number) => source({ consecutiveErrors: n, publishIntervalSec: 1800 });
    expect(planAfterFetch(s(0), error('server_error'), ctx()).nextFetchAt).toBe(NOW + 1800 * S);
    expect(planAfterFetch(s(1), error('server_error'), ctx()).nextFetchAt).toBe(NOW + 3600 * S);
    expect(planAfterFetch(s(2), error('server_error'), ctx()).nextFetchAt).toBe(NOW + 7200 * S);
    expect(planAfterFetch(s(10), error('server_error'), ctx()).nextFetchAt).toBe(NOW + D);
    expect(planAfterFetch(s(500), error('server_error'), ctx()).nextFetchAt).toBe(NOW + D);
  });

  it('cap is maxInterval×4 when that is below 24h, but never below the override', () => {
    const small = { minInterval: 60, maxInterval: 3600 };
    expect(
      planAfterFetch(source({ consecutiveErrors: 20 }), error('timeout'), ctx({ defaults: small })).nextFetchAt,
    ).toBe(NOW + 4 * H);
    const slow = source({ consecutiveErrors: 20, intervalOverride: 3 * 86_400 });
    expect(planAfterFetch(slow, error('timeout'), ctx()).nextFetchAt).toBe(NOW + 3 * D);
  });

  it('parse failures count as errors', () => {
    const u = planAfterFetch(source(), parseError('not_a_feed'), ctx());
    expect(u).toMatchObject({ status: 'degraded', errorReason: 'not_a_feed', lastError: 'parse: not_a_feed' });
    expect(u.lastSuccessAt).toBeUndefined();
    // validators of a body that did not parse are not kept, so the next fetch re-reads it
    expect(u.etag).toBeUndefined();
  });

  it('a success after errors resets everything', () => {
    const u = planAfterFetch(source({ status: 'failing', consecutiveErrors: 7, notBefore: NOW + H }), ok(), ctx());
    expect(u).toMatchObject({ status: 'ok', consecutiveErrors: 0, errorReason: null, notBefore: null });
    expect(u.nextFetchAt).toBe(NOW + H);
  });
});

describe('Retry-After', () => {
  it('429 waits at least Retry-After', () => {
    const u = planAfterFetch(source(), error('rate_limited', { status: 429, retryAfterMs: 6 * H }), ctx());
    expect(u.status).toBe('degraded');
    expect(u.nextFetchAt).toBe(NOW + 6 * H);
    expect(u.notBefore).toBe(NOW + 6 * H);
  });

  it('503 Retry-After shorter than the backoff does not shorten it', () => {
    const u = planAfterFetch(
      source({ consecutiveErrors: 3 }),
      error('server_error', { status: 503, retryAfterMs: 60 * S }),
      ctx(),
    );
    expect(u.nextFetchAt).toBe(NOW + 8 * H);
  });

  it('Retry-After beats the interval override and is capped at 7 days', () => {
    const s = source({ intervalOverride: 300 });
    expect(planAfterFetch(s, error('rate_limited', { retryAfterMs: 2 * H }), ctx()).nextFetchAt).toBe(NOW + 2 * H);
    expect(planAfterFetch(s, error('rate_limited', { retryAfterMs: 90 * D }), ctx()).nextFetchAt).toBe(NOW + 7 * D);
  });

  it('is ignored for other errors', () => {
    const u = planAfterFetch(source(), error('blocked', { status: 403, retryAfterMs: 10 * D }), ctx());
    expect(u.nextFetchAt).toBe(NOW + H);
    expect(u.notBefore).toBeNull();
  });
});

describe('dead', () => {
  it('410 Gone is dead at once', () => {
    const u = planAfterFetch(source(), error('gone', { status: 410 }), ctx());
    expect(u).toMatchObject({
      status: 'dead',
      errorReason: 'gone',
      nextFetchAt: NOW + DEAD_RECHECK_MS,
      consecutiveErrors: 1,
    });
  });

  it('404 dies after 3 errors and 3 days without success', () => {
    const old = { lastSuccessAt: NOW - 4 * D };
    expect(planAfterFetch(source({ ...old, consecutiveErrors: 2 }), error('not_found'), ctx()).status).toBe('dead');
    expect(planAfterFetch(source({ ...old, consecutiveErrors: 1 }), error('not_found'), ctx()).status).toBe('degraded');
    const recent = source({ lastSuccessAt: NOW - 2 * D, consecutiveErrors: 10 });
    expect(planAfterFetch(recent, error('not_found'), ctx()).status).toBe('failing');
  });

  it('a source that never succeeded counts from its creation', () => {
    const never = source({ lastSuccessAt: null, createdAt: NOW - 10 * D, consecutiveErrors: 4, status: 'failing' });
    expect(planAfterFetch(never, parseError('not_a_feed'), ctx()).status).toBe('dead');
    const young = source({ lastSuccessAt: null, createdAt: NOW - D, consecutiveErrors: 4 });
    expect(planAfterFetch(young, parseError('not_a_feed'), ctx()).status).toBe('failing');
  });

  it.each(['blocked', 'dns', 'tls', 'bad_redirect', 'http_error', 'too_large'] as const)(
    'permanent-looking %s dies after 5 errors and 7 days',
    (reason) => {
      const s = source({ lastSuccessAt: NOW - 8 * D, consecutiveErrors: 4 });
      expect(planAfterFetch(s, error(reason), ctx()).status).toBe('dead');
      expect(planAfterFetch({ ...s, consecutiveErrors: 3 }, error(reason), ctx()).status).toBe('failing');
      expect(planAfterFetch({ ...s, lastSuccessAt: NOW - 6 * D }, error(reason), ctx()).status).toBe('failing');
    },
  );

  it.each(['malformed_xml', 'empty'] as const)('parse failure %s dies after 5 errors and 7 days', (reason) => {
    const s = source({ lastSuccessAt: NOW - 8 * D, consecutiveErrors: 4 });
    expect(planAfterFetch(s, parseError(reason), ctx()).status).toBe('dead');
  });

  it.each(['timeout', 'connection', 'server_error', 'rate_limited'] as const)(
    'transient %s dies only after twice as long: 14 days',
    (reason) => {
      const s = source({ lastSuccessAt: NOW - 13 * D, consecutiveErrors: 40, status: 'failing' });
      const u = planAfterFetch(s, error(reason), ctx());
      expect(u.status).toBe('failing');
      expect(u.nextFetchAt).toBe(NOW + D);
      expect(planAfterFetch({ ...s, lastSuccessAt: NOW - 14 * D }, error(reason), ctx()).status).toBe('dead');
    },
  );

  it('deadAfter is configurable', () => {
    const s = source({ lastSuccessAt: NOW - 3 * D, consecutiveErrors: 4 });
    expect(planAfterFetch(s, error('dns'), ctx()).status).toBe('failing');
    const short = ctx({ defaults: { ...defaults, deadAfter: 2 * 86_400 } });
    expect(planAfterFetch(s, error('dns'), short).status).toBe('dead');
  });
});

describe('dead sources over weeks (fake clock)', () => {
  /** Fetches `source` at each planned time until `until`, with `result(now)`; returns the states seen. */
  function run(
    start: SourceRow,
    until: number,
    result: (now: number) => Parameters<typeof planAfterFetch>[1],
  ): { at: number; status: string; next: number }[] {
    const seen: { at: number; status: string; next: number }[] = [];
    let s = start;
    let now = Number(start.nextFetchAt);
    while (now <= until) {
      const u = planAfterFetch(s, result(now), ctx({ now }));
      s = { ...s, ...u } as SourceRow;
      seen.push({ at: now, status: s.status, next: Number(s.nextFetchAt) });
      now = Number(s.nextFetchAt);
    }
    return seen;
  }

  it('a feed whose host vanished is dead after a week of errors, then tried only weekly', () => {
    const start = source({ lastSuccessAt: NOW, nextFetchAt: NOW + H });
    const seen = run(start, NOW + 60 * D, () => error('dns'));
    const firstDead = seen.findIndex((x) => x.status === 'dead');
    expect(seen[firstDead]!.at - NOW).toBeGreaterThanOrEqual(7 * D);
    expect(seen[firstDead]!.at - NOW).toBeLessThan(9 * D);
    expect(seen.slice(0, firstDead).every((x) => x.status !== 'dead')).toBe(true);
    const rechecks = seen.slice(firstDead);
    expect(rechecks.every((x) => x.status === 'dead')).toBe(true);
    // Weekly after that: seven weeks left of the 60 days → about seven fetches, not dozens.
    expect(rechecks.length).toBeGreaterThanOrEqual(6);
    expect(rechecks.length).toBeLessThanOrEqual(8);
    for (const x of rechecks) expect(x.next - x.at).toBe(DEAD_RECHECK_MS);
  });

  it('a dead feed that comes back is ok again at its next weekly re-check', () => {
    const dead = source({
      status: 'dead',
      errorReason: 'dns',
      consecutiveErrors: 12,
      lastSuccessAt: NOW - 30 * D,
      nextFetchAt: NOW,
    });
    const u = planAfterFetch(dead, ok(), ctx());
    expect(u).toMatchObject({ status: 'ok', consecutiveErrors: 0, errorReason: null, lastSuccessAt: NOW });
    expect(Number(u.nextFetchAt) - NOW).toBeLessThanOrEqual(3600 * S);
  });

  it('one failed re-check keeps a dead source dead, whatever the reason', () => {
    const dead = source({ status: 'dead', consecutiveErrors: 6, lastSuccessAt: NOW - 10 * D });
    expect(planAfterFetch(dead, error('timeout'), ctx())).toMatchObject({
      status: 'dead',
      consecutiveErrors: 7,
      nextFetchAt: NOW + DEAD_RECHECK_MS,
    });
  });
});

describe('permanent redirects', () => {
  const NEW = 'https://new.example.org/feed';
  const permanent = (target = NEW) =>
    ok({ finalUrl: target, permanentRedirectUrl: target, redirects: [{ status: 301, url: URL0, location: target }] });

  it('first sighting is recorded, fetchUrl unchanged', () => {
    const u = planAfterFetch(source(), permanent(), ctx());
    expect(u).toMatchObject({ redirectUrl: NEW, redirectCount: 1 });
    expect(u.fetchUrl).toBeUndefined();
  });

  it('the second consecutive sighting of the same target moves fetchUrl', () => {
    const u = planAfterFetch(source({ redirectUrl: NEW, redirectCount: 1 }), permanent(), ctx());
    expect(u).toMatchObject({ fetchUrl: NEW, redirectUrl: null, redirectCount: 0 });
  });

  it('also on a 304 after the redirect', () => {
    const r = notModified({
      finalUrl: NEW,
      permanentRedirectUrl: NEW,
      redirects: [{ status: 308, url: URL0, location: NEW }],
    });
    expect(planAfterFetch(source({ redirectUrl: NEW, redirectCount: 1 }), r, ctx()).fetchUrl).toBe(NEW);
  });

  it('a different target starts counting again', () => {
    const other = 'https://other.example.org/feed';
    const u = planAfterFetch(source({ redirectUrl: NEW, redirectCount: 1 }), permanent(other), ctx());
    expect(u).toMatchObject({ redirectUrl: other, redirectCount: 1 });
    expect(u.fetchUrl).toBeUndefined();
  });

  it('a temporary redirect or no redirect resets the count and never moves fetchUrl', () => {
    const temp = ok({ finalUrl: NEW, redirects: [{ status: 302, url: URL0, location: NEW }] });
    const s = source({ redirectUrl: NEW, redirectCount: 1 });
    const u = planAfterFetch(s, temp, ctx());
    expect(u).toMatchObject({ redirectUrl: null, redirectCount: 0 });
    expect(u.fetchUrl).toBeUndefined();
    expect(planAfterFetch(s, ok(), ctx())).toMatchObject({ redirectUrl: null, redirectCount: 0 });
  });

  it('errors leave the redirect state alone', () => {
    const u = planAfterFetch(source({ redirectUrl: NEW, redirectCount: 1 }), error('timeout'), ctx());
    expect(u.redirectUrl).toBeUndefined();
    expect(u.redirectCount).toBeUndefined();
  });
});
