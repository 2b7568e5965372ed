import { Feed, type Item } from 'feed';
import type { ItemWithSource } from '../store/types.ts';
import {
  authorName,
  entryContentHtml,
  entryLink,
  entryUpdatedMs,
  newestEntryMs,
  type PublishedEntry,
} from './entry.ts';
import { itemTagId, sourceTagId } from './ids.ts';
import {
  cdataHtml,
  escapeHtml,
  escapeXml,
  resolveXmlPlaceholders,
  rssTitle,
  safeDate,
  stripIllegalChars,
  xmlValue,
} from './text.ts';

export type FeedFormat = 'rss' | 'atom' | 'json';

export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];

/** What a feed document says about itself; URLs are absolute. */
export interface FeedDescription {
  /** A tag: URI naming the feed (see ids.ts). */
  id: string;
  title: string;
  description: string;
  /** Language of the whole feed, when it has one. */
  language?: string;
  /** The reader's page for the same selection. */
  htmlUrl: string;
  /** This document's URL (with its query). */
  selfUrl: string;
  /** The first page of the feed in each format. */
  formatUrls: Record<FeedFormat, string>;
  /** RFC 5005: the newest page, and the next older one when there is one. */
  firstUrl: string;
  nextUrl?: string;
  hubUrl?: string;
  /** `updated` of a feed without entries (the newest entry's date otherwise). */
  emptyUpdatedMs: number;
}

const GENERATOR = 'rundschau';

/** Renders one page of entries in one format with the `feed` package, repairing what it cannot express. */
export function renderFeed(desc: FeedDescription, entries: PublishedEntry[], format: FeedFormat): string {
  const updated = new Date(newestEntryMs(entries, desc.emptyUpdatedMs));
  if (format === 'json') return renderJson(desc, entries, updated);
  return format === 'rss' ? renderRss(desc, entries, updated) : renderAtom(desc, entries, updated);
}

function renderRss(desc: FeedDescription, entries: PublishedEntry[], updated: Date): string {
  const feed = new Feed({
    id: desc.id,
    title: xmlValue(desc.title),
    description: xmlValue(desc.description || desc.title),
    link: desc.htmlUrl,
    language: desc.language,
    updated,
    generator: GENERATOR,
    feedLinks: { rss: desc.selfUrl },
    hub: desc.hubUrl,
  });
  for (const entry of entries) {
    const { item } = entry;
    // An item without a link gets none: the feed package leaves an undefined link out (its type says string).
    const link = entryLink(item) as string;
    const rssItem: Item = {
      title: rssTitle(item.title),
      link,
      guid: itemTagId(item.sourceUrl, item.uid),
      date: safeDate(entryUpdatedMs(item)),
      published: safeDate(item.publishedAt),
      description: cdataHtml(escapeHtml(stripIllegalChars(item.summary))),
      content: cdataHtml(entryContentHtml(entry)),
      category: item.categories.map((name) => ({ name: xmlValue(name) })),
      // RSS <author> must be an e-mail address; dc:creator takes a name.
      extensions: [
        { name: 'dc:creator', objects: { _text: xmlValue(authorName(item)) } },
        {
          name: 'source',
          objects: { _attributes: { url: xmlValue(item.sourceUrl) }, _text: xmlValue(item.sourceTitle) },
        },
      ],
    };
    const enclosure = item.enclosures.find((e) => isHttpUrl(e.url));
    if (enclosure)
      rssItem.enclosure = {
        url: enclosure.url,
        type: xmlValue(enclosure.type || 'application/octet-stream'),
        length: enclosure.length ?? 0,
      };
    feed.addItem(rssItem);
  }
  const pageLinks = pagingLinks(desc, 'atom:link');
  const xml = feed.rss2().replace('<channel>', `<channel>${pageLinks}`);
  return resolveXmlPlaceholders(xml);
}

function renderAtom(desc: FeedDescription, entries: PublishedEntry[], updated: Date): string {
  const feed = new Feed({
    id: desc.id,
    title: xmlValue(desc.title),
    description: desc.description ? xmlValue(desc.description) : undefined,
    link: desc.htmlUrl,
    updated,
    generator: GENERATOR,
    feedLinks: { atom: desc.selfUrl },
    hub: desc.hubUrl,
    author: { name: GENERATOR },
  });
  for (const entry of entries) {
    const { item } = entry;
    feed.addItem({
      // type="html": the title is HTML, so plain text gets escaped once.
      title: cdataHtml(escapeHtml(stripIllegalChars(item.title))),
      id: itemTagId(item.sourceUrl, item.uid),
      link: entryLink(item) as string, // undefined: written as <link/>, removed in rewriteEntries
      date: safeDate(entryUpdatedMs(item)),
      published: safeDate(item.publishedAt),
      description: item.summary ? cdataHtml(escapeHtml(stripIllegalChars(item.summary))) : undefined,
      content: cdataHtml(entryContentHtml(entry)),
      author: [{ name: xmlValue(authorName(item)) }],
      category: item.categories.map((name) => ({ term: xmlValue(name) })),
    });
  }
  let xml = feed.atom1();
  const root = '<feed xmlns="http://www.w3.org/2005/Atom">';
  const lang = desc.language ? ` xml:lang="${escapeXml(desc.language)}"` : '';
  xml = xml.replace(root, `<feed xmlns="http://www.w3.org/2005/Atom"${lang}>${pagingLinks(desc, 'link')}`);
  xml = rewriteEntries(xml, entries);
  return resolveXmlPlaceholders(xml);
}

/** RFC 5005 paging links, written as `atom:link` in RSS and `link` in Atom. */
function pagingLinks(desc: FeedDescription, element: string): string {
  let links = `<${element} rel="first" href="${escapeXml(desc.firstUrl)}"/>`;
  if (desc.nextUrl) links += `<${element} rel="next" href="${escapeXml(desc.nextUrl)}"/>`;
  return links;
}

/**
 * Adds to each Atom entry what the feed package cannot write: `xml:lang`, enclosures with their real type, and
 * `<source>` naming the original feed; drops the empty `<link/>` it writes for an entry without a link. Tags are
 * only rewritten outside CDATA sections, where the content lives.
 */
function rewriteEntries(xml: string, entries: PublishedEntry[]): string {
  let opened = 0;
  let closed = 0;
  return xml
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => {
      if (part.startsWith('<![CDATA[')) return part;
      return part.replace(/<entry>|<\/entry>|\s*<link\/>/g, (tag) => {
        if (tag.trim() === '<link/>') return '';
        if (tag === '<entry>') {
          const item = entries[opened++]?.item;
          return item?.language ? `<entry xml:lang="${escapeXml(item.language)}">` : tag;
        }
        const item = entries[closed++]?.item;
        return item ? `${atomEnclosures(item)}${atomSource(item)}</entry>` : tag;
      });
    })
    .join('');
}

function atomEnclosures(item: ItemWithSource): string {
  return item.enclosures
    .filter((e) => isHttpUrl(e.url))
    .map((e) => {
      const type = e.type ? ` type="${escapeXml(e.type)}"` : '';
      const length = e.length ? ` length="${Math.trunc(e.length)}"` : '';
      return `<link rel="enclosure" href="${escapeXml(e.url)}"${type}${length}/>`;
    })
    .join('');
}

function atomSource(item: ItemWithSource): string {
  const site = item.sourceSiteUrl && isHttpUrl(item.sourceSiteUrl) ? item.sourceSiteUrl : undefined;
  return (
    '<source>' +
    `<id>${escapeXml(sourceTagId(item.sourceUrl))}</id>` +
    `<title>${escapeXml(item.sourceTitle)}</title>` +
    (site ? `<link rel="alternate" href="${escapeXml(site)}"/>` : '') +
    `<link rel="self" href="${escapeXml(item.sourceUrl)}"/>` +
    '</source>'
  );
}

/** JSON Feed 1.1: the feed package writes 1.0, so the result is brought up to date field by field. */
function renderJson(desc: FeedDescription, entries: PublishedEntry[], updated: Date): string {
  const feed = new Feed({
    id: desc.id,
    title: stripIllegalChars(desc.title),
    description: stripIllegalChars(desc.description) || undefined,
    link: desc.htmlUrl,
    updated,
    generator: GENERATOR,
    feedLinks: { json: desc.selfUrl },
  });
  for (const entry of entries) {
    const { item } = entry;
    feed.addItem({
      title: stripIllegalChars(item.title),
      id: itemTagId(item.sourceUrl, item.uid),
      link: entryLink(item) as string, // undefined: no "url"
      date: safeDate(entryUpdatedMs(item)),
      published: safeDate(item.publishedAt),
      description: stripIllegalChars(item.summary) || undefined,
      content: entryContentHtml(entry),
      author: [{ name: authorName(item) }],
      category: item.categories.map((name) => ({ name: stripIllegalChars(name) })),
    });
  }
  const v10 = JSON.parse(feed.json1()) as Record<string, unknown> & { items: Record<string, unknown>[] };
  const { author: _feedAuthor, items: v10Items, ...top } = v10;
  const out: Record<string, unknown> = {
    ...top,
    version: 'https://jsonfeed.org/version/1.1',
    authors: [{ name: GENERATOR }],
  };
  if (desc.language) out.language = desc.language;
  if (desc.nextUrl) out.next_url = desc.nextUrl;
  if (desc.hubUrl) out.hubs = [{ type: 'WebSub', url: desc.hubUrl }];
  // JSON Feed has next_url but no first page: kept in an extension like the RFC 5005 links of the XML formats.
  out._paging = { first_url: desc.firstUrl };
  out.items = v10Items.map((v10Item, index) => {
    const item = entries[index]!.item;
    const { author, ...rest } = v10Item;
    const jsonItem: Record<string, unknown> = { ...rest, authors: author ? [author] : [] };
    if (item.language) jsonItem.language = item.language;
    const attachments = item.enclosures
      .filter((e) => isHttpUrl(e.url))
      .map((e) => ({
        url: e.url,
        mime_type: e.type || 'application/octet-stream',
        ...(e.length ? { size_in_bytes: e.length } : {}),
      }));
    if (attachments.length) jsonItem.attachments = attachments;
    if (item.imageUrl && isHttpUrl(item.imageUrl)) jsonItem.image = item.imageUrl;
    jsonItem._source = jsonSource(item, entries[index]!.also);
    return jsonItem;
  });
  return JSON.stringify(out);
}

function jsonSource(item: ItemWithSource, also: ItemWithSource[]) {
  return {
    title: stripIllegalChars(item.sourceTitle),
    feed_url: item.sourceUrl,
    ...(item.sourceSiteUrl ? { home_page_url: item.sourceSiteUrl } : {}),
    also: also.map((other) => ({
      id: itemTagId(other.sourceUrl, other.uid),
      title: stripIllegalChars(other.title),
      url: entryLink(other),
      source: stripIllegalChars(other.sourceTitle),
      feed_url: other.sourceUrl,
    })),
  };
}

function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url) && URL.canParse(url);
}
