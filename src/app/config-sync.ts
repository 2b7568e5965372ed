import type { Config } from '../config/schema.ts';
import type { Logger } from '../lib/log.ts';
import type { SourceStore, Store, SyncResult } from '../store/types.ts';
import type { TopicCurator } from './curator.ts';

/**
 * Makes the database say what the config says: sources added, changed or dropped from the file (dropped ones stop
 * being fetched, their items stay), topics created or re-scored when their rules changed.
 */
export async function syncConfig(
  store: SourceStore & Pick<Store, 'exclusive'>,
  curator: TopicCurator,
  config: Config,
  log: Logger,
): Promise<SyncResult & { rescoredTopics: string[] }> {
  // Two processes starting at once on a fresh database would both add every source and topic: one at a time.
  const { result, rescoredTopics } = await store.exclusive(async () => ({
    result: await store.syncSources(config.sources),
    rescoredTopics: await curator.configure(config.topics),
  }));
  if (result.added.length + result.updated.length + result.removed.length > 0 || rescoredTopics.length > 0) {
    log.info(
      {
        added: result.added.length,
        updated: result.updated.length,
        removed: result.removed.length,
        rescoredTopics,
      },
      'config applied',
    );
  }
  return { ...result, rescoredTopics };
}
