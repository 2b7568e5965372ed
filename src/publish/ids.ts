import { createHash } from 'node:crypto';

/** Tag URIs (RFC 4151) are URLs to the feed package's `new URL()` and stay the same wherever the app is served. */
const TAG_PREFIX = 'tag:rundschau,2026:';

/**
 * The published id of an item: derived from its source's configured URL and its uid within that source, so it
 * never changes when the item's content changes or the database is rebuilt (internal row ids would).
 */
export function itemTagId(sourceUrl: string, uid: string): string {
  return TAG_PREFIX + createHash('sha1').update(sourceUrl).update(uid).digest('hex');
}

export function feedTagId(scope: string): string {
  return TAG_PREFIX + 'feed/' + encodeURIComponent(scope);
}

export function sourceTagId(sourceUrl: string): string {
  return TAG_PREFIX + 'source/' + createHash('sha1').update(sourceUrl).digest('hex');
}
