import { createHash } from 'node:crypto';
import { normalizeLink } from '../lib/url.ts';

export type IdentityMode = 'auto' | 'guid' | 'link';

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** The fields of an item a reader sees; the content hash is taken over exactly these. */
export interface HashedFields {
  title: string;
  link: string | null;
  summary: string;
  contentHtml: string;
  author: string | null;
  publishedAt: number;
  dateEstimated: boolean;
  updatedAt: number | null;
  categories: string[];
  enclosures: { url: string; type?: string; length?: number }[];
}

/** Hash over what a reader sees: an unchanged hash means nothing to write. */
export function contentHashOf(item: HashedFields): string {
  return sha1(
    JSON.stringify([
      item.title,
      item.link,
      item.summary,
      item.contentHtml,
      item.author,
      // An estimated date is "first seen now" and changes every run: it must not change the hash.
      item.dateEstimated ? null : item.publishedAt,
      item.updatedAt,
      item.categories,
      item.enclosures,
    ]),
  );
}

export interface IdentityInput {
  guid?: string;
  /** Link key from `linkKeysFor` (normalised, or raw when normalising made links collide); undefined: not unique. */
  linkKey?: string;
  link?: string;
  title: string;
  publishedRaw?: string;
  contentPrefix: string;
}

/**
 * Stable uid of an item within its source: `g:` + sha1(guid), `l:` + sha1(normalised link), or `h:` + sha1 of
 * title with date (or with the start of the content) when the entry has neither. `guid`/`link` modes prefer that
 * key but fall back along the same chain rather than drop an entry.
 */
export function computeUid(input: IdentityInput, mode: IdentityMode): string {
  const guid = input.guid?.trim();
  const linkKey = input.linkKey;
  if (mode === 'link' && linkKey) return `l:${sha1(linkKey)}`;
  if (guid && mode !== 'link') return `g:${sha1(guid)}`;
  if (linkKey) return `l:${sha1(linkKey)}`;
  if (guid) return `g:${sha1(guid)}`;
  const second = input.publishedRaw?.trim() || input.contentPrefix.slice(0, 200);
  return `h:${sha1(`${input.title}\n${second}\n${input.link?.trim() ?? ''}`)}`;
}

/**
 * Identity keys for the entries' links. A link only identifies an entry when no other entry of the document
 * shares it: news pages that list every item under one URL (or differ only in the #fragment) would otherwise
 * collapse into one item. Collisions after normalising fall back to the raw link, then to no key (hash).
 */
export function linkKeysFor(links: Array<string | undefined | null>): Array<string | undefined> {
  const normalized = links.map((l) => (l ? normalizeLink(l) : undefined));
  const counts = countOf(normalized);
  const raw = links.map((l, i) => (l && (counts.get(normalized[i]!) ?? 0) > 1 ? l.trim() : undefined));
  const rawCounts = countOf(raw);
  return normalized.map((key, i) => {
    if (!key) return undefined;
    if ((counts.get(key) ?? 0) === 1) return key;
    const rawKey = raw[i];
    return rawKey && rawCounts.get(rawKey) === 1 ? rawKey : undefined;
  });
}

function countOf(keys: Array<string | undefined>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/**
 * Some feeds give every entry the same guid (a channel URL, a constant): then the guid identifies nothing and
 * auto mode uses links instead for that document.
 */
export function guidsAreUseless(guids: Array<string | undefined>): boolean {
  const present = guids.filter((g): g is string => Boolean(g?.trim()));
  if (present.length < 2) return false;
  return new Set(present).size === 1;
}
