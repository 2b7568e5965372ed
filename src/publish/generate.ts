import type { FeedFormat } from '../lib/links.ts';
import {
  authorName,
  entryContentHtml,
  entryLink,
  entryUpdatedMs,
  newestEntryMs,
  type PublishedEntry,
} from './entry.ts';
import { type FeedEntry, type FeedHead, writeAtom, writeJsonFeed, writeRss } from './feed-adapter.ts';
import { itemTagId, sourceTagId } from './ids.ts';
import { safeDate } from './text.ts';

/**
 * What a feed document says about itself (URLs absolute): the adapter's head (id is a tag: URI, see ids.ts; selfUrl
 * carries the query; firstUrl/nextUrl are RFC 5005 paging), less what renderFeed derives, plus what it derives from.
 */
export interface FeedDescription extends Omit<FeedHead, 'updated' | 'generator'> {
  /** The first page of the feed in each format. */
  formatUrls: Record<FeedFormat, string>;
  /** `updated` of a feed without entries (the newest entry's date otherwise). */
  emptyUpdatedMs: number;
}

const GENERATOR = 'rundschau';

/** Renders one page of entries in one format; feed-adapter.ts gets it written past the `feed` package's bugs. */
export function renderFeed(desc: FeedDescription, entries: PublishedEntry[], format: FeedFormat): string {
  const head: FeedHead = {
    id: desc.id,
    title: desc.title,
    description: desc.description,
    language: desc.language,
    htmlUrl: desc.htmlUrl,
    selfUrl: desc.selfUrl,
    firstUrl: desc.firstUrl,
    nextUrl: desc.nextUrl,
    hubUrl: desc.hubUrl,
    updated: new Date(newestEntryMs(entries, desc.emptyUpdatedMs)),
    generator: GENERATOR,
  };
  const data = entries.map(feedEntry);
  if (format === 'json') return writeJsonFeed(head, data);
  return format === 'rss' ? writeRss(head, data) : writeAtom(head, data);
}

function feedEntry(entry: PublishedEntry): FeedEntry {
  const { item } = entry;
  return {
    id: itemTagId(item.sourceUrl, item.uid),
    title: item.title,
    link: entryLink(item),
    updated: safeDate(entryUpdatedMs(item)),
    published: safeDate(item.publishedAt),
    summary: item.summary,
    contentHtml: entryContentHtml(entry),
    author: authorName(item),
    categories: item.categories,
    language: item.language ?? undefined,
    enclosures: item.enclosures,
    imageUrl: item.imageUrl ?? undefined,
    source: {
      id: sourceTagId(item.sourceUrl),
      title: item.sourceTitle,
      feedUrl: item.sourceUrl,
      siteUrl: item.sourceSiteUrl ?? undefined,
    },
    alsoReported: entry.also.map((other) => ({
      id: itemTagId(other.sourceUrl, other.uid),
      title: other.title,
      url: entryLink(other),
      source: other.sourceTitle,
      feedUrl: other.sourceUrl,
    })),
  };
}
