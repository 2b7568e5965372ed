import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { WebEnv } from '../../env.ts';
import { localeMiddleware } from './index.ts';

function app() {
  const a = new Hono<WebEnv>();
  a.use('*', localeMiddleware());
  a.get('/', (c) => c.text(`${c.var.locale} ${c.var.t('navUnread')}`));
  return a;
}

const get = (headers: Record<string, string> = {}, path = '/') => app().request(`http://127.0.0.1${path}`, { headers });

describe('localeMiddleware', () => {
  it('picks the best supported language of Accept-Language by q-value, English when none fits', async () => {
    expect(await (await get({ 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' })).text()).toBe('de Ungelesen');
    expect(await (await get({ 'accept-language': 'en;q=0.1, de-AT;q=0.8' })).text()).toBe('de Ungelesen');
    expect(await (await get({ 'accept-language': 'fr-FR,en;q=0.3,de;q=0.2' })).text()).toBe('en Unread');
    expect(await (await get({ 'accept-language': 'fr-FR' })).text()).toBe('en Unread');
    expect(await (await get({ 'accept-language': 'de;q=0' })).text()).toBe('en Unread');
    expect(await (await get()).text()).toBe('en Unread');
  });

  it('remembers ?lang= in a cookie, which then beats Accept-Language; a guessed language sets no cookie', async () => {
    const chosen = await get({ 'accept-language': 'en' }, '/?lang=de');
    expect(await chosen.text()).toBe('de Ungelesen');
    const cookie = chosen.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^lang=de;/);
    expect(cookie).toMatch(/Max-Age=31536000/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    expect(await (await get({ 'accept-language': 'en', cookie: 'lang=de' })).text()).toBe('de Ungelesen');
    // The query beats the cookie.
    expect(await (await get({ cookie: 'lang=de' }, '/?lang=en')).text()).toBe('en Unread');

    const guessed = await get({ 'accept-language': 'de' });
    expect(guessed.headers.get('set-cookie')).toBeNull();
  });

  it('ignores a language it does not speak, in the query and in the cookie', async () => {
    const res = await get({ 'accept-language': 'de' }, '/?lang=xx');
    expect(await res.text()).toBe('de Ungelesen');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await (await get({ cookie: 'lang=fr' })).text()).toBe('en Unread');
  });

  it('says the answer varies by Accept-Language and Cookie', async () => {
    expect((await get()).headers.get('vary')).toBe('Accept-Language, Cookie');
  });
});
