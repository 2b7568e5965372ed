/**
 * The one place that talks to the `feed` package (6.0.0, which writes XML through xml-js). generate.ts decides
 * what a feed says; this module gets it written correctly. Each workaround names the bug it avoids;
 * tests/publish/feed-adapter.test.ts shows each bug on the raw package (so an upgrade that fixes one says so) and
 * that the output here is right, read back by python3-feedparser and the W3C validator.
 *
 * Workarounds:
 * 1. Text and attribute values go in as private-use placeholders (xmlValue), resolved to entities once the XML is
 *    finished (resolvePlaceholders): feed does not escape attribute values (`<category label="a<b">` is not XML)
 *    and un-escapes a literal `&amp;` in text once ("Fish &amp; Chips" reached subscribers as "Fish & Chips").
 * 2. Every `]]>` in a CDATA value splits the section (cdataSafe): xml-js splits only the first, so a second one
 *    ends the section early and the document is not well-formed.
 * 3. XML-illegal characters are removed from every value (clean): feed passes control characters through.
 * 4. Dates are clamped to printable ones (safeDate): an Invalid Date prints "Invalid Date" in RSS and throws in
 *    Atom/JSON.
 * 5. RSS items carry the author as `dc:creator`, never `<author>`: feed writes the name alone there, and RSS 2.0
 *    wants an e-mail address.
 * 6. Atom enclosures are written here (rewriteAtomEntries): feed derives their `type` from the file extension
 *    ("a.mp3" → "image/mp3"), not from the type given.
 * 7. An Atom entry without a link gets none: feed writes an empty `<link/>`, which is invalid Atom.
 * 8. What feed cannot express is added to the finished XML, outside CDATA: Atom `xml:lang` (feed and entry),
 *    Atom `<source>`, RFC 5005 paging links in both formats.
 * 9. JSON Feed 1.1 (writeJsonFeed): `json1()` writes 1.0 (singular `author`, no `language`, no attachments).
 * Ids must be URIs (callers use tag: ids, ids.ts): feed puts Atom ids through `new URL()` and throws for the whole
 * feed on one that is not.
 */
import { Feed, type Item } from 'feed';
import { CONTROL_CHARS } from '../lib/xml-chars.ts';
import { escapeHtml, safeDate } from './text.ts';

/** What a feed document says about itself; URLs are absolute. */
export interface FeedHead {
  id: string;
  title: string;
  description: string;
  language?: string;
  htmlUrl: string;
  selfUrl: string;
  firstUrl: string;
  nextUrl?: string;
  hubUrl?: string;
  updated: Date;
  generator: string;
}

export interface FeedEntryEnclosure {
  url: string;
  type?: string;
  length?: number;
}

/** One entry as plain values: text is text, HTML is HTML; this module does all escaping. */
export interface FeedEntry {
  id: string;
  title: string;
  link?: string;
  updated: Date;
  published: Date;
  /** Plain text. */
  summary: string;
  contentHtml: string;
  author: string;
  categories: string[];
  language?: string;
  enclosures: FeedEntryEnclosure[];
  imageUrl?: string;
  /** The feed the entry came from. */
  source: { id: string; title: string; feedUrl: string; siteUrl?: string };
  /** Other sources with the same story (JSON Feed `_source.also`). */
  alsoReported: { id: string; title: string; url?: string; source: string; feedUrl: string }[];
}

// Workaround 1: private-use placeholders survive feed and xml-js untouched (neither escapes nor un-escapes them).
const AMP = '\uE000';
const LT = '\uE001';
const GT = '\uE002';
const QUOT = '\uE003';
/** Ends the CDATA section and opens the next one; only ever placed inside CDATA values (workaround 2). */
const CDATA_SPLIT = '\uE004';
const PLACEHOLDERS = /[\uE000-\uE004]/g;
const PLACEHOLDER_ENTITY: Record<string, string> = {
  [AMP]: '&amp;',
  [LT]: '&lt;',
  [GT]: '&gt;',
  [QUOT]: '&quot;',
  [CDATA_SPLIT]: ']]><![CDATA[',
};

/** Workaround 3, and the placeholder range, so text that contains it cannot turn into markup. */
function clean(text: string | null | undefined): string {
  return (text ?? '').replace(CONTROL_CHARS, '').replace(PLACEHOLDERS, '');
}

/** A plain-text value for an XML text node or attribute the feed package writes (not CDATA). */
function xmlValue(text: string | null | undefined): string {
  return clean(text).replace(/&/g, AMP).replace(/</g, LT).replace(/>/g, GT).replace(/"/g, QUOT);
}

function resolvePlaceholders(xml: string): string {
  return xml.replace(PLACEHOLDERS, (ch) => PLACEHOLDER_ENTITY[ch] ?? '');
}

/** Escapes for attributes and text of XML written here. */
function escapeXml(text: string): string {
  return escapeHtml(clean(text));
}

/** Workaround 2: each `]]>` is split across two sections, which keeps the text exactly as written. */
function cdataSafe(text: string): string {
  return text.replace(/]]>/g, `]]${CDATA_SPLIT}>`);
}

function cdataHtml(html: string): string {
  return cdataSafe(clean(html));
}

/** A tag, comment, processing instruction or entity reference: what a reader rendering a title as HTML would act on. */
const MARKUP_LIKE = /<[A-Za-z/!?]|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);/;

/**
 * A plain-text RSS title for a CDATA section. RSS does not say whether a title is text or HTML, and readers do
 * both: text that looks like markup (`<img src=x onerror=…>`, `&amp;`) is HTML-escaped, so readers that render
 * titles as HTML show it as text; other text (`Fish & Chips <3`) goes as written, which every reader shows as is.
 */
function rssTitle(text: string): string {
  const plain = clean(text);
  return cdataSafe(MARKUP_LIKE.test(plain) ? escapeHtml(plain) : plain);
}

/** Workaround 4. */
const printable = (date: Date): Date => safeDate(date.getTime());

function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url) && URL.canParse(url);
}

/** RFC 5005 paging links, written as `atom:link` in RSS and `link` in Atom (workaround 8). */
function pagingLinks(head: FeedHead, element: string): string {
  let links = `<${element} rel="first" href="${escapeXml(head.firstUrl)}"/>`;
  if (head.nextUrl) links += `<${element} rel="next" href="${escapeXml(head.nextUrl)}"/>`;
  return links;
}

export function writeRss(head: FeedHead, entries: FeedEntry[]): string {
  const feed = new Feed({
    id: head.id,
    title: xmlValue(head.title),
    description: xmlValue(head.description || head.title),
    link: head.htmlUrl,
    language: head.language,
    updated: printable(head.updated),
    generator: head.generator,
    feedLinks: { rss: head.selfUrl },
    hub: head.hubUrl,
  });
  for (const entry of entries) {
    const rssItem: Item = {
      title: rssTitle(entry.title),
      // An item without a link gets none: feed leaves an undefined link out (its type says string).
      link: entry.link as string,
      guid: entry.id,
      date: printable(entry.updated),
      published: printable(entry.published),
      description: cdataHtml(escapeHtml(clean(entry.summary))),
      content: cdataHtml(entry.contentHtml),
      category: entry.categories.map((name) => ({ name: xmlValue(name) })),
      // Workaround 5: no `author`; dc:creator takes a name.
      extensions: [
        { name: 'dc:creator', objects: { _text: xmlValue(entry.author) } },
        {
          name: 'source',
          objects: { _attributes: { url: xmlValue(entry.source.feedUrl) }, _text: xmlValue(entry.source.title) },
        },
      ],
    };
    const enclosure = entry.enclosures.find((e) => isHttpUrl(e.url));
    if (enclosure)
      rssItem.enclosure = {
        url: enclosure.url,
        type: xmlValue(enclosure.type || 'application/octet-stream'),
        length: enclosure.length ?? 0,
      };
    feed.addItem(rssItem);
  }
  const xml = feed.rss2().replace('<channel>', `<channel>${pagingLinks(head, 'atom:link')}`);
  return resolvePlaceholders(xml);
}

export function writeAtom(head: FeedHead, entries: FeedEntry[]): string {
  const feed = new Feed({
    id: head.id,
    title: xmlValue(head.title),
    description: head.description ? xmlValue(head.description) : undefined,
    link: head.htmlUrl,
    updated: printable(head.updated),
    generator: head.generator,
    feedLinks: { atom: head.selfUrl },
    hub: head.hubUrl,
    author: { name: xmlValue(head.generator) },
  });
  for (const entry of entries) {
    feed.addItem({
      // type="html": the title is HTML, so plain text gets escaped once.
      title: cdataHtml(escapeHtml(clean(entry.title))),
      id: entry.id,
      link: entry.link as string, // undefined: written as <link/>, removed in rewriteAtomEntries (workaround 7)
      date: printable(entry.updated),
      published: printable(entry.published),
      description: clean(entry.summary) ? cdataHtml(escapeHtml(clean(entry.summary))) : undefined,
      content: cdataHtml(entry.contentHtml),
      author: [{ name: xmlValue(entry.author) }],
      category: entry.categories.map((name) => ({ term: xmlValue(name) })),
    });
  }
  let xml = feed.atom1();
  const root = '<feed xmlns="http://www.w3.org/2005/Atom">';
  const lang = head.language ? ` xml:lang="${escapeXml(head.language)}"` : '';
  xml = xml.replace(root, `<feed xmlns="http://www.w3.org/2005/Atom"${lang}>${pagingLinks(head, 'link')}`);
  xml = rewriteAtomEntries(xml, entries);
  return resolvePlaceholders(xml);
}

/**
 * Adds to each Atom entry what feed cannot write: `xml:lang`, enclosures with their real type, and `<source>`
 * naming the original feed; drops the empty `<link/>` it writes for an entry without a link (workarounds 6–8).
 * Tags are only rewritten outside CDATA sections, where the content lives.
 */
function rewriteAtomEntries(xml: string, entries: FeedEntry[]): string {
  let opened = 0;
  let closed = 0;
  return xml
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => {
      if (part.startsWith('<![CDATA[')) return part;
      return part.replace(/<entry>|<\/entry>|\s*<link\/>/g, (tag) => {
        if (tag.trim() === '<link/>') return '';
        if (tag === '<entry>') {
          const entry = entries[opened++];
          return entry?.language ? `<entry xml:lang="${escapeXml(entry.language)}">` : tag;
        }
        const entry = entries[closed++];
        return entry ? `${atomEnclosures(entry)}${atomSource(entry)}</entry>` : tag;
      });
    })
    .join('');
}

function atomEnclosures(entry: FeedEntry): string {
  return entry.enclosures
    .filter((e) => isHttpUrl(e.url))
    .map((e) => {
      const type = e.type ? ` type="${escapeXml(e.type)}"` : '';
      const length = e.length ? ` length="${Math.trunc(e.length)}"` : '';
      return `<link rel="enclosure" href="${escapeXml(e.url)}"${type}${length}/>`;
    })
    .join('');
}

function atomSource({ source }: FeedEntry): string {
  const site = source.siteUrl && isHttpUrl(source.siteUrl) ? source.siteUrl : undefined;
  return (
    '<source>' +
    `<id>${escapeXml(source.id)}</id>` +
    `<title>${escapeXml(source.title)}</title>` +
    (site ? `<link rel="alternate" href="${escapeXml(site)}"/>` : '') +
    `<link rel="self" href="${escapeXml(source.feedUrl)}"/>` +
    '</source>'
  );
}

/** Workaround 9: feed writes JSON Feed 1.0, brought up to 1.1 field by field. */
export function writeJsonFeed(head: FeedHead, entries: FeedEntry[]): string {
  const feed = new Feed({
    id: head.id,
    title: clean(head.title),
    description: clean(head.description) || undefined,
    link: head.htmlUrl,
    updated: printable(head.updated),
    generator: head.generator,
    feedLinks: { json: head.selfUrl },
  });
  for (const entry of entries) {
    feed.addItem({
      title: clean(entry.title),
      id: entry.id,
      link: entry.link as string, // undefined: no "url"
      date: printable(entry.updated),
      published: printable(entry.published),
      description: clean(entry.summary) || undefined,
      content: clean(entry.contentHtml),
      author: [{ name: clean(entry.author) }],
      category: entry.categories.map((name) => ({ name: clean(name) })),
    });
  }
  const v10 = JSON.parse(feed.json1()) as Record<string, unknown> & { items: Record<string, unknown>[] };
  const { author: _feedAuthor, items: v10Items, ...top } = v10;
  const out: Record<string, unknown> = {
    ...top,
    version: 'https://jsonfeed.org/version/1.1',
    authors: [{ name: head.generator }],
  };
  if (head.language) out.language = head.language;
  if (head.nextUrl) out.next_url = head.nextUrl;
  if (head.hubUrl) out.hubs = [{ type: 'WebSub', url: head.hubUrl }];
  // JSON Feed has next_url but no first page: kept in an extension like the RFC 5005 links of the XML formats.
  out._paging = { first_url: head.firstUrl };
  out.items = v10Items.map((v10Item, index) => {
    const entry = entries[index]!;
    const { author, ...rest } = v10Item;
    const jsonItem: Record<string, unknown> = { ...rest, authors: author ? [author] : [] };
    if (entry.language) jsonItem.language = entry.language;
    const attachments = entry.enclosures
      .filter((e) => isHttpUrl(e.url))
      .map((e) => ({
        url: e.url,
        mime_type: e.type || 'application/octet-stream',
        ...(e.length ? { size_in_bytes: e.length } : {}),
      }));
    if (attachments.length) jsonItem.attachments = attachments;
    if (entry.imageUrl && isHttpUrl(entry.imageUrl)) jsonItem.image = entry.imageUrl;
    jsonItem._source = {
      title: clean(entry.source.title),
      feed_url: entry.source.feedUrl,
      ...(entry.source.siteUrl ? { home_page_url: entry.source.siteUrl } : {}),
      also: entry.alsoReported.map((other) => ({
        id: other.id,
        title: clean(other.title),
        url: other.url,
        source: clean(other.source),
        feed_url: other.feedUrl,
      })),
    };
    return jsonItem;
  });
  return JSON.stringify(out);
}
