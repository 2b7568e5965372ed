/**
 * What kind of feed a document is, by its content alone: the one definition fetch/ (is this response a feed?) and
 * parse/ (which reader, or which error) share, so discovery never offers a document the parser refuses as no feed.
 */

export type FeedKind = 'rss' | 'atom' | 'rdf' | 'json';

/** Name of the document's root element, skipping text, the prolog, comments, PIs and the doctype. */
export function rootElementName(text: string): string | undefined {
  const re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE(?:[^[>]|\[[\s\S]*?\])*>|<([A-Za-z_][\w:.-]*)/gi;
  for (let match = re.exec(text); match; match = re.exec(text)) {
    if (match[1]) return match[1];
    if (re.lastIndex > 65536) return undefined;
  }
  return undefined;
}

/** The feed kind a root element stands for: `rss`, `feed` (Atom 0.3/1.0) or RDF under any prefix (RSS 1.0). */
export function xmlFeedKind(root: string | undefined): Exclude<FeedKind, 'json'> | undefined {
  if (root === 'rss') return 'rss';
  if (root === 'feed') return 'atom';
  if (root !== undefined && /^([\w.-]+:)?RDF$/.test(root)) return 'rdf';
  return undefined;
}

export function looksLikeHtml(text: string): boolean {
  const root = rootElementName(text)?.toLowerCase();
  if (root === 'html' || root === 'head' || root === 'body') return true;
  return /^\s*<!doctype\s+html/i.test(text.slice(0, 2048));
}

/** JSON Feed 1.0 and 1.1 announce themselves with a version URL; detection goes by content, not file name. */
export function isJsonFeed(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const version = (value as { version?: unknown }).version;
  return typeof version === 'string' && /^https?:\/\/jsonfeed\.org\/version\/1/.test(version);
}
