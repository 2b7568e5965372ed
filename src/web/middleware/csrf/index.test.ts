import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../config/schema.ts';
import { silentLogger } from '../../../lib/log.ts';
import type { WebEnv } from '../../env.ts';
import { csrfGuard, sameOriginRequest } from './index.ts';

const ORIGIN = 'http://127.0.0.1:8080';
const TOKEN = 'the-session-csrf-token';

function app(baseUrl?: string) {
  const config = configSchema.parse({ server: baseUrl ? { baseUrl } : {} });
  const a = new Hono<WebEnv>();
  a.use('*', async (c, next) => {
    // What the locale and session middleware set before the guard.
    c.set('csrfToken', TOKEN);
    c.set('t', (key) => key);
    await next();
  });
  a.use(
    '*',
    csrfGuard({ config: () => config, log: silentLogger }, (c, reason) => c.text(reason, 403)),
  );
  a.get('/', (c) => c.text('page'));
  a.post('/act', async (c) => c.text(`done ${(await c.req.parseBody()).value ?? ''}`));
  return a;
}

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  body: new URLSearchParams(fields),
  headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, ...headers },
});

describe('csrfGuard', () => {
  it('lets reads through without a token', async () => {
    expect(await (await app().request(`${ORIGIN}/`)).text()).toBe('page');
  });

  it('lets a same-origin post with the token through, as form field or header; the route still reads the form', async () => {
    const viaField = await app().request(`${ORIGIN}/act`, form({ _csrf: TOKEN, value: 'x' }));
    expect(await viaField.text()).toBe('done x');
    const viaHeader = await app().request(`${ORIGIN}/act`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', origin: ORIGIN, 'x-csrf-token': TOKEN },
    });
    expect(await viaHeader.text()).toBe('done ');
  });

  it('refuses a post without the right token, or from another site even with it', async () => {
    for (const init of [
      form({ value: 'x' }),
      form({ _csrf: 'wrong', value: 'x' }),
      form({ _csrf: TOKEN }, { origin: 'https://evil.example' }),
      form({ _csrf: TOKEN }, { origin: 'null' }),
      { method: 'POST', headers: { 'x-csrf-token': TOKEN, 'sec-fetch-site': 'cross-site' } },
    ]) {
      const res = await app().request(`${ORIGIN}/act`, init);
      expect(res.status).toBe(403);
      expect(await res.text()).toBe('csrfFailed');
    }
  });

  it('accepts the configured base URL as origin (behind a proxy)', async () => {
    const res = await app('https://news.example').request(
      `${ORIGIN}/act`,
      form({ _csrf: TOKEN }, { origin: 'https://news.example' }),
    );
    expect(res.status).toBe(200);
  });
});

describe('sameOriginRequest', () => {
  it('accepts the own and the configured origin, refuses others and cross-site fetches', () => {
    expect(sameOriginRequest('http://127.0.0.1:8080/x', 'http://127.0.0.1:8080', undefined, undefined)).toBe(true);
    expect(
      sameOriginRequest('http://127.0.0.1:8080/x', 'https://news.example', undefined, 'https://news.example/'),
    ).toBe(true);
    expect(sameOriginRequest('http://127.0.0.1:8080/x', 'https://evil.example', undefined, undefined)).toBe(false);
    expect(sameOriginRequest('http://127.0.0.1:8080/x', 'null', undefined, undefined)).toBe(false);
    expect(sameOriginRequest('http://127.0.0.1:8080/x', undefined, 'cross-site', undefined)).toBe(false);
    expect(sameOriginRequest('http://127.0.0.1:8080/x', undefined, 'same-origin', undefined)).toBe(true);
  });
});
