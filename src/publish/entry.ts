import { resolveUrl } from '../lib/url.ts';
import type { ItemStore, ItemWithSource } from '../store/types.ts';
import { escapeHtml, safeDate, stripIllegalChars } from './text.ts';

/** One published item: the story's representative and the other sources that reported the same story. */
export interface PublishedEntry {
  item: ItemWithSource;
  also: ItemWithSource[];
}

/** When an entry was last updated: the source's own update date, or when rundschau saw its content change. */
export function entryUpdatedMs(item: ItemWithSource): number {
  const changedLater = item.changedAt > item.firstSeenAt ? item.changedAt : 0;
  return Math.max(item.publishedAt, item.updatedAt ?? 0, changedLater);
}

/** The newest entry date of a page, which is both the feed's `updated` and the HTTP Last-Modified. */
export function newestEntryMs(entries: PublishedEntry[], fallbackMs: number): number {
  let newest = 0;
  for (const e of entries) newest = Math.max(newest, safeDate(entryUpdatedMs(e.item)).getTime());
  return entries.length ? newest : safeDate(fallbackMs).getTime();
}

/**
 * The item's own link when it is a usable http(s) URL. An item without one gets no link: the source's site or the
 * reader's page would send subscribers somewhere that is not the story.
 */
export function entryLink(item: ItemWithSource): string | undefined {
  return resolveUrl(item.link);
}

export function authorName(item: ItemWithSource): string {
  return stripIllegalChars(item.author).trim() || stripIllegalChars(item.sourceTitle).trim() || 'unknown';
}

/** Content HTML with the "also reported by" list appended; never empty, so every format has a body. */
export function entryContentHtml(entry: PublishedEntry): string {
  const { item } = entry;
  const summary = stripIllegalChars(item.summary);
  let html = stripIllegalChars(item.contentHtml);
  if (!html.trim()) html = `<p>${escapeHtml(summary || stripIllegalChars(item.title))}</p>`;
  if (entry.also.length) {
    const links = entry.also
      .map((other) => {
        const href = entryLink(other);
        const source = escapeHtml(stripIllegalChars(other.sourceTitle));
        const title = escapeHtml(stripIllegalChars(other.title));
        return href ? `<li><a href="${escapeHtml(href)}">${source}: ${title}</a></li>` : `<li>${source}: ${title}</li>`;
      })
      .join('');
    html += `<div class="also-reported"><p>Also reported by:</p><ul>${links}</ul></div>`;
  }
  return html;
}

/** Entries whose item has an extracted article publish it in place of the feed's teaser (one query per page). */
export async function withArticles(
  entries: PublishedEntry[],
  store: Pick<ItemStore, 'fullTextsOf'>,
): Promise<PublishedEntry[]> {
  if (entries.length === 0) return entries;
  const articles = await store.fullTextsOf(entries.map((e) => e.item.id));
  if (articles.size === 0) return entries;
  return entries.map((e) => {
    const article = articles.get(e.item.id);
    return article ? { ...e, item: { ...e.item, contentHtml: article } } : e;
  });
}
