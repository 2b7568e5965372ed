import type { Config } from '../config/schema.ts';
import type { Logger } from '../lib/log.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { Store } from '../store/types.ts';
import type { ConfigManager } from './manage-deps.ts';

/** Everything the HTTP layer needs, handed in by `rundschau serve` (and by tests). */
export interface AppDeps {
  store: Store;
  /** The current config: it changes when rundschau.yaml is edited. */
  config: () => Config;
  metrics: Metrics;
  log: Logger;
  now?: () => number;
  /** Called after an editor pins/excludes an item, so the topic re-learns and re-scores. */
  onTopicDecision?: (slug: string, itemId: number) => Promise<void>;
  /** The scheduler's cycles in this process (absent when it does not fetch): /healthz fails while they do. */
  cycleHealth?: () => { consecutiveFailures: number; lastError?: string; lastSuccessAt?: number };
  /** Editing the config from the reader (sources, topics) and its rejected state; absent: the pages only read. */
  manager?: ConfigManager;
  /** The fetcher's per-host politeness, for what the reader fetches itself (favicons). */
  hostLimiter?: { run<T>(host: string, fn: () => Promise<T>): Promise<T> };
}
