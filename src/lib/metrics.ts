import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one process; served at /metrics. */
export function createMetrics(withDefaults = true) {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry });
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
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
