import type { Dispatcher } from 'undici';
import type { Defaults } from '../config/schema.ts';
import { VERSION } from '../lib/version.ts';
import { BodyDecodeError, BodyTooLargeError, readCappedBody } from './body.ts';
import { cacheHints, contentEncodings, type HeaderMap, header, parseRetryAfter } from './headers.ts';
import {
  BLOCKED_ADDRESS,
  guardConnectedAddress,
  isPrivateHost,
  publicOnlyLookup,
  resolvesToPublicAddress,
} from './private-address.ts';
import type { FetchError, FetchErrorReason, FetchOptions, FetchRequest, FetchResult, RedirectHop } from './types.ts';
import { type Agent, undici } from './undici.ts';

export type * from './types.ts';

export const DEFAULT_USER_AGENT = `rundschau/${VERSION} (+https://github.com/rundschau/rundschau)`;
export const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json;q=0.95, application/rdf+xml;q=0.9, ' +
  'application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.5, */*;q=0.1';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BODY = 10 * 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 5;
const DEFAULT_CONNECTIONS_PER_ORIGIN = 2;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const PERMANENT_STATUSES = new Set([301, 308]);

export interface AgentOptions {
  connectTimeoutMs?: number;
  /** Connections kept per origin: bounds what one host sees from us. */
  connectionsPerOrigin?: number;
  keepAliveMs?: number;
  /** Connect to public addresses only (names are checked as they resolve). */
  publicOnly?: boolean;
}

/** A keep-alive undici Agent for feed fetching; share one per process. */
export function createFetchAgent(opts: AgentOptions = {}): Agent {
  const timeout = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const { Agent, buildConnector } = undici();
  return new Agent({
    // publicOnly: names are checked as they resolve, and every socket's peer address once it is connected.
    connect: opts.publicOnly
      ? guardConnectedAddress(buildConnector({ timeout, lookup: publicOnlyLookup }))
      : { timeout },
    connections: opts.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
    keepAliveTimeout: opts.keepAliveMs ?? 30_000,
    keepAliveMaxTimeout: 120_000,
    // The total timeout (AbortSignal) governs; these are only the agent's own safety net.
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
}

const sharedAgents = new Map<string, Agent>();
function sharedAgent(connectTimeoutMs: number, connectionsPerOrigin: number, publicOnly: boolean): Agent {
  const key = `${connectTimeoutMs}/${connectionsPerOrigin}/${publicOnly}`;
  let agent = sharedAgents.get(key);
  if (!agent) {
    agent = createFetchAgent({ connectTimeoutMs, connectionsPerOrigin, publicOnly });
    sharedAgents.set(key, agent);
  }
  return agent;
}

/** Closes the shared agents (graceful shutdown, end of tests). */
export async function closeSharedAgents(): Promise<void> {
  const agents = [...sharedAgents.values()];
  sharedAgents.clear();
  await Promise.all(agents.map((a) => a.close()));
}

/** FetchOptions from the config's defaults (durations there are seconds). */
export function fetchOptionsFromDefaults(defaults: Defaults, dispatcher?: Dispatcher): FetchOptions {
  return {
    timeoutMs: defaults.timeout * 1000,
    connectTimeoutMs: defaults.connectTimeout * 1000,
    connectionsPerOrigin: defaults.perHostConcurrency,
    maxBodyBytes: defaults.maxBodyBytes,
    userAgent: defaults.userAgent,
    dispatcher,
  };
}

/** Outcome of one failed step, turned into a FetchError with the shared metadata by fetchFeed. */
class Failure extends Error {
  constructor(
    readonly reason: FetchErrorReason,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * One conditional GET of a feed URL: follows up to `maxRedirects` redirects by hand (recording each hop),
 * decompresses gzip/deflate/br under the size cap, and classifies every failure. Never throws.
 */
export async function fetchFeed(req: FetchRequest, opts: FetchOptions = {}): Promise<FetchResult> {
  const started = performance.now();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const agentFor = (publicOnly: boolean) =>
    opts.dispatcher ??
    sharedAgent(
      opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      opts.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
      publicOnly,
    );
  let publicOnly = opts.publicOnly ?? false;
  let dispatcher = agentFor(publicOnly);

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Failure('timeout', `no complete answer within ${timeoutMs} ms`));
  }, timeoutMs);
  const onCallerAbort = () => controller.abort(new Failure('timeout', 'aborted'));
  if (opts.signal?.aborted) onCallerAbort();
  else opts.signal?.addEventListener('abort', onCallerAbort, { once: true });

  const redirects: RedirectHop[] = [];
  let url = req.url;
  const meta = () => {
    const allPermanent = redirects.length > 0 && redirects.every((h) => PERMANENT_STATUSES.has(h.status));
    return {
      finalUrl: url,
      redirects,
      ...(allPermanent ? { permanentRedirectUrl: url } : {}),
      durationMs: Math.round(performance.now() - started),
    };
  };
  const fail = (f: Failure): FetchError => ({
    kind: 'error',
    reason: f.reason,
    message: f.message,
    ...(f.status !== undefined ? { status: f.status } : {}),
    ...(f.retryAfterMs !== undefined ? { retryAfterMs: f.retryAfterMs } : {}),
    ...meta(),
  });

  try {
    if (!isHttpUrl(url)) return fail(new Failure('http_error', `not an http(s) URL: ${url}`));
    const headers: Record<string, string> = {
      'user-agent': opts.userAgent ?? DEFAULT_USER_AGENT,
      accept: opts.accept ?? FEED_ACCEPT,
      'accept-encoding': 'gzip, deflate, br',
      ...(opts.headers ?? {}),
    };
    if (req.etag) headers['if-none-match'] = req.etag;
    if (req.lastModified) headers['if-modified-since'] = req.lastModified;

    for (;;) {
      // Every hop: a public page may redirect to http://127.0.0.1/… (an IP literal never reaches the DNS guard).
      const hopHost = new URL(url).hostname.toLowerCase();
      const trusted = publicOnly && opts.trustedHost !== undefined && hopHost === opts.trustedHost.toLowerCase();
      dispatcher = agentFor(publicOnly && !trusted);
      if (publicOnly && !trusted && isPrivateHost(hopHost)) {
        const why = opts.publicOnly ? '' : ` (redirected to from the public ${req.url})`;
        return fail(new Failure('blocked', `refused: ${url} is a private address${why}`));
      }
      const res = await undici().request(url, {
        method: 'GET',
        headers,
        dispatcher,
        signal: controller.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const resHeaders = res.headers as HeaderMap;
      const status = res.statusCode;

      if (REDIRECT_STATUSES.has(status)) {
        await discard(res.body);
        const location = header(resHeaders, 'location');
        const target = location ? resolveHttpUrl(location, url) : undefined;
        if (!target) return fail(new Failure('bad_redirect', `${status} without a usable Location`, status));
        redirects.push({ status, url, location: target });
        if (target === req.url || redirects.some((h) => h.url === target)) {
          url = target;
          return fail(new Failure('bad_redirect', `redirect loop at ${target}`, status));
        }
        if (redirects.length > maxRedirects) {
          url = target;
          return fail(new Failure('bad_redirect', `more than ${maxRedirects} redirects`, status));
        }
        url = target;
        // A URL on a public address may not redirect us inward (a feed's host steering the fetcher at the LAN or
        // a metadata service): from the first redirect on, such a fetch reaches public addresses only. Decided
        // here, not up front, so the DNS lookup is paid only by the few fetches that redirect.
        if (!publicOnly && redirects.length === 1 && (opts.redirectsStayPublic ?? true)) {
          if (await (opts.isPublicUrl ?? resolvesToPublicAddress)(req.url)) {
            publicOnly = true;
            dispatcher = agentFor(true);
          }
        }
        continue;
      }

      const now = Date.now();
      if (status === 304) {
        await discard(res.body);
        return {
          kind: 'not_modified',
          status: 304,
          ...optional('etag', header(resHeaders, 'etag')),
          ...optional('lastModified', header(resHeaders, 'last-modified')),
          ...cacheHints(resHeaders, now),
          ...meta(),
        };
      }

      if (status < 200 || status >= 300) {
        await discard(res.body);
        const retryAfterMs =
          status === 429 || status === 503 ? parseRetryAfter(header(resHeaders, 'retry-after'), now) : undefined;
        return fail(new Failure(reasonForStatus(status), `HTTP ${status}`, status, retryAfterMs));
      }

      const declared = Number(header(resHeaders, 'content-length'));
      if (Number.isFinite(declared) && declared > maxBody) {
        res.body.destroy();
        return fail(new Failure('too_large', `Content-Length ${declared} exceeds ${maxBody} bytes`, status));
      }
      await opts.beforeBody?.();
      const { body, wireBytes } = await readCappedBody(res.body, contentEncodings(resHeaders), maxBody);
      return {
        kind: 'ok',
        status,
        body,
        ...optional('contentType', header(resHeaders, 'content-type')),
        ...optional('etag', header(resHeaders, 'etag')),
        ...optional('lastModified', header(resHeaders, 'last-modified')),
        ...cacheHints(resHeaders, now),
        bytes: body.length,
        wireBytes,
        ...meta(),
      };
    }
  } catch (err) {
    if (timedOut) return fail(new Failure('timeout', `no complete answer within ${timeoutMs} ms`));
    const reason = controller.signal.reason;
    if (controller.signal.aborted && reason instanceof Failure) return fail(reason);
    return fail(classifyError(err));
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onCallerAbort);
    // Make sure nothing keeps the socket busy after an early return (cap, error). With a reason of its own: abort()
    // without one builds a DOMException (and its stack trace) on every fetch, ~2% of a 304 cycle's CPU.
    if (!controller.signal.aborted) controller.abort(FETCH_OVER);
  }
}

/** The abort reason once a fetch has returned (nothing reads it: the answer is already made). */
const FETCH_OVER = new Error('fetch over');

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/** Reads a small body to its end so the connection can be reused; large ones are cut off (socket dropped). */
async function discard(body: Dispatcher.ResponseData['body']): Promise<void> {
  try {
    await body.dump({ limit: 64 * 1024 });
  } catch {
    // The answer is already decided; a broken body changes nothing.
  }
}

function isHttpUrl(url: string): boolean {
  return resolveHttpUrl(url) !== undefined;
}

function resolveHttpUrl(href: string, base?: string): string | undefined {
  try {
    const u = base ? new URL(href, base) : new URL(href);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

export function reasonForStatus(status: number): FetchErrorReason {
  if (status === 410) return 'gone';
  if (status === 404) return 'not_found';
  if (status === 401 || status === 403) return 'blocked';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'http_error';
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/** Maps a thrown error (undici, system, ours) to a reason; walks the `cause` chain for the system code. */
function classifyError(err: unknown): Failure {
  if (err instanceof BodyTooLargeError) return new Failure('too_large', err.message);
  if (err instanceof BodyDecodeError) return new Failure('http_error', err.message);
  const message = describe(err);
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? '');
    if (code === BLOCKED_ADDRESS) return new Failure('blocked', message);
    if (DNS_CODES.has(code)) return new Failure('dns', message);
    if (TIMEOUT_CODES.has(code)) return new Failure('timeout', message);
    if (CONNECTION_CODES.has(code)) return new Failure('connection', message);
    if (TLS_CODE.test(code)) return new Failure('tls', message);
  }
  if (/certificate|ssl|tls/i.test(message)) return new Failure('tls', message);
  return new Failure('connection', message);
}

function describe(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const m = e instanceof Error ? e.message : String(e);
    const code = (e as { code?: unknown }).code;
    const text = code && !m.includes(String(code)) ? `${m} (${code})` : m;
    if (text && !parts.includes(text)) parts.push(text);
  }
  return parts.join(': ') || 'unknown error';
}
