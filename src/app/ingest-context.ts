import type { Config } from '../config/schema.ts';
import type { HostGate } from '../fetch/politeness.ts';
import type { FetchOptions } from '../fetch/types.ts';
import type { Logger } from '../lib/log.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { ItemStore, SourceStore } from '../store/types.ts';
import type { TopicCurator } from './curator.ts';
import type { ParsePool } from './pool.ts';
import type { WorkerPresence } from './presence.ts';

/** What ingesting a source (and working off its full texts) needs: the store parts, fetcher, pool and curator. */
export type IngestStore = Pick<
  ItemStore,
  | 'upsertItems'
  | 'applyRetention'
  | 'queueFullTexts'
  | 'claimFullTexts'
  | 'finishFullText'
  | 'getItemsByIds'
  | 'getItem'
> &
  Pick<SourceStore, 'finishFetch' | 'listSources' | 'getSource'>;

export interface IngestContext {
  store: IngestStore;
  config: () => Config;
  log: Logger;
  metrics: Metrics;
  limiter: HostGate;
  pool: ParsePool;
  curator: TopicCurator;
  fetchOptions: () => FetchOptions;
  now?: () => number;
  /** Told before and after each fetch cycle: pings the WebSub hub for the public feeds that changed. */
  feedAnnouncer?: { remember(): Promise<void>; announce(): Promise<unknown> };
  /** This process's heartbeat in the cluster (runtime.ts makes one; a bare context gets one per cycle). */
  presence?: WorkerPresence;
}
