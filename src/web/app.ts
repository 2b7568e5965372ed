import { Hono, type MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { MessagePage } from '../../views/pages.tsx';
import { formatIssues } from '../config/load.ts';
import { FeedCache } from '../publish/cache.ts';
import { feedRoutes } from '../publish/routes.ts';
import { feverRoutes } from './api/fever/index.ts';
import { greaderRoutes } from './api/greader/index.ts';
import { loadAssets } from './assets.ts';
import { randomToken, sessionSecret } from './auth.ts';
import type { AppDeps } from './deps.ts';
import { faviconRoutes } from './favicons.ts';
import { mediaRoutes } from './media.ts';
import { metricsRoutes } from './metrics-route.ts';
import { csrfGuard } from './middleware/csrf/index.ts';
import { localeMiddleware } from './middleware/locale/index.ts';
import { mayReadPrivate, privateReading } from './middleware/private-reading/index.ts';
import { securityHeaders } from './middleware/security-headers/index.ts';
import { passwordHashOf, sessionMiddleware } from './middleware/session/index.ts';
import { renderPage, viewCtxFactory, type WebContext, type WebEnv } from './request-context.ts';
import { actionRoutes } from './routes/actions.ts';
import { forbidden, notFoundPage } from './routes/errors.ts';
import { loginRoutes } from './routes/login.ts';
import { readerRoutes } from './routes/reader.ts';
import { sourceRoutes } from './routes/sources.ts';
import { topicRoutes } from './routes/topics.ts';

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
 * The web reader: pages, actions, login, assets, health and metrics, plus the curated feeds of publish/.
 * Everything that changes state is a POST with a CSRF token and works without JavaScript.
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono<WebEnv>();
  const assets = loadAssets();
  // Signs media-proxy URLs (and sessions when nothing else does). Web replicas behind one proxy must agree on it, or
  // a page from one replica links images another refuses: the configured session secret, else one derived from the
  // password hash, else the one the primary hands its web processes, else (a lone process) a random one.
  const processSecret = sessionSecret(
    deps.config().server.sessionSecret,
    passwordHashOf(deps),
    deps.fallbackSecret ?? randomToken(32),
  );
  const viewCtx = viewCtxFactory(deps, assets.urls, processSecret);
  const feedCache = new FeedCache({ onLookup: (result) => deps.metrics.feedCacheLookups.inc({ result }) });

  app.use('*', httpMetrics(deps));
  app.use(
    '*',
    securityHeaders(() => deps.config().server.mediaProxy !== 'off'),
  );

  machineEndpoints(app, deps, feedCache);
  app.route('/', assets.routes);
  app.route('/', mediaRoutes(deps, processSecret));
  app.route('/', faviconRoutes(deps));
  // Published feeds are meant for other readers, which cannot log in: with private reading only the published
  // ones (topics) stay public, the others need the reader's login (publish/access.ts).
  app.route('/', feedRoutes(deps, { cache: feedCache, mayReadPrivate: (c) => mayReadPrivate(c, deps, processSecret) }));
  // Sync APIs for apps: app passwords and tokens, no session or CSRF cookie (src/web/api/).
  app.route('/', greaderRoutes(deps));
  app.route('/', feverRoutes(deps));

  app.use('*', localeMiddleware());
  app.use('*', sessionMiddleware(deps, processSecret));
  app.use(
    '*',
    csrfGuard(deps, (c, reason) => forbidden(c, viewCtx, reason)),
  );
  app.route('/', loginRoutes(deps, viewCtx));
  app.use('*', privateReading(deps));
  app.route('/', readerRoutes(deps, viewCtx));
  app.route('/', actionRoutes(deps));
  app.route('/', sourceRoutes(deps, viewCtx));
  app.route('/', topicRoutes(deps, viewCtx));

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
export function machineEndpoints(app: Hono<WebEnv>, deps: AppDeps, feedCache?: FeedCache): void {
  app.get('/healthz', async (c) => {
    const ok = await deps.store.ping().catch(() => false);
    c.header('Cache-Control', 'no-store');
    if (!ok) return c.json({ status: 'unavailable' }, 503);
    // Sources failing are the sources page's business; a scheduler whose every cycle fails is this process's.
    const cycles = deps.cycleHealth?.();
    if (cycles && cycles.consecutiveFailures > 0) {
      return c.json({ status: 'cycles_failing', failures: cycles.consecutiveFailures, error: cycles.lastError }, 503);
    }
    // A rejected config edit: still serving on the last good config, but the operator's change is not in force.
    const rejected = deps.manager?.rejected();
    // Which process answered (serve --web-processes N answers from N of them): its role and pid.
    const who = deps.role ? { role: deps.role, pid: process.pid } : {};
    if (rejected) return c.json({ status: 'degraded', config: formatIssues(rejected), ...who });
    return c.json({ status: 'ok', ...who });
  });
  app.route('/', metricsRoutes(deps, feedCache));
}

/** The HTTP face of a `rundschau worker`: health and metrics only. */
export function createWorkerApp(deps: AppDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  app.use('*', httpMetrics(deps));
  machineEndpoints(app, deps);
  return app;
}
