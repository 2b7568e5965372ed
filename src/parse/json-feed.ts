import { escapeHtml } from '../lib/html-escape.ts';
import { resolveUrl } from '../lib/url.ts';
import { FeedParseError } from './errors.ts';
import type { FeedDocument, ParsedEnclosure, ParsedEntry } from './types.ts';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value.trim() : typeof value === 'number' ? String(value) : undefined;

function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

/** 1.1 has `authors` (array), 1.0 a single `author`. */
function authorNames(source: Json): string | undefined {
  const list = Array.isArray(source.authors) ? source.authors : isObject(source.author) ? [source.author] : [];
  const names = list
    .filter(isObject)
    .map((a) => str(a.name))
    .filter(Boolean);
  return names.length ? names.join(', ') : undefined;
}

function entryOf(
  item: Json,
  base: string,
  feedAuthor: string | undefined,
  feedLanguage: string | undefined,
): ParsedEntry {
  const enclosures: ParsedEnclosure[] = [];
  for (const attachment of Array.isArray(item.attachments) ? item.attachments : []) {
    if (!isObject(attachment)) continue;
    const url = resolveUrl(str(attachment.url), base);
    if (!url) continue;
    const size = Number(attachment.size_in_bytes);
    enclosures.push({
      url,
      type: str(attachment.mime_type),
      length: Number.isFinite(size) && size > 0 ? size : undefined,
    });
  }
  const contentText = str(item.content_text);
  const entry: ParsedEntry = {
    guid: str(item.id),
    link: resolveUrl(str(item.url) ?? str(item.external_url), base),
    title: str(item.title),
    author: authorNames(item) ?? feedAuthor,
    published: str(item.date_published),
    updated: str(item.date_modified),
    contentHtml: str(item.content_html) ?? (contentText ? textToHtml(contentText) : undefined),
    summaryHtml: str(item.summary),
    categories: (Array.isArray(item.tags) ? item.tags : []).map(str).filter((t): t is string => Boolean(t)),
    enclosures,
    baseUrl: base,
    language: str(item.language) ?? feedLanguage,
    imageUrl: resolveUrl(str(item.image) ?? str(item.banner_image), base),
    titleType: 'text',
  };
  for (const key of Object.keys(entry) as (keyof ParsedEntry)[]) if (entry[key] === undefined) delete entry[key];
  return entry;
}

export function jsonFeedToDocument(feed: Json, documentUrl: string): FeedDocument {
  if (!Array.isArray(feed.items)) throw new FeedParseError('not_a_feed', 'JSON Feed without an "items" array');
  const siteUrl = resolveUrl(str(feed.home_page_url), documentUrl);
  const base = siteUrl ?? documentUrl;
  const language = str(feed.language);
  const hub = (Array.isArray(feed.hubs) ? feed.hubs : []).find(isObject);
  const document: FeedDocument = {
    format: 'json',
    title: str(feed.title),
    siteUrl,
    description: str(feed.description),
    language,
    selfUrl: resolveUrl(str(feed.feed_url), documentUrl),
    hubUrl: hub ? resolveUrl(str(hub.url), documentUrl) : undefined,
    entries: feed.items.filter(isObject).map((item) => entryOf(item, base, authorNames(feed), language)),
    warnings: [],
  };
  for (const key of Object.keys(document) as (keyof FeedDocument)[])
    if (document[key] === undefined) delete document[key];
  return document;
}
