import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { type Context, Hono } from 'hono';
import type { Config } from '../config/schema.ts';
import { decodeCursor, encodeCursor, type FeedFormat, paths, publicBaseUrl } from '../lib/links.ts';
import type { ItemStore, SourceStore, TopicStore } from '../store/types.ts';
import { feedIsPublic } from './access.ts';
import { type CachedFeed, FeedCache } from './cache.ts';
import { isNotModified } from './conditional.ts';
import { newestEntryMs, withArticles } from './entry.ts';
import { renderFeed } from './generate.ts';
import { feedTagId } from './ids.ts';
import { sourcesOpml } from './opml.ts';
import { allScope, categoriesOf, categoryScope, type FeedScope, topicScope } from './scopes.ts';
import { selectPage } from './select.ts';
import { safeDate } from './text.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

const CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

const CACHE_CONTROL = 'public, max-age=300';
/** Feeds behind the login: browsers may keep them, shared caches must not. */
const PRIVATE_CACHE_CONTROL = 'private, max-age=300';

export interface FeedRoutesOptions {
  cache?: FeedCache;
  /** Whether a request may read what is not public (see access.ts): the reader's login. Without it: never. */
  mayReadPrivate?: (c: Context) => boolean;
}

/** What the feed routes read. The web layer mounts them and hands in its own deps, which have these and more. */
export interface FeedRoutesDeps {
  /** The feeds' items and topics, and the source list for the OPML. */
  store: ItemStore & TopicStore & Pick<SourceStore, 'listSources'>;
  /** The current config: it changes when rundschau.yaml is edited. */
  config: () => Config;
}

interface FeedQuery {
  limit: number;
  lang?: string;
  before?: string;
}

/** `/feeds/<topic>.rss|atom|json`, `/feeds/all.*`, `/feeds/category/<name>.*`: the republished feeds. */
export function feedRoutes(deps: FeedRoutesDeps, options: FeedRoutesOptions = {}): Hono {
  const app = new Hono();
  const cache = options.cache ?? new FeedCache();
  const mayReadPrivate = options.mayReadPrivate ?? (() => false);

  app.get('/feeds/category/:file', (c) => {
    const parsed = splitFile(c.req.param('file'));
    if (!parsed) return c.notFound();
    const category = parsed.name;
    const isPublic = feedIsPublic(deps.config());
    // Before the lookup: which categories exist is private too.
    if (!isPublic && !mayReadPrivate(c)) return loginRequired(c);
    if (!categoriesOf(deps.config()).includes(category)) return c.notFound();
    return serveFeed(c, categoryScope(deps.store, deps.config(), category), parsed.format, isPublic);
  });

  app.get('/feeds/:file', (c) => {
    const parsed = splitFile(c.req.param('file'));
    if (!parsed) return c.notFound();
    const config = deps.config();
    if (parsed.name === 'all') return serveFeed(c, allScope(deps.store, config), parsed.format, feedIsPublic(config));
    const topic = config.topics.find((t) => t.slug === parsed.name);
    if (!topic) return c.notFound();
    return serveFeed(c, topicScope(deps.store, topic, config), parsed.format, feedIsPublic(config, topic));
  });

  app.get(paths.opml(), async (c) => {
    const isPublic = feedIsPublic(deps.config());
    if (!isPublic && !mayReadPrivate(c)) return loginRequired(c);
    const opml = await sourcesOpml(deps.store);
    const headers: Record<string, string> = {
      ETag: opml.etag,
      'Cache-Control': isPublic ? CACHE_CONTROL : PRIVATE_CACHE_CONTROL,
      'Last-Modified': new Date(opml.lastModifiedMs).toUTCString(),
    };
    const ifNoneMatch = c.req.header('if-none-match');
    const ifModifiedSince = c.req.header('if-modified-since');
    if (
      ifNoneMatch
        ? isNotModified({ ifNoneMatch, etag: opml.etag })
        : ifModifiedSince && isNotModified({ ifModifiedSince, lastModifiedMs: opml.lastModifiedMs })
    )
      return c.body(null, 304, headers);
    return c.body(opml.body, 200, { ...headers, 'Content-Type': 'text/x-opml; charset=utf-8' });
  });

  async function serveFeed(c: Context, scope: FeedScope, format: FeedFormat, isPublic: boolean): Promise<Response> {
    if (!isPublic && !mayReadPrivate(c)) return loginRequired(c);
    const query = parseQuery(c);
    if (typeof query === 'string') return c.text(query, 400);
    const server = deps.config().server;
    const baseUrl = publicBaseUrl(server.baseUrl, new URL(c.req.url).origin);
    // A hub fetches the feed it announces, which it cannot do behind the login.
    const hubUrl = isPublic ? server.websubHub : undefined;
    const { stamp, emptyUpdatedMs, changedMs } = await scope.stamp(query.lang);
    const variant = JSON.stringify([format, query, baseUrl, hubUrl ?? null, scope.configFingerprint]);
    const etag = `W/"${createHash('sha1').update(scope.key).update(stamp).update(variant).digest('base64url')}"`;
    const selfUrl = feedUrl(baseUrl, scope, format, query);
    const headers: Record<string, string> = {
      ETag: etag,
      'Cache-Control': isPublic ? CACHE_CONTROL : PRIVATE_CACHE_CONTROL,
      Vary: isPublic ? 'Accept-Encoding' : 'Accept-Encoding, Cookie',
      Link: hubUrl ? `<${selfUrl}>; rel="self", <${hubUrl}>; rel="hub"` : `<${selfUrl}>; rel="self"`,
    };

    const ifNoneMatch = c.req.header('if-none-match');
    if (ifNoneMatch && isNotModified({ ifNoneMatch, etag })) return notModified(c, headers, cache.get(etag));

    const entry = await cache.getOrRender(etag, scope.key, stamp, async () => {
      const cursor = query.before ? decodeCursor(query.before) : undefined;
      const page = await selectPage(scope.items(query.lang), {
        limit: query.limit,
        before: cursor,
        perSourceCap: scope.perSourceCap,
      });
      const entries = await withArticles(page.entries, deps.store);
      const fixedLanguage = scope.languages.length === 1 ? scope.languages[0] : undefined;
      const body = renderFeed(
        {
          id: feedTagId(query.lang ? `${scope.key}?lang=${query.lang}` : scope.key),
          title: scope.title,
          description: scope.description,
          language: query.lang ?? fixedLanguage,
          htmlUrl: baseUrl + scope.htmlPath,
          selfUrl,
          formatUrls: {
            rss: feedUrl(baseUrl, scope, 'rss', { limit: query.limit, lang: query.lang }),
            atom: feedUrl(baseUrl, scope, 'atom', { limit: query.limit, lang: query.lang }),
            json: feedUrl(baseUrl, scope, 'json', { limit: query.limit, lang: query.lang }),
          },
          firstUrl: feedUrl(baseUrl, scope, format, { limit: query.limit, lang: query.lang }),
          nextUrl: page.next
            ? feedUrl(baseUrl, scope, format, { ...query, before: encodeCursor(page.next) })
            : undefined,
          hubUrl,
          emptyUpdatedMs,
        },
        entries,
        format,
      );
      const bytes = new TextEncoder().encode(body);
      return {
        body: bytes,
        gzip: new Uint8Array(gzipSync(bytes)),
        // The newest entry's date, or the last change when later: an older item arriving, or one removed, changes
        // the document without changing its newest entry.
        lastModifiedMs: Math.max(newestEntryMs(page.entries, emptyUpdatedMs), safeDate(changedMs).getTime()),
      } satisfies CachedFeed;
    });

    headers['Last-Modified'] = new Date(entry.lastModifiedMs).toUTCString();
    const ifModifiedSince = c.req.header('if-modified-since');
    if (!ifNoneMatch && ifModifiedSince && isNotModified({ ifModifiedSince, lastModifiedMs: entry.lastModifiedMs }))
      return notModified(c, headers, entry);

    headers['Content-Type'] = CONTENT_TYPES[format];
    const gzip = acceptsGzip(c.req.header('accept-encoding'));
    if (gzip) headers['Content-Encoding'] = 'gzip';
    return c.body(gzip ? entry.gzip : entry.body, 200, headers);
  }

  return app;
}

/** Feed readers cannot follow a login form: a plain 401 that no cache keeps. */
function loginRequired(c: Context): Response {
  return c.text('This feed is private: log in to the reader to read it.', 401, { 'Cache-Control': 'no-store' });
}

function notModified(c: Context, headers: Record<string, string>, entry?: CachedFeed): Response {
  if (entry) headers['Last-Modified'] = new Date(entry.lastModifiedMs).toUTCString();
  return c.body(null, 304, headers);
}

function splitFile(file: string): { name: string; format: FeedFormat } | undefined {
  const m = /^(.+)\.(rss|atom|json)$/.exec(file);
  if (!m) return undefined;
  return { name: m[1]!, format: m[2] as FeedFormat };
}

/** The query as the feed understands it, or an error message for a 400. */
function parseQuery(c: Context): FeedQuery | string {
  const limitText = c.req.query('limit');
  let limit = DEFAULT_LIMIT;
  if (limitText !== undefined) {
    const n = Number(limitText);
    if (!Number.isInteger(n) || n < 1) return 'limit must be a positive integer';
    limit = Math.min(n, MAX_LIMIT);
  }
  const lang = c.req.query('lang') || undefined;
  if (lang !== undefined && !/^[a-z]{2}$/.test(lang)) return 'lang must be a two-letter language code such as de or en';
  const before = c.req.query('before') || undefined;
  if (before !== undefined && !decodeCursor(before)) return 'before is not a valid cursor';
  return { limit, lang, before };
}

function feedUrl(baseUrl: string, scope: FeedScope, format: FeedFormat, query: Partial<FeedQuery>): string {
  const params = new URLSearchParams();
  if (query.limit !== undefined && query.limit !== DEFAULT_LIMIT) params.set('limit', String(query.limit));
  if (query.lang) params.set('lang', query.lang);
  if (query.before) params.set('before', query.before);
  const search = params.toString();
  return `${baseUrl}${scope.path}.${format}${search ? `?${search}` : ''}`;
}

function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  return acceptEncoding.split(',').some((part) => {
    const [coding, ...params] = part.trim().split(';');
    if (coding?.trim().toLowerCase() !== 'gzip' && coding?.trim() !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  });
}
