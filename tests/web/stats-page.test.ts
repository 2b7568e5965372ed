import { afterEach, describe, expect, it } from 'vitest';
import { statsData } from '../../src/web/routes/sources.ts';
import { makeItem, makeSource } from '../support/items.ts';
import { Client, NOW, type WebHarness, webHarness } from '../support/web.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

let h: WebHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('/stats', () => {
  it('pictures sources by health per day, items ingested per hour and fetch latency percentiles, from the store', async () => {
    h = await webHarness();
    const store = h.store;
    await store.syncSources(
      ['a', 'b', 'c'].map((n) => makeSource(`https://${n}.example/feed`)),
      NOW - 20 * DAY,
    );
    const [a, b, c] = await store.listSources();
    const attempt = (startedAt: number, outcome: 'ok' | 'error', durationMs: number) => ({
      startedAt,
      durationMs,
      outcome,
      errorReason: outcome === 'error' ? 'timeout' : null,
    });
    // Yesterday: a all ok, b some errors, c only errors. Today: a ok.
    await store.finishFetch(a!.id, {}, attempt(NOW - DAY, 'ok', 100));
    await store.finishFetch(b!.id, {}, attempt(NOW - DAY, 'error', 200));
    await store.finishFetch(b!.id, {}, attempt(NOW - DAY + HOUR, 'ok', 300));
    await store.finishFetch(c!.id, {}, attempt(NOW - DAY, 'error', 400));
    await store.finishFetch(a!.id, {}, attempt(NOW - HOUR, 'ok', 1000));
    await store.upsertItems(a!.id, [makeItem({ uid: '1' }), makeItem({ uid: '2' })], NOW - 2 * HOUR);
    await store.upsertItems(b!.id, [makeItem({ uid: '3' })], NOW);

    const data = await statsData(h.deps, NOW);
    expect(data.sources).toBe(3);
    expect(data.healthByDay.ok.slice(-2)).toEqual([1, 1]);
    expect(data.healthByDay.some.slice(-2)).toEqual([1, 0]);
    expect(data.healthByDay.all.slice(-2)).toEqual([1, 0]);
    expect(data.ingestedPerHour.slice(-3)).toEqual([2, 0, 1]);
    // Latency: the last 24 hours (300 ms yesterday an hour after the day's first fetches, 1000 ms an hour ago).
    expect(data.latency).toEqual({ p50: 300, p90: 1000, p99: 1000, n: 2 });
    expect(data.latencyPerHour.p50.at(-2)).toBe(1000);

    const { html } = await new Client(h.app).get('/stats');
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g)!;
    expect(svgs).toHaveLength(3);
    for (const svg of svgs) {
      expect(svg.length).toBeLessThanOrEqual(4096);
      expect(svg).not.toMatch(/style=|<script/);
      expect(svg).toMatch(/role="img" aria-label="[^"]+"/);
    }
    const health = svgs.find((s) => s.includes('stats-health'))!;
    // Yesterday's column holds three sources (one of each), today's one.
    expect(health).toContain('data-max="3"');
    expect(svgs.find((s) => s.includes('stats-ingested'))).toContain('data-max="2"');
    expect(svgs.find((s) => s.includes('stats-latency'))).toContain('data-max="1000"');
    // Readable without JavaScript: no script but the deferred app.js, and the colours come from classes.
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
  });
});
