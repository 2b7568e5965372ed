import { escapeUTF8 } from 'entities';
import { Parser } from 'htmlparser2';
import { resolveUrl } from '../lib/url.ts';
import { removeXmlIllegalChars } from '../lib/xml-chars.ts';

export interface OpmlEntry {
  url: string;
  title?: string;
  category?: string;
  siteUrl?: string;
}

export interface OpmlSource {
  url: string;
  title: string;
  category: string;
  siteUrl?: string;
}

export interface OpmlMeta {
  title: string;
  dateModified?: Date | string;
  ownerName?: string;
}

interface OutlineFrame {
  /** Title of a folder outline; undefined for feed outlines, which do not name a category. */
  folder?: string;
}

/**
 * Feeds listed in an OPML subscription list (1.0 or 2.0, as written by real readers: attribute case varies,
 * folders nest, junk around the XML is tolerated). A feed's category is the title of the folder it sits in.
 */
export function parseOpml(text: string): OpmlEntry[] {
  const entries: OpmlEntry[] = [];
  const stack: OutlineFrame[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name !== 'outline') return;
        const feedUrl = feedUrlOf(attributes);
        const label = clean(attributes.title) || clean(attributes.text);
        if (!feedUrl) {
          stack.push({ folder: label });
          return;
        }
        stack.push({});
        const entry: OpmlEntry = { url: feedUrl };
        if (label && label !== feedUrl) entry.title = label;
        const category = folderPath(stack) ?? categoryAttribute(attributes.category);
        if (category) entry.category = category;
        const siteUrl = resolveUrl(attributes.htmlurl);
        if (siteUrl) entry.siteUrl = siteUrl;
        entries.push(entry);
      },
      onclosetag(name) {
        if (name === 'outline') stack.pop();
      },
    },
    { xmlMode: true, lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  );
  parser.end(text);
  return entries;
}

/** OPML 2.0 of the given sources, one folder outline per category, in the order categories first appear. */
export function renderOpml(sources: readonly OpmlSource[], meta: OpmlMeta): string {
  const groups = new Map<string, OpmlSource[]>();
  for (const source of sources) {
    const category = source.category?.trim() ?? '';
    const group = groups.get(category) ?? [];
    group.push(source);
    groups.set(category, group);
  }

  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">', '  <head>'];
  lines.push(`    <title>${xml(meta.title)}</title>`);
  if (meta.dateModified !== undefined) {
    const date = new Date(meta.dateModified);
    if (!Number.isNaN(date.getTime())) lines.push(`    <dateModified>${date.toUTCString()}</dateModified>`);
  }
  if (meta.ownerName) lines.push(`    <ownerName>${xml(meta.ownerName)}</ownerName>`);
  lines.push('  </head>', '  <body>');
  for (const [category, members] of groups) {
    const indent = category ? '      ' : '    ';
    if (category) lines.push(`    <outline text="${xml(category)}" title="${xml(category)}">`);
    for (const source of members) lines.push(indent + feedOutline(source));
    if (category) lines.push('    </outline>');
  }
  lines.push('  </body>', '</opml>', '');
  return lines.join('\n');
}

function feedOutline(source: OpmlSource): string {
  const title = source.title?.trim() || source.url;
  const attributes = [`type="rss"`, `text="${xml(title)}"`, `title="${xml(title)}"`, `xmlUrl="${xml(source.url)}"`];
  if (source.siteUrl) attributes.push(`htmlUrl="${xml(source.siteUrl)}"`);
  return `<outline ${attributes.join(' ')}/>`;
}

/** Escapes markup characters and drops characters XML 1.0 does not allow at all. */
function xml(text: string): string {
  return escapeUTF8(removeXmlIllegalChars(text));
}

function feedUrlOf(attributes: Record<string, string>): string | undefined {
  const raw = attributes.xmlurl ?? (/^(rss|atom|feed)$/i.test(attributes.type ?? '') ? attributes.url : undefined);
  if (!raw) return undefined;
  // Some readers export the `feed:` pseudo-scheme (feed://host/path or feed:https://host/path).
  const unwrapped = raw
    .trim()
    .replace(/^feed:(?=https?:)/i, '')
    .replace(/^feed:\/\//i, 'http://');
  return resolveUrl(unwrapped);
}

/** The folders a feed sits in, outermost first: nested folders become one category "Parent / Child". */
function folderPath(stack: readonly OutlineFrame[]): string | undefined {
  const folders = stack
    .slice(0, -1)
    .map((frame) => frame.folder)
    .filter((f): f is string => Boolean(f));
  return folders.length > 0 ? folders.join(' / ') : undefined;
}

/** OPML 2.0 `category` is a comma-separated list of slash paths: use the last segment of the first one. */
function categoryAttribute(value: string | undefined): string | undefined {
  const first = value?.split(',')[0]?.trim();
  const segments = first?.split('/').filter((s) => s.trim() !== '');
  return segments?.length ? segments.at(-1)!.trim() : undefined;
}

function clean(value: string | undefined): string {
  return (value ?? '').replace(/\s+/g, ' ').trim();
}
