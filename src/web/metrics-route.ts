import { Hono } from 'hono';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { FeedCache } from '../publish/cache.ts';
import { LEASE_MS } from '../schedule/lease.ts';
import type { AppDeps } from './deps.ts';
import { metricsAllowed } from './metrics-access.ts';

type MetricsDeps = Pick<AppDeps, 'store' | 'metrics' | 'config' | 'log' | 'otherMetrics'>;
type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/** Read from the database at each scrape: the same for every process, so taken from the scraped one only. */
const DATABASE_GAUGES = new Set([
  'rundschau_items_stored',
  'rundschau_sources',
  'rundschau_sources_due',
  'rundschau_sources_due_oldest_seconds',
  'rundschau_leased_sources',
  'rundschau_lease_age_seconds',
]);

/**
 * `/metrics` for Prometheus: this process's counters (fetches, HTTP, feed cache) plus the cluster-wide view read
 * from the database at each scrape (sources by health, due backlog, leases per worker). Any process that serves
 * HTTP mounts it: web replicas and workers alike.
 */
export function metricsRoutes(deps: MetricsDeps, feedCache?: FeedCache): Hono {
  const app = new Hono();
  app.get('/metrics', async (c) => {
    if (!metricsAllowed(c, deps)) {
      return c.text('metrics need Authorization: Bearer <server.metricsToken>, or a request from this host', 401, {
        'WWW-Authenticate': 'Bearer realm="rundschau metrics"',
        'Cache-Control': 'no-store',
      });
    }
    await refreshDatabaseGauges(deps).catch((err: unknown) => deps.log.warn({ err }, 'metrics: reading the database'));
    if (feedCache) {
      deps.metrics.feedCacheEntries.set(feedCache.size);
      deps.metrics.feedCacheBytes.set(feedCache.byteSize);
    }
    const registry = deps.metrics.registry;
    const headers = { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' };
    if (!deps.otherMetrics) return c.body(await registry.metrics(), 200, headers);
    // serve --web-processes N: the sum over the primary and every web process (prom-client's cluster aggregation).
    const others = ((await deps.otherMetrics().catch((err: unknown) => {
      deps.log.warn({ err }, 'metrics: asking the other processes');
      return [];
    })) ?? []) as MetricsJson[];
    const merged = AggregatorRegistry.aggregate([
      await registry.getMetricsAsJSON(),
      ...others.map((list) => list.filter((m) => !DATABASE_GAUGES.has(m.name))),
    ]);
    return c.body(await merged.metrics(), 200, headers);
  });
  return app;
}

const STATUSES = ['new', 'ok', 'degraded', 'failing', 'dead'] as const;

async function refreshDatabaseGauges(deps: MetricsDeps): Promise<void> {
  const m = deps.metrics;
  const now = Date.now();
  // The items gauge from the per-source counters, and the rest from three grouped counts: O(sources) per scrape.
  const [sources, fleet] = await Promise.all([deps.store.listSources(), deps.store.fleetStatus(now)]);
  m.itemsStored.set(sources.reduce((n, s) => n + s.itemCount, 0));
  for (const status of STATUSES) m.sources.set({ status }, fleet.byStatus[status] ?? 0);
  m.sourcesDue.set(fleet.due);
  m.sourcesDueOldest.set(fleet.oldestDueAt === undefined ? 0 : Math.max(0, (now - fleet.oldestDueAt) / 1000));
  // Owners come and go: a worker that stopped must drop out of the series, not linger at its last value.
  m.leasedSources.reset();
  m.leaseAge.reset();
  for (const lease of fleet.leases) {
    m.leasedSources.set({ owner: lease.owner }, lease.sources);
    // A lease runs LEASE_MS from when it was taken or last renewed.
    m.leaseAge.set({ owner: lease.owner }, Math.max(0, (now - (lease.earliestLeaseUntil - LEASE_MS)) / 1000));
  }
}
