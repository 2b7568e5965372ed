import { Parser } from 'htmlparser2';
import { resolveUrl } from '../lib/url.ts';
import { fetchFeed } from './http.ts';
import { FEED_MIME, sniffFeed, sniffTitle } from './sniff.ts';
import type { FetchError, FetchOptions } from './types.ts';

export interface DiscoveredFeed {
  url: string;
  title?: string;
  type?: string;
}

export interface DiscoverOptions {
  fetch?: FetchOptions;
  /** Paths tried when a page names no feed; default WELL_KNOWN_FEED_PATHS. */
  wellKnownPaths?: readonly string[];
}

export const WELL_KNOWN_FEED_PATHS = [
  '/feed',
  '/rss',
  '/rss.xml',
  '/atom.xml',
  '/feed.xml',
  '/index.xml',
  '/feed.json',
] as const;

/** Feed MIME types a `<link rel="alternate">` may announce (plain application/json is a REST API, not a feed). */
const FEED_LINK_TYPES = new Set(['application/rss+xml', 'application/atom+xml', 'application/feed+json']);

/** The page given to discoverFeeds could not be fetched. */
export class DiscoveryError extends Error {
  constructor(readonly fetchError: FetchError) {
    super(`cannot fetch ${fetchError.finalUrl}: ${fetchError.message}`);
    this.name = 'DiscoveryError';
  }
}

/**
 * Feeds for a URL a user typed: the URL itself when it is a feed; else the page's `<link rel="alternate">` feeds;
 * else whichever well-known paths answer with a real feed (HTML "not found" pages answered with 200 do not count).
 * Throws DiscoveryError when the URL itself cannot be fetched.
 */
export async function discoverFeeds(url: string, opts: DiscoverOptions = {}): Promise<DiscoveredFeed[]> {
  const page = await fetchFeed({ url }, opts.fetch);
  if (page.kind === 'error') throw new DiscoveryError(page);
  if (page.kind !== 'ok') return [];

  const kind = sniffFeed(page.body);
  if (kind) return [withTitle({ url: page.finalUrl, type: FEED_MIME[kind] }, sniffTitle(page.body, kind))];

  const linked = feedLinksInHtml(page.body.toString('utf8'), page.finalUrl);
  if (linked.length > 0) return linked;

  return probeWellKnownPaths(page.finalUrl, opts);
}

/** `<link rel="alternate" type="…feed type…" href>` elements of an HTML page, hrefs resolved (honouring <base>). */
export function feedLinksInHtml(html: string, pageUrl: string): DiscoveredFeed[] {
  let base = pageUrl;
  const found: DiscoveredFeed[] = [];
  const seen = new Set<string>();
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'base' && attrs.href) {
          base = resolveUrl(attrs.href, pageUrl) ?? base;
          return;
        }
        if (name !== 'link') return;
        const rels = (attrs.rel ?? '').toLowerCase().split(/\s+/);
        const type = (attrs.type ?? '').toLowerCase().split(';')[0]?.trim() ?? '';
        if (!rels.includes('alternate') || !FEED_LINK_TYPES.has(type)) return;
        const href = resolveUrl(attrs.href, base);
        if (!href || seen.has(href)) return;
        seen.add(href);
        found.push(withTitle({ url: href, type }, attrs.title?.trim()));
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return found;
}

async function probeWellKnownPaths(pageUrl: string, opts: DiscoverOptions): Promise<DiscoveredFeed[]> {
  const candidates = candidateUrls(pageUrl, opts.wellKnownPaths ?? WELL_KNOWN_FEED_PATHS);
  const results = await Promise.all(
    candidates.map(async (candidate) => {
      const r = await fetchFeed({ url: candidate }, opts.fetch);
      if (r.kind !== 'ok') return undefined;
      const kind = sniffFeed(r.body);
      return kind ? withTitle({ url: r.finalUrl, type: FEED_MIME[kind] }, sniffTitle(r.body, kind)) : undefined;
    }),
  );
  // Several paths often redirect to the same feed: keep the first of each.
  const seen = new Set<string>();
  return results.filter((f): f is DiscoveredFeed => {
    if (!f || seen.has(f.url)) return false;
    seen.add(f.url);
    return true;
  });
}

/** Well-known paths under the page's directory (for blogs in a subfolder) and under the site root. */
function candidateUrls(pageUrl: string, paths: readonly string[]): string[] {
  const dir = new URL('.', pageUrl);
  const urls: string[] = [];
  for (const path of paths) {
    if (dir.pathname !== '/') urls.push(new URL(path.replace(/^\//, ''), dir).href);
    urls.push(new URL(path, pageUrl).href);
  }
  return [...new Set(urls)];
}

function withTitle(feed: DiscoveredFeed, title: string | undefined): DiscoveredFeed {
  return title ? { ...feed, title } : feed;
}
