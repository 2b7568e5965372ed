import type { Context, MiddlewareHandler } from 'hono';
import { paths } from '../../../lib/links.ts';
import type { AppDeps } from '../../deps.ts';
import type { WebEnv } from '../../env.ts';
import { requestLoggedIn, type SessionDeps } from '../session/index.ts';

const privateMode = (deps: Pick<AppDeps, 'config'>) => deps.config().server.reading === 'private';

/**
 * Private mode (`server.reading: private`): every page after this middleware needs the login; pages redirect to
 * it, other requests get 401. Without a password there is no login, so the reader stays open (single-user local
 * mode; `serve` binds 127.0.0.1 by default). Runs after the session middleware, which says who is logged in.
 */
export function privateReading(deps: Pick<AppDeps, 'config'>): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    if (!privateMode(deps) || !c.var.loginEnabled || c.var.loggedIn) return next();
    if (c.req.path === paths.login()) return next();
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      const url = new URL(c.req.url);
      return c.redirect(paths.login(url.pathname + url.search), 303);
    }
    return c.json({ ok: false, error: c.var.t('loginToRead') }, 401);
  };
}

/**
 * Whether a request may read what is kept behind the login, for routes that run before the session middleware
 * (published feeds, which set no cookies, decide what is private in publish/access.ts): the reader's login, or
 * anybody when there is no password.
 */
export function mayReadPrivate(c: Context, deps: SessionDeps, processSecret: string): boolean {
  return requestLoggedIn(c, deps, processSecret);
}
