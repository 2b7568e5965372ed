import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type Config, configSchema } from '../../../config/schema.ts';
import { csrfTokenFor, encodeSession, SESSION_COOKIE, signValue } from '../../auth.ts';
import type { WebEnv } from '../../env.ts';
import { requestLoggedIn, type SessionDeps, sessionMiddleware, writeSession } from './index.ts';

const NOW = Date.UTC(2026, 10, 10, 12);
const NOW_SEC = NOW / 1000;
const SECRET = 'a-configured-session-secret';

function deps(server: Record<string, unknown> = {}): SessionDeps {
  const config: Config = configSchema.parse({ server: { sessionSecret: SECRET, ...server } });
  return { config: () => config, now: () => NOW };
}

function app(d: SessionDeps) {
  const a = new Hono<WebEnv>();
  a.use('*', sessionMiddleware(d, 'process-secret'));
  a.get('/', (c) =>
    c.json({
      sid: c.var.session.sid,
      csrf: c.var.csrfToken,
      loginEnabled: c.var.loginEnabled,
      loggedIn: c.var.loggedIn,
      canEdit: c.var.canEdit,
    }),
  );
  a.get('/login-now', (c) => {
    writeSession(c, d, c.var.secret, { sid: 'b'.repeat(24), authenticated: true, expiresAt: NOW_SEC + 3600 });
    return c.text('ok');
  });
  a.get('/logged-in', (c) => c.text(String(requestLoggedIn(c, d, 'process-secret'))));
  return a;
}

/** The session cookie a response leaves the browser with (the last one set). */
const cookieOf = (res: Response) => res.headers.getSetCookie().at(-1)?.split(';')[0] ?? '';
const signed = (sid: string, authenticated: boolean, expiresAt: number) =>
  `${SESSION_COOKIE}=${signValue(encodeSession({ sid, authenticated, expiresAt }), SECRET)}`;

describe('sessionMiddleware', () => {
  it('gives a new visitor a signed anonymous session for a day, whose CSRF token is an HMAC of its sid', async () => {
    const res = await app(deps()).request('http://127.0.0.1/');
    const body = await res.json();
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=${body.sid}\\.0\\.${NOW_SEC + 86_400}\\.[\\w-]+;`));
    expect(setCookie).toMatch(/Max-Age=86400/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/);
    expect(body.csrf).toBe(csrfTokenFor(SECRET, body.sid));
    // No password: no login, everybody edits.
    expect(body).toMatchObject({ loginEnabled: false, loggedIn: false, canEdit: true });
  });

  it('keeps a valid session without writing it again; a forged or expired one is replaced', async () => {
    const a = app(deps());
    const first = await a.request('http://127.0.0.1/');
    const sid = (await first.json()).sid;
    const again = await a.request('http://127.0.0.1/', { headers: { cookie: cookieOf(first) } });
    expect((await again.json()).sid).toBe(sid);
    expect(again.headers.get('set-cookie')).toBeNull();

    const forged = `${SESSION_COOKIE}=${'c'.repeat(24)}.1.${NOW_SEC + 3600}.forgedsignature`;
    const expired = signed('d'.repeat(24), true, NOW_SEC - 1);
    for (const cookie of [forged, expired]) {
      const res = await a.request('http://127.0.0.1/', { headers: { cookie } });
      const body = await res.json();
      expect(body.sid).not.toBe('c'.repeat(24));
      expect(body.sid).not.toBe('d'.repeat(24));
      expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    }
  });

  it('with a password: only an authenticated session is logged in and may edit', async () => {
    const a = app(deps({ passwordHash: 'scrypt$1$1$1$c2FsdA==$aGFzaA==' }));
    expect(await (await a.request('http://127.0.0.1/')).json()).toMatchObject({
      loginEnabled: true,
      loggedIn: false,
      canEdit: false,
    });
    const login = await a.request('http://127.0.0.1/login-now');
    const res = await a.request('http://127.0.0.1/', { headers: { cookie: cookieOf(login) } });
    expect(await res.json()).toMatchObject({ sid: 'b'.repeat(24), loggedIn: true, canEdit: true });
  });

  it('marks the cookie Secure behind an https base URL', async () => {
    const res = await app(deps({ baseUrl: 'https://news.example' })).request('http://127.0.0.1/');
    expect(res.headers.get('set-cookie')).toMatch(/Secure/);
  });
});

describe('requestLoggedIn', () => {
  it('reads the session without creating one; without a password everybody counts as the reader', async () => {
    const open = await app(deps()).request('http://127.0.0.1/logged-in');
    expect(await open.text()).toBe('true');
    const guarded = app(deps({ passwordHash: 'scrypt$1$1$1$c2FsdA==$aGFzaA==' }));
    const anonymous = await guarded.request('http://127.0.0.1/logged-in');
    expect(await anonymous.text()).toBe('false');
    expect(anonymous.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=`)); // from the middleware
    const cookie = signed('e'.repeat(24), true, NOW_SEC + 60);
    expect(await (await guarded.request('http://127.0.0.1/logged-in', { headers: { cookie } })).text()).toBe('true');
  });
});
