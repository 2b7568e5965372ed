import type { MiddlewareHandler } from 'hono';
import { tokensEqual } from '../../auth.ts';
import type { AppDeps } from '../../deps.ts';
import type { WebContext, WebEnv } from '../../env.ts';

/**
 * Whether a state-changing request may come from where it says. A present Origin must be ours (the request's own
 * origin or the configured base URL; the Node adapter does not see X-Forwarded-Proto, hence the base URL). Without
 * Origin, a Fetch-Metadata `cross-site` is refused; the CSRF token is checked separately in every case.
 */
export function sameOriginRequest(
  requestUrl: string,
  originHeader: string | undefined,
  fetchSite: string | undefined,
  baseUrl: string | undefined,
): boolean {
  if (originHeader !== undefined) {
    if (originHeader === 'null') return false;
    const allowed = new Set([new URL(requestUrl).origin]);
    if (baseUrl) allowed.add(new URL(baseUrl).origin);
    return allowed.has(originHeader);
  }
  return fetchSite !== 'cross-site';
}

/**
 * Guards every state-changing request (all but GET, HEAD, OPTIONS): the Origin (or Fetch-Metadata) must be this
 * site, and the session's CSRF token (middleware/session) must come back as the `_csrf` form field or the
 * `X-CSRF-Token` header. hono/csrf checks only the origin, and only of form posts; this checks JSON posts too.
 * `refuse` answers a failed check (the web layer's 403 page or JSON).
 */
export function csrfGuard(
  deps: Pick<AppDeps, 'config' | 'log'>,
  refuse: (c: WebContext, reason: string) => Response | Promise<Response>,
): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    const sameOrigin = sameOriginRequest(
      c.req.url,
      c.req.header('origin'),
      c.req.header('sec-fetch-site'),
      deps.config().server.baseUrl,
    );
    const token = c.req.header('x-csrf-token') ?? (await formToken(c));
    if (!sameOrigin || !tokensEqual(token, c.var.csrfToken)) {
      deps.log.warn({ path: c.req.path, sameOrigin }, 'rejected state change: CSRF check failed');
      return refuse(c, c.var.t('csrfFailed'));
    }
    return next();
  };
}

async function formToken(c: WebContext): Promise<string | undefined> {
  // parseBody caches the parsed body for the route, and reads only form bodies.
  const value = (await c.req.parseBody())._csrf;
  return typeof value === 'string' ? value : undefined;
}
