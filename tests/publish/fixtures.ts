import { contentHashOf } from '../../src/normalize/identity.ts';
import type { FeedDescription } from '../../src/publish/generate.ts';
import type { ItemWithSource } from '../../src/store/types.ts';

let nextId = 1;

/** An item as the store hands it to publish/, for tests of the pure parts. */
export function publishedItem(overrides: Partial<ItemWithSource> = {}): ItemWithSource {
  const id = overrides.id ?? nextId++;
  const item: ItemWithSource = {
    id,
    sourceId: 1,
    uid: `uid-${id}`,
    guid: `guid-${id}`,
    link: `https://news.example/articles/${id}`,
    title: `Article ${id}`,
    author: 'Ada Autor',
    summary: `Summary of article ${id}`,
    contentHtml: `<p>Body of article ${id}</p>`,
    language: 'de',
    publishedAt: Date.UTC(2026, 2, 1, 12, 0, 0) - id * 60_000,
    dateEstimated: false,
    updatedAt: null,
    categories: ['Cloud'],
    enclosures: [],
    imageUrl: null,
    contentHash: '',
    firstSeenAt: Date.UTC(2026, 2, 1),
    changedAt: Date.UTC(2026, 2, 1),
    read: false,
    starred: false,
    storyKey: null,
    sourceTitle: 'Example News',
    sourceUrl: 'https://news.example/feed.xml',
    sourceSiteUrl: 'https://news.example/',
    sourceCategory: 'Tech',
    ...overrides,
  };
  if (!overrides.contentHash) item.contentHash = contentHashOf(item);
  return item;
}

export function feedDescription(overrides: Partial<FeedDescription> = {}): FeedDescription {
  const base = 'http://127.0.0.1:9/feeds/cloud';
  return {
    id: 'tag:rundschau,2026:feed/topic/cloud',
    title: 'Cloud',
    description: 'Cloud computing news',
    htmlUrl: 'http://127.0.0.1:9/topics/cloud',
    selfUrl: `${base}.atom`,
    formatUrls: { rss: `${base}.rss`, atom: `${base}.atom`, json: `${base}.json` },
    firstUrl: `${base}.atom`,
    emptyUpdatedMs: Date.UTC(2026, 0, 1),
    ...overrides,
  };
}
