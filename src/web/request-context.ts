import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { FeedLink, Section, SidebarData, ViewCtx } from '../../views/context.ts';
import { isLocale, type Locale, localeFromAcceptLanguage, type T, translator } from '../../views/i18n.ts';
import { formatIssues } from '../config/load.ts';
import { FEED_FORMATS, type FeedFormat, paths, publicBaseUrl } from '../lib/links.ts';
import type { SourceRow } from '../store/types.ts';
import type { AssetUrls } from './assets.ts';
import {
  ANONYMOUS_TTL_SECONDS,
  csrfTokenFor,
  decodeSession,
  encodeSession,
  randomToken,
  SESSION_COOKIE,
  type Session,
  sessionSecret,
  signValue,
  verifySigned,
} from './auth.ts';
import type { AppDeps } from './deps.ts';
import { proxyMediaInHtml } from './media.ts';

/** Per-request facts, set by middleware and read by routes and views. */
export interface WebEnv {
  Variables: {
    locale: Locale;
    t: T;
    session: Session;
    secret: string;
    csrfToken: string;
    loginEnabled: boolean;
    loggedIn: boolean;
    canEdit: boolean;
  };
}

export type WebContext = Context<WebEnv>;

export function passwordHashOf(deps: AppDeps): string | undefined {
  return deps.config().server.passwordHash || process.env.RUNDSCHAU_PASSWORD_HASH || undefined;
}

export function isSecureRequest(c: Context, deps: AppDeps): boolean {
  return c.req.url.startsWith('https:') || (deps.config().server.baseUrl ?? '').startsWith('https:');
}

/** Locale from `?lang=` (remembered in a cookie), else the cookie, else Accept-Language. */
export function localeMiddleware(): MiddlewareHandler<WebEnv> {
  const translators = { en: translator('en'), de: translator('de') };
  return async (c, next) => {
    const param = c.req.query('lang');
    let locale: Locale;
    if (isLocale(param)) {
      locale = param;
      setCookie(c, 'lang', param, { path: '/', maxAge: 365 * 86_400, sameSite: 'Lax', httpOnly: true });
    } else {
      const cookie = getCookie(c, 'lang');
      locale = isLocale(cookie) ? cookie : localeFromAcceptLanguage(c.req.header('accept-language'));
    }
    c.set('locale', locale);
    c.set('t', translators[locale]);
    await next();
    c.res.headers.append('Vary', 'Accept-Language, Cookie');
  };
}

/**
 * Every page visitor gets a signed session cookie: anonymous ones only carry the sid behind the CSRF token,
 * logged-in ones also the login. Without a configured password everybody may change state (single-user mode).
 */
export function sessionMiddleware(deps: AppDeps, processSecret: string): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const server = deps.config().server;
    const passwordHash = passwordHashOf(deps);
    const secret = sessionSecret(server.sessionSecret, passwordHash, processSecret);
    const nowSec = Math.floor((deps.now?.() ?? Date.now()) / 1000);
    let session = readSession(c, secret, nowSec);
    if (!session) {
      session = { sid: randomToken(), authenticated: false, expiresAt: nowSec + ANONYMOUS_TTL_SECONDS };
      await writeSession(c, deps, secret, session);
    }
    const loginEnabled = Boolean(passwordHash);
    const loggedIn = loginEnabled && session.authenticated;
    c.set('session', session);
    c.set('secret', secret);
    c.set('csrfToken', csrfTokenFor(secret, session.sid));
    c.set('loginEnabled', loginEnabled);
    c.set('loggedIn', loggedIn);
    c.set('canEdit', !loginEnabled || loggedIn);
    await next();
  };
}

function readSession(c: Context, secret: string, nowSec: number): Session | undefined {
  return decodeSession(verifySigned(getCookie(c, SESSION_COOKIE), secret), nowSec);
}

/**
 * Whether a request may read what private reading keeps behind the login — without creating a session (the
 * machine endpoints that ask, like feeds, set no cookies). Without a password there is no login: the reader is open.
 */
export function mayReadPrivate(c: Context, deps: AppDeps, processSecret: string): boolean {
  const passwordHash = passwordHashOf(deps);
  if (!passwordHash) return true;
  const secret = sessionSecret(deps.config().server.sessionSecret, passwordHash, processSecret);
  return readSession(c, secret, Math.floor((deps.now?.() ?? Date.now()) / 1000))?.authenticated === true;
}

export async function writeSession(c: Context, deps: AppDeps, secret: string, session: Session): Promise<void> {
  const nowSec = Math.floor((deps.now?.() ?? Date.now()) / 1000);
  setCookie(c, SESSION_COOKIE, signValue(encodeSession(session), secret), {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: isSecureRequest(c, deps),
    maxAge: Math.max(0, session.expiresAt - nowSec),
  });
}

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
export function publicOrigin(c: Context, deps: AppDeps): string {
  return publicBaseUrl(deps.config().server.baseUrl, new URL(c.req.url).origin);
}

/** The source list changes only when the config does: cached briefly so a page costs no extra query. */
export function sourceListCache(deps: AppDeps, ttlMs = 5_000) {
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
