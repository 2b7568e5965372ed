import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';

/**
 * prom-client, loaded at the first createMetrics (a synchronous require: it is CommonJS), and by module path, not
 * its index: the index also loads the default metrics (whose process-CPU metric requires @opentelemetry/api, 51
 * modules), the Pushgateway (http, https) and the cluster aggregator. A command that counts nothing (`items`) loads
 * none of it (~100 ms of a CLI start on 2 busy cores); one without default metrics (`fetch`, bench:ingest, tests)
 * loads 8 modules instead of ~90: ~4 MB RSS, 1.3 MB heap less. The default metrics load only when asked for.
 */
interface PromParts {
  Registry: typeof PromClient.Registry;
  Counter: typeof PromClient.Counter;
  Gauge: typeof PromClient.Gauge;
  Histogram: typeof PromClient.Histogram;
}
const load = createRequire(import.meta.url);
let parts: PromParts | undefined;
function prom(): PromParts {
  parts ??= {
    Registry: load('prom-client/lib/registry') as typeof PromClient.Registry,
    Counter: load('prom-client/lib/counter') as typeof PromClient.Counter,
    Gauge: load('prom-client/lib/gauge') as typeof PromClient.Gauge,
    Histogram: load('prom-client/lib/histogram') as typeof PromClient.Histogram,
  };
  return parts;
}

/** Prometheus metrics of one process; served at /metrics. */
export function createMetrics(withDefaults = true) {
  const { Counter, Gauge, Histogram, Registry } = prom();
  const registry = new Registry();
  if (withDefaults) {
    const collectDefaultMetrics = load('prom-client/lib/defaultMetrics') as typeof PromClient.collectDefaultMetrics;
    collectDefaultMetrics({ register: registry });
  }
  return {
    registry,
    fetches: new Counter({
      name: 'rundschau_fetches_total',
      help: 'Feed fetches by outcome (ok, not_modified, error)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    fetchErrors: new Counter({
      name: 'rundschau_fetch_errors_total',
      help: 'Failed fetches by classified reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    fetchDuration: new Histogram({
      name: 'rundschau_fetch_duration_seconds',
      help: 'Duration of one source fetch including parse and store',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    itemsIngested: new Counter({
      name: 'rundschau_items_ingested_total',
      help: 'Items written by ingest (new or updated)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    fullTexts: new Counter({
      name: 'rundschau_full_texts_total',
      help: 'Full-text extraction attempts by outcome (done, retry, failed) and reason',
      labelNames: ['outcome', 'reason'] as const,
      registers: [registry],
    }),
    itemsStored: new Gauge({ name: 'rundschau_items_stored', help: 'Items in the database', registers: [registry] }),
    httpRequests: new Counter({
      name: 'rundschau_http_requests_total',
      help: 'HTTP requests served',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'rundschau_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['route'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    // Read from the database at each scrape (web/metrics-route.ts): every process reports the same cluster-wide view.
    sources: new Gauge({
      name: 'rundschau_sources',
      help: 'Enabled sources in the config by health status (new, ok, degraded, failing, dead)',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    sourcesDue: new Gauge({
      name: 'rundschau_sources_due',
      help: 'Enabled sources due for a fetch that no worker has leased yet (the backlog)',
      registers: [registry],
    }),
    sourcesDueOldest: new Gauge({
      name: 'rundschau_sources_due_oldest_seconds',
      help: 'How long the longest-waiting due source has been due (0: none due)',
      registers: [registry],
    }),
    leasedSources: new Gauge({
      name: 'rundschau_leased_sources',
      help: 'Sources held under a live lease, by lease owner (host/pid/…): the work each worker has in hand',
      labelNames: ['owner'] as const,
      registers: [registry],
    }),
    leaseAge: new Gauge({
      name: 'rundschau_lease_age_seconds',
      help: 'Seconds since the owner last took or renewed its oldest lease; a live worker renews well before leases lapse',
      labelNames: ['owner'] as const,
      registers: [registry],
    }),
    // Published feeds (publish/cache.ts): this process's cache of rendered documents.
    feedCacheLookups: new Counter({
      name: 'rundschau_feed_cache_lookups_total',
      help: 'Published-feed renders asked of the cache, by result (hit: served rendered; miss: rendered now)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    feedCacheEntries: new Gauge({
      name: 'rundschau_feed_cache_entries',
      help: 'Rendered published feeds held in this process',
      registers: [registry],
    }),
    feedCacheBytes: new Gauge({
      name: 'rundschau_feed_cache_bytes',
      help: 'Bytes of rendered published feeds held (plain and gzip)',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
