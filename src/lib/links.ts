/**
 * Every URL the HTTP surface serves, built in one place: reader pages, actions, published feeds. Views, routes and
 * publish/ call these instead of writing paths, so a link and the route it names cannot drift apart (a test crawls
 * every page and feed and follows each link). Scopes ("source:12", "category:Tech") are parsed here too.
 */

/** A list of items the reader shows and item pages step through. */
export type Scope =
  | { kind: 'all' }
  | { kind: 'starred' }
  | { kind: 'source'; id: number }
  | { kind: 'category'; name: string }
  | { kind: 'topic'; slug: string };

export type FeedFormat = 'rss' | 'atom' | 'json';
export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];

/** `all`, `starred`, `source:ID`, `category:NAME`, `topic:SLUG` → a scope; undefined when it names none. */
export function parseScope(text: string | undefined | null): Scope | undefined {
  if (!text || text === 'all') return { kind: 'all' };
  if (text === 'starred') return { kind: 'starred' };
  const sep = text.indexOf(':');
  if (sep < 0) return undefined;
  const kind = text.slice(0, sep);
  const value = text.slice(sep + 1);
  if (!value) return undefined;
  if (kind === 'source' && /^\d{1,16}$/.test(value)) return { kind: 'source', id: Number(value) };
  if (kind === 'category') return { kind: 'category', name: value };
  if (kind === 'topic') return { kind: 'topic', slug: value };
  return undefined;
}

/** The text form of a scope, as `parseScope` reads it (and the sidebar's highlight and count keys use). */
export function scopeKey(scope: Scope): string {
  switch (scope.kind) {
    case 'all':
    case 'starred':
      return scope.kind;
    case 'source':
      return `source:${scope.id}`;
    case 'category':
      return `category:${scope.name}`;
    case 'topic':
      return `topic:${scope.slug}`;
  }
}

/** Appends or replaces query parameters on a path; `undefined` removes one. */
export function withQuery(path: string, params: Record<string, string | undefined>): string {
  const url = new URL(path, 'http://x');
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  return url.pathname + url.search;
}

const seg = encodeURIComponent;

export const paths = {
  unread: () => '/',
  all: () => '/all',
  starred: () => '/starred',
  source: (id: number) => `/sources/${id}`,
  category: (name: string) => `/categories/${seg(name)}`,
  topics: () => '/topics',
  topic: (slug: string) => `/topics/${seg(slug)}`,
  sources: () => '/sources',
  /** Managing sources (editors): add, import, one source's settings and actions; the overview pictures. */
  sourceNew: () => '/sources/new',
  sourceImport: () => '/sources/import',
  sourceManage: (id: number) => `/sources/${id}/manage`,
  sourceEnabled: (id: number) => `/sources/${id}/enabled`,
  sourceDelete: (id: number) => `/sources/${id}/delete`,
  sourceRefresh: (id: number) => `/sources/${id}/refresh`,
  favicon: (id: number) => `/favicons/${id}`,
  stats: () => '/stats',
  topicRules: (slug: string) => `/topics/${seg(slug)}/rules`,
  /** The rules form's live dry run (app.js posts the rules as they are typed; answers the result's HTML). */
  topicRulesDryRun: (slug: string) => `/topics/${seg(slug)}/rules/dry-run`,
  search: (q?: string) => (q === undefined ? '/search' : withQuery('/search', { q })),
  help: () => '/help',
  login: (next?: string) => (next === undefined ? '/login' : withQuery('/login', { next })),
  logout: () => '/logout',
  /** An item page; `context` is the query that keeps next/previous in the list the reader came from. */
  item: (id: number, context = '') => `/items/${id}${context}`,
  itemRead: (id: number) => `/items/${id}/read`,
  itemStar: (id: number) => `/items/${id}/star`,
  /** Marks every report of the item's story (its river card) read or unread. */
  storyRead: (id: number) => `/items/${id}/story/read`,
  itemFullText: (id: number) => `/items/${id}/full-text`,
  itemTopicDecision: (id: number, slug: string) => `/items/${id}/topics/${seg(slug)}`,
  markAllRead: () => '/mark-all-read',
  markAllReadUndo: () => '/mark-all-read/undo',
  /** The river's shared form; never submitted as such, every button in it carries its own `formaction`. */
  riverForm: () => '/items/read',
  opml: () => '/opml.xml',
  /** The published feed of a topic (`name` = slug) or of everything (`all`), without the format's extension. */
  feedBase: (name: string) => `/feeds/${seg(name)}`,
  categoryFeedBase: (name: string) => `/feeds/category/${seg(name)}`,
  feed: (name: string, format: FeedFormat) => `${paths.feedBase(name)}.${format}`,
  categoryFeed: (name: string, format: FeedFormat) => `${paths.categoryFeedBase(name)}.${format}`,

  /** The reader page that lists a scope. */
  scope(scope: Scope): string {
    switch (scope.kind) {
      case 'all':
        return paths.all();
      case 'starred':
        return paths.starred();
      case 'source':
        return paths.source(scope.id);
      case 'category':
        return paths.category(scope.name);
      case 'topic':
        return paths.topic(scope.slug);
    }
  },
};

/**
 * The query an item link carries so that the item page's next/previous (and j/k there) walk the same list:
 * `in` names the list, `show=unread` keeps to unread items. The plain `/items/N` walks all items.
 */
export function itemContext(scope: Scope, unreadOnly: boolean): string {
  const params = new URLSearchParams();
  if (scope.kind !== 'all') params.set('in', scopeKey(scope));
  if (unreadOnly) params.set('show', 'unread');
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** A keyset position in a list, newest first: what `?before=` carries. */
export interface CursorPosition {
  publishedAt: number;
  id: number;
}

/** `?before=` value: opaque to clients, so the keyset position can change shape without breaking links. */
export function encodeCursor(cursor: CursorPosition): string {
  return Buffer.from(`${cursor.publishedAt}.${cursor.id}`).toString('base64url');
}

export function decodeCursor(text: string | undefined | null): CursorPosition | undefined {
  if (!text || !/^[A-Za-z0-9_-]{1,64}$/.test(text)) return undefined;
  const m = /^(-?\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(text, 'base64url').toString());
  if (!m) return undefined;
  return { publishedAt: Number(m[1]), id: Number(m[2]) };
}

/**
 * Where the site is reachable from outside, without a trailing slash: `server.baseUrl` when configured (behind a
 * proxy the request's own origin is the proxy's view), else what the caller knows (the request's origin, the
 * listening address).
 */
export function publicBaseUrl(configured: string | undefined | null, fallback: string): string {
  return (configured || fallback).replace(/\/+$/, '');
}

/** A `back`/`next` target: a path on this site, never an absolute or protocol-relative URL (no open redirect). */
export function safeLocalPath(target: unknown, fallback = '/'): string {
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) {
    return fallback;
  }
  if (/[\u0000-\u001f]/.test(target)) return fallback;
  return target;
}
