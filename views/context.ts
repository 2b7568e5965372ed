import type { Cursor, SourceRow, UnreadCounts } from '../src/store/types.ts';
import type { Locale, T } from './i18n.ts';

/** What every page needs to know about the request: views are pure functions of this and their data. */
export interface ViewCtx {
  locale: Locale;
  t: T;
  now: number;
  /** Path and query of this page: where forms send the reader back to. */
  here: string;
  csrfToken: string;
  /** Items the last "mark all shown as read" changed: the page offers to mark them unread again. */
  undo?: number[];
  /** May change state (read, star, pin): no password configured, or logged in. */
  canEdit: boolean;
  /** A password is configured, so a login exists. */
  loginEnabled: boolean;
  loggedIn: boolean;
  assets: { css: string; js: string; icon: string };
  /** Feed autodiscovery links for `<head>`. */
  feeds: FeedLink[];
  /** Which main navigation entry is current. */
  section: Section;
  sidebar?: SidebarData;
  /** Points the images of stored item HTML at the media proxy (identity when the proxy is off). */
  proxyMedia: (html: string) => string;
}

export type Section = 'unread' | 'all' | 'starred' | 'sources' | 'topics' | 'search' | 'other';

export interface FeedLink {
  title: string;
  href: string;
  type: 'application/rss+xml' | 'application/atom+xml' | 'application/feed+json';
}

export interface SidebarData {
  counts: UnreadCounts;
  sources: Pick<SourceRow, 'id' | 'title' | 'feedTitle' | 'category'>[];
  topics: { slug: string; title: string }[];
  /** Highlighted entry: `source:ID`, `category:NAME`, `topic:SLUG`. */
  current?: string;
}

export function encodeCursor(c: Cursor): string {
  return `${c.publishedAt}-${c.id}`;
}

export function decodeCursor(text: string | undefined | null): Cursor | undefined {
  if (!text) return undefined;
  const m = /^(-?\d{1,16})-(\d{1,16})$/.exec(text);
  if (!m) return undefined;
  return { publishedAt: Number(m[1]), id: Number(m[2]) };
}

export function sourceName(s: { title: string; feedTitle?: string | null }): string {
  return s.title || s.feedTitle || '?';
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

/** Only http(s) URLs become links: a stored `javascript:` link must never be clickable. */
export function safeHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  return /^https?:\/\//i.test(url.trim()) ? url.trim() : undefined;
}
