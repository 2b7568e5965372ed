import { type DiscoveredFeed, discoverFeeds } from '../fetch/discover.ts';
import { fetchFeed } from '../fetch/http.ts';
import { resolvesToPublicAddress } from '../fetch/private-address.ts';
import { processFeed } from './process-feed.ts';

export interface ResolveFeedOptions {
  /** Whether the URL the user gave is on a public address (default: judged by its host and DNS). */
  isPublic?: (url: string) => Promise<boolean>;
}

export interface CheckedFeed {
  url: string;
  title?: string;
  items: number;
}

/**
 * The feeds behind a URL a user typed (the URL itself, the page's alternate links, well-known paths). A public page
 * must not steer us inward: when the URL given is public, its redirects and linked feeds may only reach public
 * addresses (a URL on the LAN may lead anywhere on the LAN, as the user chose it).
 */
export async function discoverCandidates(input: string, opts: ResolveFeedOptions = {}): Promise<DiscoveredFeed[]> {
  const publicOnly = await (opts.isPublic ?? resolvesToPublicAddress)(input);
  return discoverFeeds(input, { fetch: { publicOnly } });
}

/** Fetches a feed and checks it parses; throws with the reason when it does not. */
export async function checkFeed(url: string, opts: ResolveFeedOptions & { title?: string } = {}): Promise<CheckedFeed> {
  const publicOnly = await (opts.isPublic ?? resolvesToPublicAddress)(url);
  const fetched = await fetchFeed({ url }, { publicOnly });
  if (fetched.kind !== 'ok') throw new Error(`${url}: ${fetched.kind === 'error' ? fetched.message : 'no content'}`);
  const processed = await processFeed({
    body: fetched.body,
    contentType: fetched.contentType,
    url: fetched.finalUrl,
    identity: 'auto',
    now: Date.now(),
  });
  if (!processed.ok) throw new Error(`${url}: ${processed.reason}: ${processed.message}`);
  return { url, title: processed.meta.title ?? opts.title, items: processed.items.length };
}

/** Finds the feed behind a URL (feed or website) and checks that it parses: the first candidate that does. */
export async function resolveFeed(input: string, opts: ResolveFeedOptions = {}): Promise<CheckedFeed> {
  const publicOnly = await (opts.isPublic ?? resolvesToPublicAddress)(input);
  const candidates = await discoverCandidates(input, { isPublic: async () => publicOnly });
  if (candidates.length === 0)
    throw new Error('no feed found at this URL (no <link rel="alternate">, no well-known path)');
  const problems: string[] = [];
  for (const candidate of candidates) {
    try {
      return await checkFeed(candidate.url, { isPublic: async () => publicOnly, title: candidate.title });
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  throw new Error(problems.join('; '));
}
