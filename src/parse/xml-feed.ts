import { xmlFeedKind } from '../lib/feed-sniff.ts';
import { escapeHtml } from '../lib/html-escape.ts';
import { resolveUrl } from '../lib/url.ts';
import { type RawRecord, RENAMED_DATE_PREFIX, raw } from './rss-parser-adapter.ts';
import type { FeedDocument, ParsedEnclosure, ParsedEntry } from './types.ts';
import { allTexts, asArray, attrsOf, childOf, firstText, textOf, type XmlNode } from './xml-nodes.ts';

interface LinkInfo {
  href: string;
  rel: string;
  type?: string;
  length?: number;
  title?: string;
}

function linksOf(value: unknown): LinkInfo[] {
  const out: LinkInfo[] = [];
  for (const node of asArray(value)) {
    const attrs = attrsOf(node);
    const href = attrs.href ?? textOf(node);
    if (!href?.trim()) continue;
    out.push({
      href: href.trim(),
      rel: (attrs.rel ?? 'alternate').toLowerCase(),
      type: attrs.type,
      length: toLength(attrs.length),
    });
  }
  return out;
}

function toLength(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** The entry's web page: an alternate link of an HTML type, else any alternate, else the first link. */
function pickAlternate(links: LinkInfo[]): string | undefined {
  const alternates = links.filter((l) => l.rel === 'alternate');
  const html = alternates.find((l) => !l.type || /html/i.test(l.type));
  return (html ?? alternates[0] ?? links.find((l) => l.rel !== 'self' && l.rel !== 'enclosure'))?.href;
}

function resolveIn(href: string | undefined, base: string | undefined): string | undefined {
  return resolveUrl(href, base);
}

/** Atom text constructs: html as is, text escaped so it stays literal, src-only content dropped. */
function atomConstructHtml(value: unknown, fallback: unknown): string | undefined {
  const node = asArray(value)[0];
  if (node === undefined) return undefined;
  const attrs = attrsOf(node);
  if (attrs.src) return undefined;
  let text = textOf(node);
  if (text === undefined) text = typeof fallback === 'string' ? fallback : undefined;
  if (text === undefined || !text.trim()) return undefined;
  const type = (attrs.type ?? 'text').toLowerCase();
  return type === 'text' || type === 'text/plain' ? escapeHtml(text) : text;
}

function mediaEnclosures(item: RawRecord, base: string | undefined): { enclosures: ParsedEnclosure[]; image?: string } {
  const enclosures: ParsedEnclosure[] = [];
  let image: string | undefined;
  const contents = [
    ...asArray(raw(item, 'media:content')),
    ...asArray(raw(item, 'media:group')).flatMap((g) => asArray(childOf(g, 'media:content'))),
  ];
  for (const node of contents) {
    const attrs = attrsOf(node);
    const url = resolveIn(attrs.url, base);
    if (!url) continue;
    const isImage = attrs.medium === 'image' || /^image\//i.test(attrs.type ?? '');
    if (isImage) image ??= url;
    else enclosures.push({ url, type: attrs.type, length: toLength(attrs.fileSize) });
  }
  const thumbnails = [
    ...asArray(raw(item, 'media:thumbnail')),
    ...asArray(raw(item, 'media:group')).flatMap((g) => asArray(childOf(g, 'media:thumbnail'))),
  ];
  for (const node of thumbnails) image ??= resolveIn(attrsOf(node).url, base);
  for (const node of asArray(raw(item, 'itunes:image'))) image ??= resolveIn(attrsOf(node).href, base);
  return { enclosures, image };
}

function dedupeEnclosures(list: ParsedEnclosure[]): ParsedEnclosure[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    if (seen.has(e.url)) return false;
    seen.add(e.url);
    return true;
  });
}

function stripUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

function atomEntry(item: RawRecord, feedBase: string, feedAuthor: string | undefined): ParsedEntry {
  const attrs = attrsOf({ $: asArray(raw(item, '$'))[0] });
  const base = resolveIn(attrs['xml:base'], feedBase) ?? feedBase;
  const links = linksOf(raw(item, 'link'));
  const titleNode = asArray(raw(item, 'title'))[0];
  const titleType = (attrsOf(titleNode).type ?? 'text').toLowerCase();
  const authors = asArray(raw(item, 'author'))
    .map((a) => firstText(childOf(a, 'name')))
    .filter(Boolean);
  const media = mediaEnclosures(item, base);
  const linkEnclosures: ParsedEnclosure[] = links
    .filter((l) => l.rel === 'enclosure')
    .flatMap((l) => {
      const url = resolveIn(l.href, base);
      return url ? [{ url, type: l.type, length: l.length }] : [];
    });
  return stripUndefined({
    guid: firstText(raw(item, 'id')),
    link: resolveIn(pickAlternate(links), base),
    title: textOf(titleNode)?.trim() || (typeof item.title === 'string' ? item.title.trim() : undefined),
    titleType: titleType === 'html' || titleType === 'xhtml' ? 'html' : 'text',
    author: authors.length ? authors.join(', ') : feedAuthor,
    published:
      firstText(raw(item, 'published')) ??
      firstText(raw(item, `${RENAMED_DATE_PREFIX}published`)) ??
      firstText(raw(item, 'issued')) ??
      firstText(raw(item, 'created')),
    updated:
      firstText(raw(item, 'updated')) ??
      firstText(raw(item, `${RENAMED_DATE_PREFIX}updated`)) ??
      firstText(raw(item, 'modified')),
    contentHtml: atomConstructHtml(raw(item, 'content'), item.content),
    summaryHtml: atomConstructHtml(raw(item, 'summary'), item.summary),
    categories: asArray(raw(item, 'category'))
      .map((c) => (attrsOf(c).label ?? attrsOf(c).term ?? textOf(c) ?? '').trim())
      .filter(Boolean),
    enclosures: dedupeEnclosures([...linkEnclosures, ...media.enclosures]),
    baseUrl: base,
    language: attrs['xml:lang'],
    imageUrl: media.image,
  } satisfies ParsedEntry);
}

function rssEntry(item: RawRecord, feedBase: string): ParsedEntry {
  const attrs = attrsOf({ $: asArray(raw(item, '$'))[0] });
  const base = resolveIn(attrs['xml:base'], feedBase) ?? feedBase;
  const guidNode = asArray(raw(item, 'guid'))[0];
  const guid = textOf(guidNode)?.trim() || undefined;
  const permaAttr = attrsOf(guidNode).isPermaLink?.trim().toLowerCase();
  const guidIsPermaLink = permaAttr === undefined ? undefined : permaAttr !== 'false';
  let link = firstText(raw(item, 'link'));
  // A guid is the item's link when <link> is missing and it is a permalink: declared so (a root-relative path
  // is then resolved like a link) or by the RSS default, when it is an absolute URL. "12345" is no link.
  const permalinkShape = guidIsPermaLink === true ? /^(https?:\/\/|\/[^/])/i : /^https?:\/\//i;
  if (!link && guid && guidIsPermaLink !== false && permalinkShape.test(guid)) link = guid;
  const media = mediaEnclosures(item, base);
  const enclosures: ParsedEnclosure[] = [];
  for (const node of asArray(raw(item, 'enclosure'))) {
    const a = attrsOf(node);
    const url = resolveIn(a.url, base);
    if (url) enclosures.push({ url, type: a.type, length: toLength(a.length) });
  }
  const imageEnclosure = enclosures.find((e) => /^image\//i.test(e.type ?? ''));
  const authors = allTexts(raw(item, 'dc:creator'));
  return stripUndefined({
    guid,
    guidIsPermaLink,
    link: resolveIn(link, base),
    title: firstText(raw(item, 'title')) ?? (typeof item.title === 'string' ? item.title.trim() : undefined),
    author: authors.length
      ? authors.join(', ')
      : (firstText(raw(item, 'author')) ?? firstText(raw(item, 'itunes:author'))),
    published: firstText(raw(item, 'pubDate')) ?? firstText(raw(item, 'dc:date')),
    updated: firstText(raw(item, 'dcterms:modified')),
    contentHtml: firstText(raw(item, 'content:encoded')),
    summaryHtml: firstText(raw(item, 'description')) ?? (typeof item.content === 'string' ? item.content : undefined),
    categories: [...allTexts(raw(item, 'category')), ...allTexts(raw(item, 'dc:subject'))],
    enclosures: dedupeEnclosures([...enclosures, ...media.enclosures]),
    baseUrl: base,
    language: firstText(raw(item, 'dc:language')),
    imageUrl: media.image ?? imageEnclosure?.url,
  } satisfies ParsedEntry);
}

/** Maps rss-parser output (plus the raw custom fields) into the neutral FeedDocument. */
export function toFeedDocument(
  feed: RawRecord,
  documentUrl: string,
  rootName: string,
  warnings: string[],
): FeedDocument {
  const format: FeedDocument['format'] = xmlFeedKind(rootName) ?? 'rss';
  const isAtom = format === 'atom';
  const feedAttrs = attrsOf({ $: asArray(raw(feed, '$'))[0] });
  const xmlBase = resolveIn(feedAttrs['xml:base'], documentUrl);
  const links = linksOf(raw(feed, 'link'));
  const atomLinks = [...links, ...linksOf(raw(feed, 'atom:link')), ...linksOf(raw(feed, 'atom10:link'))];
  const siteUrl = resolveIn(
    pickAlternate(links) ?? (typeof feed.link === 'string' ? feed.link : undefined),
    xmlBase ?? documentUrl,
  );
  // Relative item URLs: xml:base first, then the site link, then the document's own URL.
  const feedBase = xmlBase ?? siteUrl ?? documentUrl;
  const ttl = Number.parseInt(firstText(raw(feed, 'ttl')) ?? '', 10);
  const feedAuthor = isAtom
    ? asArray(raw(feed, 'author'))
        .map((a) => firstText(childOf(a, 'name')))
        .filter(Boolean)
        .join(', ') || undefined
    : undefined;
  const items = feed.items ?? [];
  return stripUndefined({
    format,
    title: typeof feed.title === 'string' ? feed.title.trim() || undefined : undefined,
    siteUrl,
    description: isAtom
      ? (firstText(raw(feed, 'subtitle')) ?? firstText(raw(feed, 'tagline')))
      : typeof feed.description === 'string'
        ? feed.description.trim() || undefined
        : undefined,
    language:
      (typeof feed.language === 'string' && feed.language.trim()) ||
      firstText(raw(feed, 'dc:language')) ||
      feedAttrs['xml:lang'],
    ttlMinutes: Number.isFinite(ttl) && ttl > 0 ? ttl : undefined,
    selfUrl: resolveIn(atomLinks.find((l) => l.rel === 'self')?.href, documentUrl),
    hubUrl: resolveIn(atomLinks.find((l) => l.rel === 'hub')?.href, documentUrl),
    entries: items.map((item) => (isAtom ? atomEntry(item, feedBase, feedAuthor) : rssEntry(item, feedBase))),
    warnings,
  } satisfies FeedDocument);
}

export type { XmlNode };
