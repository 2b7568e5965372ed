import type { CacheHints } from './types.ts';

export type HeaderMap = Record<string, string | string[] | undefined>;

/** First value of a header (undici gives arrays for repeated headers). */
export function header(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed ? trimmed : undefined;
}

/** All values of a header joined the way a list header is written. */
function headerList(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Content-Encoding tokens in the order they were applied (decode in reverse). */
export function contentEncodings(headers: HeaderMap): string[] {
  const raw = headerList(headers, 'content-encoding') ?? '';
  return raw
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t && t !== 'identity');
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * Freshness from Cache-Control max-age and Expires. Expires is shifted by the difference between our clock and
 * the server's Date header, so a server with a wrong clock does not push the next fetch into the past or future.
 */
export function cacheHints(headers: HeaderMap, now: number): CacheHints {
  const hints: CacheHints = {};
  const cc = headerList(headers, 'cache-control')?.toLowerCase();
  const noCache = cc ? /(^|[\s,])(no-cache|no-store)\b/.test(cc) : false;
  const maxAge = cc ? /(?:^|[\s,])max-age\s*=\s*"?(\d+)/.exec(cc) : null;
  if (maxAge?.[1] && !noCache) hints.cacheControlMaxAge = Number(maxAge[1]);
  const expires = header(headers, 'expires');
  if (expires && !noCache) {
    const at = Date.parse(expires);
    if (!Number.isNaN(at)) {
      const serverDate = Date.parse(header(headers, 'date') ?? '');
      const skew = Number.isNaN(serverDate) ? 0 : now - serverDate;
      hints.expires = at + skew;
    }
  }
  return hints;
}
