import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { type Config, configSchema } from '../../../config/schema.ts';
import { encodeSession, SESSION_COOKIE, signValue } from '../../auth.ts';
import type { WebEnv } from '../../env.ts';
import { sessionMiddleware } from '../session/index.ts';
import { mayReadPrivate, privateReading } from './index.ts';

const NOW = Date.UTC(2026, 10, 10, 12);
const SECRET = 'a-configured-session-secret';
const PASSWORD_HASH = 'scrypt$1$1$1$c2FsdA==$aGFzaA==';
const loggedInCookie = `${SESSION_COOKIE}=${signValue(
  encodeSession({ sid: 'f'.repeat(24), authenticated: true, expiresAt: NOW / 1000 + 3600 }),
  SECRET,
)}`;

function app(server: Record<string, unknown>) {
  const config: Config = configSchema.parse({ server: { sessionSecret: SECRET, ...server } });
  const deps = { config: () => config, now: () => NOW };
  const a = new Hono<WebEnv>();
  a.get('/feed', (c) => c.text(String(mayReadPrivate(c, deps, 'process-secret'))));
  a.use('*', async (c, next) => {
    c.set('t', (key) => key);
    await next();
  });
  a.use('*', sessionMiddleware(deps, 'process-secret'));
  a.use('*', privateReading(deps));
  a.get('/login', (c) => c.text('login page'));
  a.get('/all', (c) => c.text('river'));
  a.post('/act', (c) => c.text('done'));
  return a;
}

describe('privateReading', () => {
  it('keeps every page behind the login in private mode: pages redirect to it, other requests get 401', async () => {
    const a = app({ reading: 'private', passwordHash: PASSWORD_HASH });
    const page = await a.request('http://127.0.0.1/all?show=unread');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2Fall%3Fshow%3Dunread');
    const post = await a.request('http://127.0.0.1/act', { method: 'POST' });
    expect(post.status).toBe(401);
    expect(await post.json()).toEqual({ ok: false, error: 'loginToRead' });
    expect(await (await a.request('http://127.0.0.1/login')).text()).toBe('login page');
    expect(await (await a.request('http://127.0.0.1/all', { headers: { cookie: loggedInCookie } })).text()).toBe(
      'river',
    );
  });

  it('stays open when reading is public, and when there is no password (no login to ask for)', async () => {
    expect(await (await app({ passwordHash: PASSWORD_HASH }).request('http://127.0.0.1/all')).text()).toBe('river');
    expect(await (await app({ reading: 'private' }).request('http://127.0.0.1/all')).text()).toBe('river');
  });
});

describe('mayReadPrivate', () => {
  it('is the login for routes before the session middleware, and sets no cookie', async () => {
    const a = app({ reading: 'private', passwordHash: PASSWORD_HASH });
    const anonymous = await a.request('http://127.0.0.1/feed');
    expect(await anonymous.text()).toBe('false');
    expect(anonymous.headers.get('set-cookie')).toBeNull();
    expect(await (await a.request('http://127.0.0.1/feed', { headers: { cookie: loggedInCookie } })).text()).toBe(
      'true',
    );
    expect(await (await app({ reading: 'private' }).request('http://127.0.0.1/feed')).text()).toBe('true');
  });
});
