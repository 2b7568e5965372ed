import type { Scope } from '../src/lib/links.ts';
import type { ItemWithSource, SourceRow, UnreadCounts } from '../src/store/types.ts';
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
  /** For editors: the config file's last rejected edit (file:line:col: message lines) until a good one applies. */
  configRejected?: string;
  /** Points the images of stored item HTML at the media proxy (identity when the proxy is off). */
  proxyMedia: (html: string) => string;
}

/**
 * An entry of a river: an item with its source, its score in a topic's river, and `also`: the other reports of
 * its story, shown in its card (src/web/river-stories.ts).
 */
export type RiverItem = ItemWithSource & { score?: number; also?: ItemWithSource[] };

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
  /** The list being read, highlighted (a source, category or topic; all/starred are the main entries). */
  current?: Scope;
}

/** Only http(s) URLs become links: a stored `javascript:` link must never be clickable. */
export function safeHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  return /^https?:\/\//i.test(url.trim()) ? url.trim() : undefined;
}
