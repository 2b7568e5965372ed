import { ConfigError, loadConfigFile } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { fetchOptionsFromDefaults } from '../fetch/http.ts';
import { type HostGate, HostLimiter } from '../fetch/politeness.ts';
import type { Logger } from '../lib/log.ts';
import { createMetrics, type Metrics } from '../lib/metrics.ts';
import { FeedAnnouncer } from '../publish/websub.ts';
import { processLeaseOwner } from '../schedule/lease.ts';
import { openStore, resolveDatabaseUrl } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import { ClusterHostLimiter, type ClusterLimits } from './cluster-limiter.ts';
import { syncConfig } from './config-sync.ts';
import { TopicCurator } from './curator.ts';
import type { CycleContext } from './cycle.ts';
import { ParsePool } from './pool.ts';
import { WorkerPresence } from './presence.ts';

export interface Runtime extends CycleContext {
  /** The whole store: the runtime opens and closes it, and hands each part the piece it uses. */
  store: Store;
  configPath: string;
  feedAnnouncer: FeedAnnouncer;
  presence: WorkerPresence;
  /**
   * Replaces the current config (after a reload) and syncs it into the database; `sync: false` only replaces it
   * (a web process of `serve --web-processes N`: the primary's watcher syncs the file, the editing process its edit).
   */
  applyConfig(config: Config, opts?: { sync?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  configPath: string;
  databaseUrl?: string;
  log: Logger;
  metrics?: Metrics;
  /** Parse worker threads; 0 parses in this thread. */
  workers?: number;
  /** An already loaded config (serve loads it through the watcher). */
  config?: Config;
  /** What this process is in the cluster's `workers` table: `all` (serve), `worker`, `fetch` (CLI). */
  role?: string;
  /** Sync the config into the database at open (default true); a web process leaves that to the primary. */
  sync?: boolean;
}

/** Opens everything a run needs — config, store (migrated), topic curator, parse workers, limiter — and syncs. */
export async function openRuntime(opts: RuntimeOptions): Promise<Runtime> {
  let config = opts.config;
  if (!config) {
    const loaded = await loadConfigFile(opts.configPath);
    if (!loaded.ok) throw new ConfigError(loaded.errors);
    config = loaded.config;
  }
  const store: Store = await openStore(opts.databaseUrl ?? resolveDatabaseUrl());
  const pool = new ParsePool(opts.workers);
  const curator = new TopicCurator(store, opts.log, pool);
  // PostgreSQL: several processes may fetch, so politeness per host is kept in the database as well.
  const gate = (local: HostLimiter): HostGate =>
    store.dialect === 'pg'
      ? new ClusterHostLimiter(local, store, processLeaseOwner, () => clusterLimits(current), opts.log)
      : local;
  let limiter = gate(makeLimiter(config));
  let current = config;
  const feedAnnouncer = new FeedAnnouncer({ store, config: () => current, log: opts.log });
  // Made at the first use: a command that fetches nothing (items, sources …) never loads prom-client.
  let metrics = opts.metrics;
  const runtime: Runtime = {
    configPath: opts.configPath,
    store,
    curator,
    pool,
    log: opts.log,
    get metrics() {
      metrics ??= createMetrics(false);
      return metrics;
    },
    get limiter() {
      return limiter;
    },
    config: () => current,
    feedAnnouncer,
    presence: undefined as unknown as WorkerPresence,
    fetchOptions: () => fetchOptionsFromDefaults(current.defaults),
    async applyConfig(next: Config, applyOpts?: { sync?: boolean }) {
      const politenessChanged = JSON.stringify(limitsOf(next)) !== JSON.stringify(limitsOf(current));
      // Built before anything is replaced: if it throws, the running config and limiter stay as they were.
      const nextLimiter = politenessChanged ? gate(makeLimiter(next)) : limiter;
      current = next;
      limiter = nextLimiter;
      if (applyOpts?.sync !== false) await syncConfig(store, curator, next, opts.log);
    },
    async close() {
      await pool.close();
      await store.close();
    },
  };
  runtime.presence = new WorkerPresence(runtime, opts.role ?? 'fetch');
  if (opts.sync !== false) await syncConfig(store, curator, config, opts.log);
  return runtime;
}

function limitsOf(config: Config) {
  const d = config.defaults;
  return [d.concurrency, d.perHostConcurrency, d.perHostGapMs];
}

function clusterLimits(config: Config): ClusterLimits {
  const d = config.defaults;
  return { perHost: d.perHostConcurrency, gapMs: d.perHostGapMs, leaseMs: d.timeout * 1000 + 30_000 };
}

function makeLimiter(config: Config): HostLimiter {
  return new HostLimiter({
    concurrency: config.defaults.concurrency,
    perHost: config.defaults.perHostConcurrency,
    gapMs: config.defaults.perHostGapMs,
  });
}
