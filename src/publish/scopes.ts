import type { Config, TopicConfig } from '../config/schema.ts';
import type { ItemFilter, ItemWithSource, Store } from '../store/types.ts';
import type { ItemSource } from './select.ts';

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
  /** A cheap value that changes whenever the selection's items may have changed. */
  stamp(lang?: string): Promise<{ stamp: string; emptyUpdatedMs: number }>;
  items(lang?: string): ItemSource;
}

export function topicScope(store: Store, topic: TopicConfig): FeedScope {
  const { slug } = topic;
  return {
    key: `topic/${slug}`,
    path: `/feeds/${slug}`,
    htmlPath: `/topics/${encodeURIComponent(slug)}`,
    title: topic.title,
    description: topic.description,
    languages: topic.languages,
    perSourceCap: topic.perSourceCap,
    configFingerprint: [topic.title, topic.description, topic.languages, topic.perSourceCap],
    async stamp() {
      // The one query a cached topic feed costs per request: the version is bumped whenever its items change.
      const row = await store.getTopic(slug);
      return { stamp: row ? `v${row.version}` : 'none', emptyUpdatedMs: row?.updatedAt ?? 0 };
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

export function allScope(store: Store): FeedScope {
  return filteredScope(store, {
    key: 'all',
    path: '/feeds/all',
    htmlPath: '/',
    title: 'rundschau: all items',
    description: 'Every item from every source',
    filter: {},
    belongs: () => true,
  });
}

export function categoryScope(store: Store, category: string): FeedScope {
  return filteredScope(store, {
    key: `category/${category}`,
    path: `/feeds/category/${encodeURIComponent(category)}`,
    htmlPath: `/?category=${encodeURIComponent(category)}`,
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

/** Scopes over `store.listItems`: no version, so the newest item's id and change time stand in for one. */
function filteredScope(store: Store, spec: FilteredScopeSpec): FeedScope {
  const filterFor = (lang?: string): ItemFilter => (lang ? { ...spec.filter, language: lang } : spec.filter);
  return {
    key: spec.key,
    path: spec.path,
    htmlPath: spec.htmlPath,
    title: spec.title,
    description: spec.description,
    languages: [],
    configFingerprint: spec.key,
    async stamp(lang) {
      const newest = (await store.listItems(filterFor(lang), 1)).items[0];
      return { stamp: newest ? `n${newest.id}.${newest.changedAt}` : 'empty', emptyUpdatedMs: 0 };
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

function languageMatches(item: ItemWithSource, lang?: string): boolean {
  return !lang || item.language === lang;
}
