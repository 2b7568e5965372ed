import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { LoginPage } from '../../../views/pages.tsx';
import { safeLocalPath } from '../../lib/links.ts';
import { attemptCounter, randomToken, SESSION_TTL_SECONDS, verifyPassword } from '../auth.ts';
import type { AppDeps } from '../deps.ts';
import { passwordHashOf, writeSession } from '../middleware/session/index.ts';
import { renderPage, type ViewCtxFactory, type WebContext, type WebEnv } from '../request-context.ts';

const LOGIN_ATTEMPTS_PER_MINUTE = 5;

export function clientIp(c: WebContext): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests has no socket.
    return 'unknown';
  }
}

export function loginRoutes(
  deps: Pick<AppDeps, 'config' | 'log' | 'now' | 'attempts'>,
  viewCtx: ViewCtxFactory,
): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const attempt = attemptCounter(deps.attempts, 'login', LOGIN_ATTEMPTS_PER_MINUTE, 60_000);
  const now = () => deps.now?.() ?? Date.now();

  app.get('/login', (c) => {
    const next = safeLocalPath(c.req.query('next'));
    if (!c.var.loginEnabled || c.var.loggedIn) return c.redirect(next, 303);
    return renderPage(c, LoginPage({ ctx: viewCtx(c, 'other'), next }));
  });

  app.post('/login', async (c) => {
    const body = await c.req.parseBody();
    const next = safeLocalPath(body.next);
    const hash = passwordHashOf(deps);
    if (!hash) return c.redirect(next, 303);
    const ip = clientIp(c);
    const wait = await attempt(ip, now());
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      deps.log.warn({ ip }, 'login rate-limited');
      return renderPage(c, LoginPage({ ctx: viewCtx(c, 'other'), next, error: c.var.t('loginRateLimited') }), 429);
    }
    const password = typeof body.password === 'string' ? body.password : '';
    if (!(await verifyPassword(password, hash))) {
      deps.log.warn({ ip }, 'login failed');
      return renderPage(c, LoginPage({ ctx: viewCtx(c, 'other'), next, error: c.var.t('loginFailed') }), 401);
    }
    // A fresh sid on login: a session id planted before login is worth nothing afterwards.
    writeSession(c, deps, c.var.secret, {
      sid: randomToken(),
      authenticated: true,
      expiresAt: Math.floor(now() / 1000) + SESSION_TTL_SECONDS,
    });
    return c.redirect(next, 303);
  });

  app.post('/logout', async (c) => {
    writeSession(c, deps, c.var.secret, {
      sid: randomToken(),
      authenticated: false,
      expiresAt: Math.floor(now() / 1000) + 3600,
    });
    return c.redirect('/', 303);
  });

  return app;
}
