import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { FeedLink, Section, SidebarData, ViewCtx } from '../../views/context.ts';
import type { T } from '../../views/i18n.ts';
import { formatIssues } from '../config/load.ts';
import { FEED_FORMATS, type FeedFormat, paths, publicBaseUrl } from '../lib/links.ts';
import type { SourceRow, SourceStore } from '../store/types.ts';
import type { AssetUrls } from './assets.ts';
import { signValue, verifySigned } from './auth.ts';
import type { AppDeps } from './deps.ts';
import type { WebContext } from './env.ts';
import { proxyMediaInHtml } from './media.ts';

export type { WebContext, WebEnv } from './env.ts';

const UNDO_COOKIE = 'rs_undo';
const UNDO_TTL_SECONDS = 300;

/**
 * Remembers what "mark all shown as read" changed, for the next page to offer an Undo (with or without JavaScript:
 * the action redirects back). Signed and tied to the session, so no other visitor's ids can be planted.
 */
export function setUndoFlash(c: WebContext, ids: number[]): void {
  setCookie(c, UNDO_COOKIE, signValue(`${c.var.session.sid}:${ids.join('-')}`, c.var.secret), {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    maxAge: UNDO_TTL_SECONDS,
  });
}

/** Whether an Undo may be waiting for this page (the page then shows it once: not from a cache). */
export function hasUndoFlash(c: WebContext): boolean {
  return getCookie(c, UNDO_COOKIE) !== undefined;
}

/** The ids of the last "mark all read" of this session, once: the page that shows the Undo clears it. */
function takeUndoFlash(c: WebContext): number[] | undefined {
  const cookie = getCookie(c, UNDO_COOKIE);
  if (!cookie) return undefined;
  deleteCookie(c, UNDO_COOKIE, { path: '/' });
  const value = verifySigned(cookie, c.get('secret'));
  const prefix = `${c.get('session').sid}:`;
  const ids = value !== false && value.startsWith(prefix) ? value.slice(prefix.length) : '';
  return /^\d+(-\d+)*$/.test(ids) ? ids.split('-').map(Number) : undefined;
}

/** Absolute origin for links that leave the page (feed URLs): the configured base URL or the request's origin. */
export function publicOrigin(c: Context, deps: Pick<AppDeps, 'config'>): string {
  return publicBaseUrl(deps.config().server.baseUrl, new URL(c.req.url).origin);
}

/** The source list changes only when the config does: cached briefly so a page costs no extra query. */
export function sourceListCache(
  deps: { store: Pick<SourceStore, 'listSources'> } & Pick<AppDeps, 'config'>,
  ttlMs = 5_000,
) {
  let cached: { at: number; rows: SourceRow[]; config: unknown } | undefined;
  let pending: Promise<SourceRow[]> | undefined;
  return async (): Promise<SourceRow[]> => {
    const now = Date.now();
    // A config applied since (an edit in the reader, a reload) may have changed the list: read it again.
    const config = deps.config();
    if (cached && cached.config === config && now - cached.at < ttlMs) return cached.rows;
    pending ??= deps.store.listSources().finally(() => {
      pending = undefined;
    });
    const rows = await pending;
    cached = { at: now, rows, config };
    return rows;
  };
}

export type ViewCtxFactory = (c: WebContext, section: Section, sidebar?: SidebarData) => ViewCtx;

export function viewCtxFactory(deps: AppDeps, assets: AssetUrls, mediaSecret: string): ViewCtxFactory {
  const proxyMedia = (html: string) =>
    deps.config().server.mediaProxy === 'off' ? html : proxyMediaInHtml(html, mediaSecret);
  return (c, section, sidebar) => {
    const url = new URL(c.req.url);
    const t = c.get('t');
    url.searchParams.delete('lang');
    return {
      locale: c.get('locale'),
      t,
      now: deps.now?.() ?? Date.now(),
      here: url.pathname + url.search,
      csrfToken: c.get('csrfToken'),
      undo: c.req.method === 'GET' && c.get('session') ? takeUndoFlash(c) : undefined,
      canEdit: c.get('canEdit'),
      loginEnabled: c.get('loginEnabled'),
      loggedIn: c.get('loggedIn'),
      assets,
      feeds: feedLinks(deps, t),
      section,
      sidebar,
      proxyMedia,
      configRejected: configRejectedText(deps, c.get('canEdit')),
    };
  };
}

function configRejectedText(deps: AppDeps, canEdit: boolean): string | undefined {
  const issues = canEdit ? deps.manager?.rejected() : undefined;
  return issues ? formatIssues(issues) : undefined;
}

const FEED_LINK_KINDS: Record<FeedFormat, { label: string; type: FeedLink['type'] }> = {
  rss: { label: 'RSS', type: 'application/rss+xml' },
  atom: { label: 'Atom', type: 'application/atom+xml' },
  json: { label: 'JSON Feed', type: 'application/feed+json' },
};

function feedLinks(deps: AppDeps, t: T): FeedLink[] {
  const links: FeedLink[] = [];
  const add = (slug: string, title: string) => {
    for (const format of FEED_FORMATS) {
      const { label, type } = FEED_LINK_KINDS[format];
      links.push({ title: `${title} (${label})`, href: paths.feed(slug, format), type });
    }
  };
  add('all', t('allFeedsTitle'));
  for (const topic of deps.config().topics) add(topic.slug, topic.title);
  return links;
}

/** Renders a page component to a full HTML document. */
export async function renderPage(c: Context, node: unknown, status: 200 | 401 | 403 | 404 | 429 | 500 = 200) {
  const html = await (node as Promise<string> | string);
  c.header('Cache-Control', 'private, no-cache');
  c.header('Content-Type', 'text/html; charset=UTF-8');
  // Encoded once here; a string body would be measured (Content-Length) and then encoded again by the adapter.
  return c.body(Buffer.from(`<!DOCTYPE html>${html}`), status);
}
