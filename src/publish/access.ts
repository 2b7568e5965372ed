import type { Config, TopicConfig } from '../config/schema.ts';

/**
 * Whether a published feed is readable without the reader's login. With `reading: public` everything is; with
 * `reading: private` only what the operator publishes: topic feeds, unless a topic says `public: false`. The all
 * and category feeds and the OPML list of sources are the reader's own data and stay behind the login.
 */
export function feedIsPublic(config: Config, topic?: TopicConfig): boolean {
  // `!== 'private'`: a config without a server block may not carry the block's defaults (zod's .default({})).
  return config.server.reading !== 'private' || (topic !== undefined && topic.public !== false);
}
