import type { Config } from '../config/schema.ts';
import type { Logger } from '../lib/log.ts';
import type { Metrics } from '../lib/metrics.ts';
import type {
  AppPasswordStore,
  CountStore,
  FullTextOutcome,
  ItemStore,
  SearchStore,
  SiteIconStore,
  SourceStore,
  StatsStore,
  Store,
  TopicStore,
} from '../store/types.ts';
import type { AttemptCounter } from './auth.ts';
import type { ConfigManager } from './manage-deps.ts';

/**
 * The store parts the web layer uses: every entity, not the connection's life (opening, closing and `exclusive`
 * belong to the runtime). Each route module and middleware takes only its own part (`DepsWith`).
 */
export type WebStore = SourceStore &
  ItemStore &
  TopicStore &
  SearchStore &
  CountStore &
  AppPasswordStore &
  StatsStore &
  SiteIconStore &
  Pick<Store, 'ping'>;

/** Everything the HTTP layer needs, handed in by `rundschau serve` (and by tests). */
export interface AppDeps {
  store: WebStore;
  /** The current config: it changes when rundschau.yaml is edited. */
  config: () => Config;
  metrics: Metrics;
  log: Logger;
  now?: () => number;
  /** Called after an editor pins/excludes an item, so the topic re-learns and re-scores. */
  onTopicDecision?: (slug: string, itemId: number) => Promise<void>;
  /** Fetches and extracts an item's linked page now ("load full article"); absent: the button is not offered. */
  loadFullText?: (itemId: number) => Promise<FullTextOutcome | undefined>;
  /** The scheduler's cycles in this process (absent when it does not fetch): /healthz fails while they do. */
  cycleHealth?: () => { consecutiveFailures: number; lastError?: string; lastSuccessAt?: number };
  /** rundschau.yaml as the sync APIs edit it (subscribe, unsubscribe, rename, move); absent: subscriptions read-only. */
  configFile?: ConfigFileAccess;
  /** Editing the config from the reader (sources, topics) and its rejected state; absent: the pages only read. */
  manager?: ConfigManager;
  /** The fetcher's per-host politeness, for what the reader fetches itself (favicons). */
  hostLimiter?: { run<T>(host: string, fn: () => Promise<T>): Promise<T> };
  /**
   * Login throttles by name, shared by every process that serves the reader (`serve --web-processes N`: kept by the
   * primary); absent: each throttle counts in this process.
   */
  attempts?: (name: string, limit: number, windowMs: number) => AttemptCounter;
  /**
   * Signs sessions and media URLs when neither a configured secret nor a password gives one: every process of one
   * `serve` gets the same from the primary, so a cookie set by one is good in the others. Absent: a random one.
   */
  fallbackSecret?: string;
  /**
   * The metrics of the other processes of one `serve --web-processes N` (the primary's fetches and ingest, the other
   * web processes' requests; prom-client JSON): /metrics answers their sum with this one's. Absent: this process's.
   */
  otherMetrics?: () => Promise<unknown[]>;
  /** What this process is, for /healthz: `all` (one process), `web` (one of several), `worker`. */
  role?: string;
}

/** What the sync APIs need to edit the config file the way `rundschau add` does. */
export interface ConfigFileAccess {
  path: string;
  /** The feed behind a URL a user gave (discovery, the address guard, a parse check), as `rundschau add` finds it. */
  resolveFeed(url: string): Promise<{ url: string; title?: string }>;
  /** Loads the edited file and makes the running config and the database follow it. */
  reload(): Promise<void>;
}

/** AppDeps whose store is only the part `S` a route module or middleware uses. */
export type DepsWith<S> = Omit<AppDeps, 'store'> & { store: S };
