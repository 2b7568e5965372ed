import { createHash } from 'node:crypto';
import type { Config, TopicConfig } from '../config/schema.ts';
import { paths } from '../lib/links.ts';
import type { ItemFilter, ItemStore, ItemWithSource, TopicStore } from '../store/types.ts';

/** What published feeds read: items and topics. */
type FeedStore = ItemStore & TopicStore;

import type { ItemSource } from './select.ts';

export interface ScopeStamp {
  stamp: string;
  /** `updated` of the feed while it has no entries. */
  emptyUpdatedMs: number;
  /** When the selection last changed, epoch ms: Last-Modified is never older (an older item may have arrived). */
  changedMs: number;
}

/** One published selection (a topic, a category, everything) as the routes need it. */
export interface FeedScope {
  /** Cache group and feed id part, e.g. `topic/cloud`. */
  key: string;
  /** URL path of the feed without extension, e.g. `/feeds/cloud`. */
  path: string;
  /** The reader's page for the same selection. */
  htmlPath: string;
  title: string;
  description: string;
  languages: string[];
  perSourceCap?: number;
  /** What makes the output change besides the store: config the feed prints. */
  configFingerprint: unknown;
  /**
   * A cheap value that changes whenever an item of the selection is inserted, changed or removed (and stays the
   * same otherwise, so subscribers' 304s keep working), and when that last happened.
   */
  stamp(lang?: string): Promise<ScopeStamp>;
  items(lang?: string): ItemSource;
}

export function topicScope(store: FeedStore, topic: TopicConfig, config: Config): FeedScope {
  const { slug } = topic;
  return {
    key: `topic/${slug}`,
    path: paths.feedBase(slug),
    htmlPath: paths.topic(slug),
    title: topic.title,
    description: topic.description,
    languages: topic.languages,
    perSourceCap: topic.perSourceCap,
    // Entries name their sources: a source renamed in the config changes the topic's feed too.
    configFingerprint: [
      topic.title,
      topic.description,
      topic.languages,
      topic.perSourceCap,
      sourcesFingerprint(config),
    ],
    async stamp() {
      // The one query a cached topic feed costs per request: the store bumps the version whenever one of its items
      // is included or dropped, edited, removed by retention or joins a story.
      const row = await store.getTopic(slug);
      const updatedAt = row?.updatedAt ?? 0;
      return { stamp: row ? `v${row.version}` : 'none', emptyUpdatedMs: updatedAt, changedMs: updatedAt };
    },
    items(lang) {
      return {
        list: (limit, before) => store.listTopicItems(slug, limit, before, lang),
        storyMembers: (keys) => store.itemsByStoryKeys(keys),
        async includes(item) {
          if (!languageMatches(item, lang)) return false;
          return (await store.itemTopics(item.id)).some((t) => t.slug === slug && t.included);
        },
      };
    },
  };
}

export function allScope(store: FeedStore, config: Config): FeedScope {
  return filteredScope(store, config, {
    key: 'all',
    path: paths.feedBase('all'),
    // Everything, read or not: the reader's "All" page (its "/" lists the unread ones only).
    htmlPath: paths.all(),
    title: 'rundschau: all items',
    description: 'Every item from every source',
    filter: {},
    belongs: () => true,
  });
}

export function categoryScope(store: FeedStore, config: Config, category: string): FeedScope {
  return filteredScope(store, config, {
    key: `category/${category}`,
    path: paths.categoryFeedBase(category),
    htmlPath: paths.category(category),
    title: `rundschau: ${category}`,
    description: `Items from the sources in the category ${category}`,
    filter: { category },
    belongs: (item) => item.sourceCategory === category,
  });
}

export function categoriesOf(config: Config): string[] {
  return [...new Set(config.sources.map((s) => s.category))];
}

interface FilteredScopeSpec {
  key: string;
  path: string;
  htmlPath: string;
  title: string;
  description: string;
  filter: ItemFilter;
  belongs: (item: ItemWithSource) => boolean;
}

/**
 * Scopes over `store.listItems`. Their version is the sum of their sources' item versions (one aggregate over
 * `sources`: cheap at any number of items), which the store bumps on every insert, edit, removal and story change
 * of their items. Which sources those are, and their configured names, is config: part of the fingerprint, so
 * that for one fingerprint the sum only grows.
 */
function filteredScope(store: FeedStore, config: Config, spec: FilteredScopeSpec): FeedScope {
  const filterFor = (lang?: string): ItemFilter => (lang ? { ...spec.filter, language: lang } : spec.filter);
  return {
    key: spec.key,
    path: spec.path,
    htmlPath: spec.htmlPath,
    title: spec.title,
    description: spec.description,
    languages: [],
    configFingerprint: [spec.key, sourcesFingerprint(config, spec.filter.category)],
    async stamp() {
      const mark = await store.itemsMark(spec.filter.category);
      return { stamp: `s${mark.sources}.${mark.version}`, emptyUpdatedMs: mark.changedAt, changedMs: mark.changedAt };
    },
    items(lang) {
      return {
        list: (limit, before) => store.listItems(filterFor(lang), limit, before),
        storyMembers: (keys) => store.itemsByStoryKeys(keys),
        includes: async (item) => spec.belongs(item) && languageMatches(item, lang),
      };
    },
  };
}

const fingerprints = new WeakMap<Config, Map<string, string>>();

/** A hash of the configured sources (URL, title) of one category or of all: computed once per loaded config. */
function sourcesFingerprint(config: Config, category?: string): string {
  let perConfig = fingerprints.get(config);
  if (!perConfig) {
    perConfig = new Map();
    fingerprints.set(config, perConfig);
  }
  const key = category === undefined ? '' : `c:${category}`;
  let hash = perConfig.get(key);
  if (hash === undefined) {
    const sources = config.sources.filter((s) => category === undefined || s.category === category);
    hash = createHash('sha1')
      .update(JSON.stringify(sources.map((s) => [s.url, s.title ?? null])))
      .digest('base64url');
    perConfig.set(key, hash);
  }
  return hash;
}

function languageMatches(item: ItemWithSource, lang?: string): boolean {
  return !lang || item.language === lang;
}
