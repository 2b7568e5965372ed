import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
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
} from '../../auth.ts';
import type { AppDeps } from '../../deps.ts';
import type { WebEnv } from '../../env.ts';

/** What the session needs of the app: the config (password, secret, base URL) and the clock. */
export type SessionDeps = Pick<AppDeps, 'config' | 'now'>;

export function passwordHashOf(deps: Pick<AppDeps, 'config'>): string | undefined {
  return deps.config().server.passwordHash || process.env.RUNDSCHAU_PASSWORD_HASH || undefined;
}

export function isSecureRequest(c: Context, deps: Pick<AppDeps, 'config'>): boolean {
  return c.req.url.startsWith('https:') || (deps.config().server.baseUrl ?? '').startsWith('https:');
}

/** The secret that signs this process's cookies: configured, derived from the password hash, or per process. */
export function sessionSecretOf(deps: Pick<AppDeps, 'config'>, processSecret: string): string {
  return sessionSecret(deps.config().server.sessionSecret, passwordHashOf(deps), processSecret);
}

const nowSeconds = (deps: SessionDeps) => Math.floor((deps.now?.() ?? Date.now()) / 1000);

/**
 * Every page visitor gets a signed session cookie: anonymous ones only carry the sid behind the CSRF token,
 * logged-in ones also the login. Without a configured password everybody may change state (single-user mode).
 *
 * Signed with auth.ts's synchronous HMAC, not hono/cookie's signed cookies: their WebCrypto signing cost ~75 µs
 * more per request (100 vs 25 µs for a request that reads one cookie), a sixth of a reader page.
 */
export function sessionMiddleware(deps: SessionDeps, processSecret: string): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const passwordHash = passwordHashOf(deps);
    const secret = sessionSecretOf(deps, processSecret);
    let session = readSession(c, secret, nowSeconds(deps));
    if (!session) {
      session = { sid: randomToken(), authenticated: false, expiresAt: nowSeconds(deps) + ANONYMOUS_TTL_SECONDS };
      writeSession(c, deps, secret, session);
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

/** The request's valid, unexpired session, if it carries one. */
export function readSession(c: Context, secret: string, nowSec: number): Session | undefined {
  return decodeSession(verifySigned(getCookie(c, SESSION_COOKIE), secret), nowSec);
}

export function writeSession(c: Context, deps: SessionDeps, secret: string, session: Session): void {
  setCookie(c, SESSION_COOKIE, signValue(encodeSession(session), secret), {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: isSecureRequest(c, deps),
    maxAge: Math.max(0, session.expiresAt - nowSeconds(deps)),
  });
}

/**
 * Whether a request is logged in — without creating a session (the machine endpoints that ask, like feeds, set no
 * cookies). Without a password there is no login: everybody counts as the reader.
 */
export function requestLoggedIn(c: Context, deps: SessionDeps, processSecret: string): boolean {
  if (!passwordHashOf(deps)) return true;
  return readSession(c, sessionSecretOf(deps, processSecret), nowSeconds(deps))?.authenticated === true;
}
