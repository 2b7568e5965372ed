import type { SourceConfig } from '../../src/config/schema.ts';
import { contentHashOf } from '../../src/normalize/identity.ts';
import type { NewItem } from '../../src/normalize/types.ts';

/** A NewItem for store/web/publish tests; its content hash is normalize/'s own, over the final fields. */
export function makeItem(overrides: Partial<NewItem> & { uid: string }): NewItem {
  const base: NewItem = {
    uid: overrides.uid,
    guid: overrides.uid,
    link: `https://example.org/${encodeURIComponent(overrides.uid)}`,
    title: `Item ${overrides.uid}`,
    author: null,
    summary: `Summary of ${overrides.uid}`,
    contentHtml: `<p>Content of ${overrides.uid}</p>`,
    language: 'en',
    publishedAt: Date.UTC(2026, 10, 1),
    dateEstimated: false,
    updatedAt: null,
    categories: [],
    enclosures: [],
    imageUrl: null,
    contentHash: '',
  };
  const item = { ...base, ...overrides };
  if (!overrides.contentHash) item.contentHash = contentHashOf(item);
  return item;
}

export function makeSource(url: string, overrides: Partial<SourceConfig> = {}): SourceConfig {
  return { url, category: 'Tech', tags: [], identity: 'auto', enabled: true, ...overrides };
}
