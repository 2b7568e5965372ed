import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { silentLogger } from '../../src/lib/log.ts';
import { createMetrics } from '../../src/lib/metrics.ts';
import { LEASE_MS } from '../../src/schedule/lease.ts';
import type { Store } from '../../src/store/types.ts';
import { createApp } from '../../src/web/app.ts';
import { repoRoot } from '../support/cli.ts';
import { dialects, type TestDatabase } from '../support/databases.ts';
import { makeItem, makeSource } from '../support/items.ts';
import { parsePrometheus, type Sample, sampleValue } from '../support/prometheus.ts';

const ORIGIN = 'http://127.0.0.1';
const TOKEN = 'metrics-token-for-tests-0123';
const HOUR = 3_600_000;

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(`/metrics on ${dialect.name}`, () => {
    let db: TestDatabase;
    let store: Store;
    let app: ReturnType<typeof createApp>;
    const config = configSchema.parse({ server: { metricsToken: TOKEN } });
    const now = Date.now();

    const scrape = async (): Promise<Sample[]> => {
      const res = await app.request(`${ORIGIN}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      return parsePrometheus(await res.text());
    };

    beforeAll(async () => {
      db = await dialect.create();
      store = await db.open();
      // Five sources: two leased by worker A, one by worker B, one failing (not due), one due and free.
      await store.syncSources(
        ['a', 'b', 'c', 'd', 'e'].map((name) => makeSource(`https://${name}.example/feed`)),
        now - 10 * HOUR,
      );
      const rows = await store.listSources();
      const failing = rows.find((r) => r.configUrl.startsWith('https://d.'))!;
      await store.finishFetch(
        failing.id,
        { status: 'failing', consecutiveErrors: 3, nextFetchAt: now + HOUR, lastFetchAt: now },
        { startedAt: now, durationMs: 5, outcome: 'error', errorReason: 'timeout' },
      );
      const others = rows.filter((r) => r.id !== failing.id).map((r) => r.id);
      // Worker B's lease was taken 40 s ago and not renewed since.
      await store.claimDueSources('worker-b', 1, LEASE_MS, now - 40_000, true, [others[2]!]);
      await store.claimDueSources('worker-a', 2, LEASE_MS, now, true, [others[0]!, others[1]!]);
      await store.upsertItems(others[0]!, [makeItem({ uid: 'one', publishedAt: now - HOUR })], now);
      app = createApp({ store, config: () => config, metrics: createMetrics(true), log: silentLogger });
    });
    afterAll(async () => {
      await store?.close();
      await db?.drop();
    });

    it('reports sources by health, the due backlog and each worker’s leases from the database', async () => {
      const samples = await scrape();
      expect(sampleValue(samples, 'rundschau_sources', { status: 'new' })).toBe(4);
      expect(sampleValue(samples, 'rundschau_sources', { status: 'failing' })).toBe(1);
      expect(sampleValue(samples, 'rundschau_sources', { status: 'dead' })).toBe(0);
      // Due (next fetch 0) and not leased: only e.
      expect(sampleValue(samples, 'rundschau_sources_due')).toBe(1);
      expect(sampleValue(samples, 'rundschau_sources_due_oldest_seconds')).toBeGreaterThan(0);
      expect(sampleValue(samples, 'rundschau_leased_sources', { owner: 'worker-a' })).toBe(2);
      expect(sampleValue(samples, 'rundschau_leased_sources', { owner: 'worker-b' })).toBe(1);
      const ageA = sampleValue(samples, 'rundschau_lease_age_seconds', { owner: 'worker-a' })!;
      const ageB = sampleValue(samples, 'rundschau_lease_age_seconds', { owner: 'worker-b' })!;
      expect(ageA).toBeLessThan(10);
      expect(ageB).toBeGreaterThanOrEqual(40);
      expect(ageB).toBeLessThan(60);
      expect(sampleValue(samples, 'rundschau_items_stored')).toBe(1);
    });

    it('drops a worker from the lease series once its leases are released', async () => {
      await store.releaseLeases(['worker-b']);
      const samples = await scrape();
      expect(sampleValue(samples, 'rundschau_leased_sources', { owner: 'worker-b' })).toBeUndefined();
      expect(sampleValue(samples, 'rundschau_lease_age_seconds', { owner: 'worker-b' })).toBeUndefined();
      expect(sampleValue(samples, 'rundschau_sources_due')).toBe(2);
    });

    it('counts published-feed cache hits and misses, and what the cache holds', async () => {
      const before = await scrape();
      const hits0 = sampleValue(before, 'rundschau_feed_cache_lookups_total', { result: 'hit' }) ?? 0;
      const misses0 = sampleValue(before, 'rundschau_feed_cache_lookups_total', { result: 'miss' }) ?? 0;
      for (let i = 0; i < 3; i++) expect((await app.request(`${ORIGIN}/feeds/all.rss`)).status).toBe(200);
      expect((await app.request(`${ORIGIN}/feeds/all.atom`)).status).toBe(200);
      const after = await scrape();
      expect(sampleValue(after, 'rundschau_feed_cache_lookups_total', { result: 'miss' })).toBe(misses0 + 2);
      expect(sampleValue(after, 'rundschau_feed_cache_lookups_total', { result: 'hit' })).toBe(hits0 + 2);
      expect(sampleValue(after, 'rundschau_feed_cache_entries')).toBe(2);
      expect(sampleValue(after, 'rundschau_feed_cache_bytes')).toBeGreaterThan(0);
    });
  });
}

describe('the sample Grafana dashboard (docs/grafana-dashboard.json)', () => {
  const dashboard = JSON.parse(readFileSync(join(repoRoot, 'docs', 'grafana-dashboard.json'), 'utf8')) as unknown;
  const expressions: string[] = [];
  (function collect(node: unknown): void {
    if (Array.isArray(node)) node.forEach(collect);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'expr' && typeof value === 'string') expressions.push(value);
        else collect(value);
      }
    }
  })(dashboard);

  it('queries only metrics that rundschau exposes', async () => {
    const registry = createMetrics(true).registry;
    const exposed = new Set<string>();
    for (const metric of await registry.getMetricsAsJSON()) {
      exposed.add(metric.name);
      if (String(metric.type) === 'histogram') {
        for (const suffix of ['_bucket', '_sum', '_count']) exposed.add(`${metric.name}${suffix}`);
      }
    }
    expect(expressions.length).toBeGreaterThan(5);
    const referenced = new Set(expressions.flatMap((e) => e.match(/\b(?:rundschau|process|nodejs)_[a-z0-9_]+/g) ?? []));
    expect([...referenced].filter((name) => !exposed.has(name))).toEqual([]);
    // Each metric the kit promises is on the dashboard.
    for (const name of [
      'rundschau_sources',
      'rundschau_sources_due',
      'rundschau_lease_age_seconds',
      'rundschau_leased_sources',
      'rundschau_fetches_total',
      'rundschau_feed_cache_lookups_total',
    ]) {
      expect(referenced, name).toContain(name);
    }
  });
});
