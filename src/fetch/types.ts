import type { Dispatcher } from 'undici';

/** Why a fetch failed; stable strings shown in the UI and stored as a source's `errorReason`. */
export type FetchErrorReason =
  | 'gone' // 410
  | 'not_found' // 404
  | 'blocked' // 401, 403
  | 'rate_limited' // 429
  | 'server_error' // 5xx
  | 'timeout'
  | 'dns'
  | 'tls'
  | 'connection' // refused, reset
  | 'too_large'
  | 'http_error' // other 4xx / unexpected status / undecodable body
  | 'bad_redirect'; // loop, too many hops, missing or non-http Location

export const FETCH_ERROR_REASONS: readonly FetchErrorReason[] = [
  'gone',
  'not_found',
  'blocked',
  'rate_limited',
  'server_error',
  'timeout',
  'dns',
  'tls',
  'connection',
  'too_large',
  'http_error',
  'bad_redirect',
];

export interface RedirectHop {
  /** 301, 302, 303, 307 or 308. */
  status: number;
  /** The URL that answered with the redirect. */
  url: string;
  /** Where it pointed (resolved). */
  location: string;
}

interface FetchMeta {
  /** The URL that produced the final answer (the request URL when there were no redirects). */
  finalUrl: string;
  redirects: RedirectHop[];
  /** Set when there was at least one redirect and every hop was permanent (301/308): the new address. */
  permanentRedirectUrl?: string;
  durationMs: number;
}

/** Freshness hints of the response: the earliest sensible time to ask again. */
export interface CacheHints {
  /** Cache-Control max-age, seconds (absent with no-cache/no-store). */
  cacheControlMaxAge?: number;
  /** Expires, epoch milliseconds (corrected for the server's clock via the Date header). */
  expires?: number;
}

export interface FetchOk extends FetchMeta, CacheHints {
  kind: 'ok';
  status: number;
  /** Decompressed body. Wrong Content-Types and HTML pages still land here: the parse stage classifies them. */
  body: Buffer;
  contentType?: string;
  etag?: string;
  lastModified?: string;
  /** Decompressed size. */
  bytes: number;
  /** Bytes received on the wire (compressed). */
  wireBytes: number;
}

export interface FetchNotModified extends FetchMeta, CacheHints {
  kind: 'not_modified';
  status: 304;
  etag?: string;
  lastModified?: string;
}

export interface FetchError extends FetchMeta {
  kind: 'error';
  reason: FetchErrorReason;
  message: string;
  status?: number;
  /** From Retry-After on 429/503, milliseconds from now. */
  retryAfterMs?: number;
}

export type FetchResult = FetchOk | FetchNotModified | FetchError;

export interface FetchRequest {
  url: string;
  etag?: string | null;
  lastModified?: string | null;
}

export interface FetchOptions {
  /** Total time for the whole fetch incl. redirects and body, ms. Default 30 000. */
  timeoutMs?: number;
  /** TCP/TLS connect timeout, ms; only used when no `dispatcher` is given. Default 10 000. */
  connectTimeoutMs?: number;
  /** Connections per origin of the shared agent; only used when no `dispatcher` is given. Default 2. */
  connectionsPerOrigin?: number;
  /** Cap on the body, compressed and decompressed, bytes. Default 10 MiB. */
  maxBodyBytes?: number;
  maxRedirects?: number;
  userAgent?: string;
  accept?: string;
  /** Caller's cancellation (shutdown). An abort ends the fetch with reason 'timeout'. */
  signal?: AbortSignal;
  /**
   * Reach public addresses only (the media proxy, whose URLs come from feeds): private and loopback hosts are refused
   * on the first request and on every redirect, names resolving to them at connect. Ignored with a `dispatcher`.
   */
  publicOnly?: boolean;
  /**
   * With `publicOnly`: this one host is reached as a feed is, private or not (an article on its feed's own host: the
   * operator chose that host). Every other hop stays public-only.
   */
  trustedHost?: string;
  /**
   * When the URL asked for is on a public address, its redirects may reach public addresses only (default true).
   * With a `dispatcher`, only the redirect targets' hosts are checked, not what names resolve to.
   */
  redirectsStayPublic?: boolean;
  /** Whether a URL is on a public address (default: its host and DNS, see resolvesToPublicAddress); for tests. */
  isPublicUrl?: (url: string) => Promise<boolean>;
  /** undici dispatcher; default: a shared keep-alive Agent (see createFetchAgent). */
  dispatcher?: Dispatcher;
  /**
   * Awaited after a 2xx answer's headers, before its body is read (the time counts against `timeoutMs`): lets the
   * caller bound how many bodies are in memory at once; the unread rest waits in the socket.
   */
  beforeBody?: () => Promise<void>;
  /** Extra request headers. */
  headers?: Record<string, string>;
}
