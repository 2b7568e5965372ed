import { Hono, type MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { MessagePage } from '../../views/pages.tsx';
import { paths } from '../lib/links.ts';
import { feedRoutes } from '../publish/routes.ts';
import { loadAssets } from './assets.ts';
import { randomToken } from './auth.ts';
import type { AppDeps } from './deps.ts';
import { mediaRoutes } from './media.ts';
import { metricsAllowed } from './metrics-access.ts';
import { securityHeaders } from './middleware/security-headers/index.ts';
import {
  localeMiddleware,
  mayReadPrivate,
  renderPage,
  sessionMiddleware,
  viewCtxFactory,
  type WebContext,
  type WebEnv,
} from './request-context.ts';
import { actionRoutes, csrfGuard } from './routes/actions.ts';
import { notFoundPage } from './routes/errors.ts';
import { loginRoutes } from './routes/login.ts';
import { readerRoutes } from './routes/reader.ts';

/** Counts requests by matched route pattern (not raw path: that would explode the label set). */
function httpMetrics(deps: AppDeps): MiddlewareHandler {
  return async (c, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      const route = c.res.status === 404 && routePath(c, -1) === '*' ? 'not_found' : routePath(c, -1);
      deps.metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
      deps.metrics.httpDuration.observe({ route }, (performance.now() - start) / 1000);
    }
  };
}

/**
 * Private mode: every page needs the login. Without a password there is no login, so the reader stays open
 * (single-user local mode; `serve` binds 127.0.0.1 by default).
 */
function privateReading(deps: AppDeps): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    if (deps.config().server.reading !== 'private' || !c.var.loginEnabled || c.var.loggedIn) return next();
    if (c.req.path === paths.login()) return next();
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      const url = new URL(c.req.url);
      return c.redirect(paths.login(url.pathname + url.search), 303);
    }
    return c.json({ ok: false, error: c.var.t('loginToRead') }, 401);
  };
}

/**
 * The web reader: pages, actions, login, assets, health and metrics, plus the curated feeds of publish/.
 * Everything that changes state is a POST with a CSRF token and works without JavaScript.
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono<WebEnv>();
  const assets = loadAssets();
  const processSecret = randomToken(32);
  const viewCtx = viewCtxFactory(deps, assets.urls, processSecret);

  app.use('*', httpMetrics(deps));
  app.use(
    '*',
    securityHeaders(() => deps.config().server.mediaProxy !== 'off'),
  );

  machineEndpoints(app, deps);
  app.route('/', assets.routes);
  app.route('/', mediaRoutes(deps, processSecret));
  // Published feeds are meant for other readers, which cannot log in: with private reading only the published
  // ones (topics) stay public, the others need the reader's login (publish/access.ts).
  app.route('/', feedRoutes(deps, { mayReadPrivate: (c) => mayReadPrivate(c, deps, processSecret) }));

  app.use('*', localeMiddleware());
  app.use('*', sessionMiddleware(deps, processSecret));
  app.use('*', csrfGuard(deps, viewCtx));
  app.route('/', loginRoutes(deps, viewCtx));
  app.use('*', privateReading(deps));
  app.route('/', readerRoutes(deps, viewCtx));
  app.route('/', actionRoutes(deps));

  app.notFound((c) => {
    // Requests that never reached the locale/session middleware get a plain answer.
    if (!(c as WebContext).var.t) return c.text('Not found', 404);
    return notFoundPage(c as WebContext, viewCtx);
  });
  app.onError((err, c) => {
    deps.log.error({ err, path: c.req.path }, 'request failed');
    const wc = c as WebContext;
    if (!wc.var.t) return c.text('Internal Server Error', 500);
    const t = wc.var.t;
    return renderPage(c, MessagePage({ ctx: viewCtx(wc, 'other'), title: t('errorTitle'), text: '' }), 500);
  });

  return app as unknown as Hono;
}

/** `/healthz` and `/metrics`: machine endpoints, no session, no locale. A `rundschau worker` serves only these. */
export function machineEndpoints(app: Hono<WebEnv>, deps: AppDeps): void {
  app.get('/healthz', async (c) => {
    const ok = await deps.store.ping().catch(() => false);
    c.header('Cache-Control', 'no-store');
    if (!ok) return c.json({ status: 'unavailable' }, 503);
    // Sources failing are the sources page's business; a scheduler whose every cycle fails is this process's.
    const cycles = deps.cycleHealth?.();
    if (cycles && cycles.consecutiveFailures > 0) {
      return c.json({ status: 'cycles_failing', failures: cycles.consecutiveFailures, error: cycles.lastError }, 503);
    }
    return c.json({ status: 'ok' });
  });
  app.get('/metrics', async (c) => {
    if (!metricsAllowed(c, deps)) {
      return c.text('metrics need Authorization: Bearer <server.metricsToken>, or a request from this host', 401, {
        'WWW-Authenticate': 'Bearer realm="rundschau metrics"',
        'Cache-Control': 'no-store',
      });
    }
    const registry = deps.metrics.registry;
    // The items gauge from the per-source counters: O(sources), cheap enough for every scrape.
    const sources = await deps.store.listSources().catch(() => []);
    deps.metrics.itemsStored.set(sources.reduce((n, s) => n + s.itemCount, 0));
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
  });
}

/** The HTTP face of a `rundschau worker`: health and metrics only. */
export function createWorkerApp(deps: AppDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  app.use('*', httpMetrics(deps));
  machineEndpoints(app, deps);
  return app;
}
