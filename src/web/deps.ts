import type { Config } from '../config/schema.ts';
import type { Logger } from '../lib/log.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { FullTextOutcome, Store } from '../store/types.ts';

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
  /** Fetches and extracts an item's linked page now ("load full article"); absent: the button is not offered. */
  loadFullText?: (itemId: number) => Promise<FullTextOutcome | undefined>;
  /** The scheduler's cycles in this process (absent when it does not fetch): /healthz fails while they do. */
  cycleHealth?: () => { consecutiveFailures: number; lastError?: string; lastSuccessAt?: number };
}
