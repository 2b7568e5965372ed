import { decodeXML } from 'entities';
import { type FeedKind, isJsonFeed, rootElementName, xmlFeedKind } from '../lib/feed-sniff.ts';

export type { FeedKind } from '../lib/feed-sniff.ts';

export const FEED_MIME: Record<FeedKind, string> = {
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  rdf: 'application/rdf+xml',
  json: 'application/feed+json',
};

/** Enough of the document to see its root element past prolog, comments and doctype. */
const HEAD_BYTES = 8192;

function headText(body: Buffer): string {
  if (body[0] === 0xff && body[1] === 0xfe) return body.subarray(2, HEAD_BYTES).toString('utf16le');
  if (body[0] === 0xfe && body[1] === 0xff) {
    const swapped = Buffer.from(body.subarray(2, HEAD_BYTES));
    return swapped.swap16().toString('utf16le');
  }
  // latin1 keeps every byte one character: markup is ASCII whatever the real charset is.
  return body
    .subarray(0, HEAD_BYTES)
    .toString('latin1')
    .replace(/^\xef\xbb\xbf/, '');
}

/**
 * What kind of feed a body is by its content alone (root element rss / feed / RDF, or JSON with a jsonfeed
 * version; lib/feed-sniff.ts, which parse/ uses too), or undefined. Tells real feeds from HTML error pages
 * served with status 200.
 */
export function sniffFeed(body: Buffer): FeedKind | undefined {
  const text = headText(body);
  if (text.trimStart().startsWith('{')) return isJsonFeed(parseJson(body)) ? 'json' : undefined;
  return xmlFeedKind(rootElementName(text));
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
}

/** The feed's own title, cheaply (no full parse): first <title> of the document or JSON `title`. */
export function sniffTitle(body: Buffer, kind: FeedKind): string | undefined {
  if (kind === 'json') {
    const title = (parseJson(body) as { title?: unknown } | undefined)?.title;
    return typeof title === 'string' && title.trim() ? title.trim() : undefined;
  }
  const text = body.subarray(0, 64 * 1024).toString('utf8');
  const m = /<(?:[\w.-]+:)?title\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?title>/.exec(text);
  if (!m?.[1]) return undefined;
  const cdata = /^\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*$/.exec(m[1]);
  const title = (cdata ? (cdata[1] ?? '') : decodeXML(m[1])).replace(/\s+/g, ' ').trim();
  return title || undefined;
}
