import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEAD_RECHECK_MS } from '../../src/schedule/policy.ts';
import { hashPassword, verifyPassword } from '../../src/web/auth.ts';
import { makeItem } from '../support/items.ts';
import { Client, HOUR, NOW, ORIGIN, seed, type WebHarness, webHarness } from './harness.ts';

/** Titles of the river entries in page order. */
function titles(html: string): string[] {
  return [...html.matchAll(/class="entry-link">([^<]*)</g)].map((m) => m[1]!);
}

function csrfOf(html: string): string {
  return /data-csrf="([^"]+)"/.exec(html)![1]!;
}

let h: WebHarness;
afterEach(async () => {
  await h?.close();
});

describe('rivers', () => {
  beforeEach(async () => {
    h = await webHarness({ topics: [{ slug: 'cloud-native', title: 'Cloud Native' }] });
  });

  it('lists unread items newest first with source, relative time and summary', async () => {
    await seed(h.store, 3);
    const c = new Client(h.app);
    const { res, html } = await c.get('/');
    expect(res.status).toBe(200);
    expect(titles(html)).toEqual([
      'heise item 0',
      'cloud item 0',
      'heise item 1',
      'cloud item 1',
      'heise item 2',
      'cloud item 2',
    ]);
    expect(html).toContain('<time datetime="2026-11-10T11:00:00.000Z" title="10 Nov 2026, 11:00">1 hr. ago</time>');
    expect(html).toContain('Summary of heise-0');
    expect(html).not.toContain('Content of heise-0');
    expect(html).toMatch(/<a href="\/sources\/\d+" class="entry-source">Heise<\/a>/);
  });

  it('escapes hostile titles, summaries and source names in the river', async () => {
    const { heise } = await seed(h.store, 0);
    await h.store.upsertItems(
      heise.id,
      [
        makeItem({
          uid: 'evil',
          title: '<img src=x onerror=alert(1)>',
          summary: '"><script>alert(2)</script>',
          link: 'javascript:alert(3)',
        }),
      ],
      NOW,
    );
    const { html } = await new Client(h.app).get('/');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).not.toContain('javascript:');
    expect(html).not.toMatch(/<img|<script>/);
  });

  it('hides read items in the unread river and shows them under /all', async () => {
    await seed(h.store, 2);
    const [first] = (await h.store.listItems({}, 1)).items;
    await h.store.setRead([first!.id], true);
    const c = new Client(h.app);
    expect(titles((await c.get('/')).html)).not.toContain(first!.title);
    const all = (await c.get('/all')).html;
    expect(titles(all)).toContain(first!.title);
    expect(all).toContain(`class="entry" id="item-${first!.id}"`);
  });

  it('filters by source, category and topic, with unread/all switch', async () => {
    const { heise, cloud } = await seed(h.store, 3);
    const c = new Client(h.app);
    const bySource = titles((await c.get(`/sources/${heise.id}`)).html);
    expect(bySource).toEqual(['heise item 0', 'heise item 1', 'heise item 2']);
    const byCategory = await c.get('/categories/Cloud');
    expect(titles(byCategory.html)).toEqual(['cloud item 0', 'cloud item 1', 'cloud item 2']);
    expect(byCategory.html).toContain('href="/categories/Cloud" aria-current="page" class="side-link side-category"');

    await h.store.upsertTopic({
      slug: 'cloud-native',
      title: 'Cloud Native',
      description: 'K8s and friends',
      rulesHash: 'x',
    });
    const cloudItems = (await h.store.listItems({ sourceId: cloud.id }, 10)).items;
    await h.store.saveTopicScores(
      'cloud-native',
      cloudItems.map((it, i) => ({
        itemId: it.id,
        score: 3 - i,
        included: i < 2,
        evidence: { terms: { kubernetes: 2 } },
        publishedAt: it.publishedAt,
      })),
      NOW,
    );
    const topic = await c.get('/topics/cloud-native');
    expect(topic.res.status).toBe(200);
    expect(titles(topic.html)).toEqual(['cloud item 0', 'cloud item 1']);
    expect(topic.html).toContain('score 3.00');
    expect(topic.html).toContain('K8s and friends');
    for (const ext of ['rss', 'atom', 'json'])
      expect(topic.html).toContain(`>http://127.0.0.1/feeds/cloud-native.${ext}</a>`);
    expect((await c.get('/topics/nope')).res.status).toBe(404);
    expect((await c.get('/sources/999')).res.status).toBe(404);
  });

  it('uses the configured base URL for subscribe links', async () => {
    await h.close();
    h = await webHarness({
      server: { baseUrl: 'https://news.example.org' },
      topics: [{ slug: 'ai', title: 'AI' }],
    });
    const { html } = await new Client(h.app).get('/topics/ai');
    expect(html).toContain('>https://news.example.org/feeds/ai.rss</a>');
  });

  it('keyset pagination stays stable while new items arrive', async () => {
    const { heise } = await seed(h.store, 30);
    const c = new Client(h.app);
    const page1 = await c.get('/all');
    expect(titles(page1.html)).toHaveLength(50);
    const nextHref = /href="(\/all\?before=[^"]+)" class="btn" rel="next"/.exec(page1.html)![1]!.replace(/&amp;/g, '&');
    const before = titles((await c.get(nextHref)).html);
    expect(before).toHaveLength(10);

    await h.store.upsertItems(
      heise.id,
      Array.from({ length: 5 }, (_, i) =>
        makeItem({ uid: `late-${i}`, title: `late ${i}`, publishedAt: NOW - i * 1000 }),
      ),
      NOW,
    );
    const after = await c.get(nextHref);
    expect(titles(after.html)).toEqual(before);
    expect(after.html).not.toContain('rel="next"');
    expect(after.html).toContain('Newest');
    expect(titles((await c.get('/all')).html).slice(0, 5)).toEqual(['late 0', 'late 1', 'late 2', 'late 3', 'late 4']);
  });

  it('shows the sidebar unread counts per category, and per source in the open category', async () => {
    const { heise } = await seed(h.store, 4);
    const sourceCount = new RegExp(
      `href="/sources/${heise.id}" class="side-link"><span class="side-label">Heise</span><span class="count">4</span>`,
    );
    const inCategory = await new Client(h.app).get('/categories/Tech');
    expect(inCategory.html).toMatch(sourceCount);
    const { html } = await new Client(h.app).get('/');
    // Closed categories do not list their sources: with hundreds of sources they would be most of the page.
    expect(html).not.toMatch(sourceCount);
    expect(html).toMatch(
      /href="\/categories\/Cloud"[^>]*><span class="side-label">Cloud<\/span><span class="count">4<\/span>/,
    );
    expect(html).toMatch(/<span class="side-label">Unread<\/span><span class="count">8<\/span>/);
  });
});

describe('item page', () => {
  beforeEach(async () => {
    h = await webHarness();
  });

  it('shows content, link, author, categories, enclosures, topic evidence and marks read on open', async () => {
    await seed(h.store, 1);
    const source = (await h.store.listSources())[0]!;
    const { inserted } = await h.store.upsertItems(
      source.id,
      [
        makeItem({
          uid: 'full',
          title: 'Kubernetes 2.0 erschienen',
          author: 'Jane Doe',
          contentHtml: '<p>Die <strong>Containerorchestrierungsplattform</strong> ist da.</p>',
          categories: ['Cloud', 'K8s'],
          enclosures: [{ url: 'https://cdn.example/podcast.mp3', type: 'audio/mpeg', length: 1234 }],
          publishedAt: NOW - HOUR,
        }),
      ],
      NOW,
    );
    const id = inserted[0]!.id;
    await h.store.upsertTopic({ slug: 'k8s', title: 'Kubernetes', description: '', rulesHash: 'r' });
    await h.store.saveTopicScores('k8s', [
      {
        itemId: id,
        score: 4.5,
        included: true,
        evidence: {
          matched: { kubernetes: 3 },
          '<b>': 'x<y',
          terms: [{ term: 'kubernetes', weight: 2, fields: ['title', 'summary'], contribution: 5 }],
        },
        publishedAt: NOW - HOUR,
      },
    ]);

    const c = new Client(h.app);
    const { res, html } = await c.get(`/items/${id}`);
    expect(res.status).toBe(200);
    expect(html).toContain('<h1 class="item-title">Kubernetes 2.0 erschienen</h1>');
    expect(html).toContain('<strong>Containerorchestrierungsplattform</strong>');
    expect(html).toContain('href="https://example.org/full"');
    expect(html).toContain('by Jane Doe');
    expect(html).toContain('<li class="tag">K8s</li>');
    expect(html).toContain('href="https://cdn.example/podcast.mp3"');
    expect(html).toContain('Why is this here?');
    expect(html).toContain('<strong>4.50</strong>');
    expect(html).toContain('<dt>kubernetes</dt>');
    expect(html).toContain('<dt>&lt;b&gt;</dt>'); // evidence is escaped
    expect(html).toMatch(/Matched:.*kubernetes \(title, summary\) \+5\.00/s);
    expect(html).toContain('name="decision" value="pinned"');
    expect(html).toContain('name="decision" value="excluded"');
    expect((await h.store.getItem(id))!.read).toBe(true);
    expect((await c.get('/items/99999')).res.status).toBe(404);
  });
});

describe('actions with CSRF', () => {
  beforeEach(async () => {
    h = await webHarness();
    await seed(h.store, 3);
  });

  it('marks read and unread, stars, and redirects back (no JavaScript)', async () => {
    const c = new Client(h.app);
    const token = await c.csrf('/');
    const id = (await h.store.listItems({}, 1)).items[0]!.id;
    const res = await c.post(`/items/${id}/read`, { _csrf: token, read: '1', back: '/?show=all' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?show=all');
    expect((await h.store.getItem(id))!.read).toBe(true);
    await c.post(`/items/${id}/read`, { _csrf: token, read: '0', back: '/' });
    expect((await h.store.getItem(id))!.read).toBe(false);
    await c.post(`/items/${id}/star`, { _csrf: token, starred: '1', back: '/' });
    expect((await h.store.getItem(id))!.starred).toBe(true);
    expect(titles((await c.get('/starred')).html)).toEqual([(await h.store.getItem(id))!.title]);
  });

  it('answers JSON to fetch() with the X-CSRF-Token header', async () => {
    const c = new Client(h.app);
    const token = await c.csrf('/');
    const id = (await h.store.listItems({}, 1)).items[0]!.id;
    const res = await c.post(
      `/items/${id}/star`,
      { starred: '1' },
      { 'x-csrf-token': token, accept: 'application/json' },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, id, starred: true });
  });

  it('rejects state changes without a token, with a wrong token, or from another origin', async () => {
    const c = new Client(h.app);
    const token = await c.csrf('/');
    const id = (await h.store.listItems({}, 1)).items[0]!.id;
    expect((await c.post(`/items/${id}/read`, { read: '1' })).status).toBe(403);
    expect((await c.post(`/items/${id}/read`, { read: '1', _csrf: 'forged' })).status).toBe(403);
    expect(
      (await c.post(`/items/${id}/read`, { read: '1', _csrf: token }, { origin: 'https://evil.example' })).status,
    ).toBe(403);
    expect(
      (await c.post(`/items/${id}/read`, { read: '1', _csrf: token }, { origin: '', 'sec-fetch-site': 'cross-site' }))
        .status,
    ).toBe(403);
    // Another visitor's token is worth nothing with this session.
    const other = new Client(h.app);
    expect((await other.post(`/items/${id}/read`, { read: '1', _csrf: token })).status).toBe(403);
    expect((await h.store.getItem(id))!.read).toBe(false);
    // A plain form post (no Origin header sent) with the token is fine.
    const ok = await c.request(`/items/${id}/read`, {
      method: 'POST',
      body: new URLSearchParams({ read: '1', _csrf: token }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(ok.status).toBe(303);
  });

  it('refuses an open redirect in back', async () => {
    const c = new Client(h.app);
    const token = await c.csrf('/');
    const id = (await h.store.listItems({}, 1)).items[0]!.id;
    for (const back of ['https://evil.example/', '//evil.example/', '/\\evil.example']) {
      const res = await c.post(`/items/${id}/read`, { _csrf: token, read: '1', back });
      expect(res.headers.get('location')).toBe('/');
    }
  });

  it('mark all shown as read leaves items that arrived after the page was rendered unread', async () => {
    const c = new Client(h.app);
    const page = (await c.get('/')).html;
    const upTo = /name="upTo" value="([^"]+)"/.exec(page)![1]!;
    const source = (await h.store.listSources())[0]!;
    await h.store.upsertItems(
      source.id,
      [makeItem({ uid: 'new-arrival', title: 'new arrival', publishedAt: NOW })],
      NOW,
    );
    const res = await c.post('/mark-all-read', { _csrf: csrfOf(page), scope: 'all', upTo, back: '/' });
    expect(res.status).toBe(303);
    expect(titles((await c.get('/')).html)).toEqual(['new arrival']);
    expect((await c.post('/mark-all-read', { _csrf: csrfOf(page), scope: 'bogus:1', upTo })).status).toBe(400);
  });

  it('mark all read within a source only touches that source', async () => {
    const { heise } = await seed(h.store, 0);
    const c = new Client(h.app);
    const page = (await c.get(`/sources/${heise.id}`)).html;
    expect(page).toContain(`name="scope" value="source:${heise.id}"`);
    const upTo = /name="upTo" value="([^"]+)"/.exec(page)![1]!;
    await c.post('/mark-all-read', { _csrf: csrfOf(page), scope: `source:${heise.id}`, upTo });
    expect(titles((await c.get('/')).html)).toEqual(['cloud item 0', 'cloud item 1', 'cloud item 2']);
  });

  it('pin/exclude stores the decision and notifies the curator', async () => {
    const calls: [string, number][] = [];
    await h.close();
    h = await webHarness({}, { onTopicDecision: async (slug, id) => void calls.push([slug, id]) });
    await seed(h.store, 1);
    const id = (await h.store.listItems({}, 1)).items[0]!.id;
    await h.store.upsertTopic({ slug: 't', title: 'T', description: '', rulesHash: 'r' });
    await h.store.saveTopicScores('t', [{ itemId: id, score: 0.2, included: false, evidence: {}, publishedAt: NOW }]);
    const c = new Client(h.app);
    const token = await c.csrf(`/items/${id}`);
    const res = await c.post(`/items/${id}/topics/t`, { _csrf: token, decision: 'pinned', back: `/items/${id}` });
    expect(res.status).toBe(303);
    expect((await h.store.itemTopics(id))[0]).toMatchObject({ decision: 'pinned', included: true });
    expect(calls).toEqual([['t', id]]);
    expect((await c.post(`/items/${id}/topics/t`, { _csrf: token, decision: 'maybe' })).status).toBe(400);
  });
});

describe('login, sessions, private mode', () => {
  let passwordHash: string;
  beforeEach(async () => {
    passwordHash ??= await hashPassword('correct horse');
  });

  it('hashes and verifies scrypt passwords in the documented format', async () => {
    expect(passwordHash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse', passwordHash)).toBe(true);
    expect(await verifyPassword('wrong', passwordHash)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
    h = await webHarness();
  });

  it('with a password, changes need a login; login sets a signed HttpOnly session', async () => {
    h = await webHarness({ server: { passwordHash } });
    await seed(h.store, 2);
    const id = (await h.store.listItems({}, 1)).items[0]!.id;
    const c = new Client(h.app);
    const first = await c.get('/');
    expect(first.res.status).toBe(200); // public reading
    expect(first.html).not.toContain('action="/items/');
    expect(first.html).toContain('href="/login?next=%2F"');
    const token = csrfOf(first.html);
    const denied = await c.post(`/items/${id}/read`, { _csrf: token, read: '1', back: '/' });
    expect(denied.status).toBe(303);
    expect(denied.headers.get('location')).toBe('/login?next=%2F');
    expect((await h.store.getItem(id))!.read).toBe(false);
    // Opening an item does not mark it read for an anonymous visitor.
    await c.get(`/items/${id}`);
    expect((await h.store.getItem(id))!.read).toBe(false);

    const bad = await c.post('/login', { _csrf: token, password: 'nope', next: '/' });
    expect(bad.status).toBe(401);
    const badHtml = await bad.text();
    expect(badHtml).toContain('Wrong password.');
    expect(badHtml).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>|\sstyle=/);
    const good = await c.post('/login', { _csrf: token, password: 'correct horse', next: '/all' });
    expect(good.status).toBe(303);
    expect(good.headers.get('location')).toBe('/all');
    const cookie = good.headers.getSetCookie().find((l) => l.startsWith('rs_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=2592000/);

    const after = await c.get('/');
    expect(after.html).toContain(`action="/items/${id}/read"`);
    const newToken = csrfOf(after.html);
    expect(newToken).not.toBe(token); // the session id is rotated on login
    expect((await c.post(`/items/${id}/read`, { _csrf: newToken, read: '1' })).status).toBe(303);
    expect((await h.store.getItem(id))!.read).toBe(true);

    // A tampered cookie is an anonymous session.
    const forged = new Client(h.app);
    forged.cookies.set('rs_session', c.cookies.get('rs_session')!.replace('.1.', '.0.'));
    expect((await forged.get('/')).html).not.toContain('action="/items/');

    await c.post('/logout', { _csrf: newToken });
    expect((await c.get('/')).html).not.toContain('action="/items/');
  });

  it('rate-limits login attempts per IP with 429', async () => {
    h = await webHarness({ server: { passwordHash } });
    const c = new Client(h.app);
    const token = await c.csrf('/login');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await c.post('/login', { _csrf: token, password: `guess${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const limited = await c.post('/login', { _csrf: token, password: 'correct horse' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('private mode sends everyone to the login, except health, metrics and assets', async () => {
    h = await webHarness({ server: { passwordHash, reading: 'private' } });
    await seed(h.store, 1);
    const c = new Client(h.app);
    for (const path of ['/', '/all', '/sources', '/search?q=x', '/items/1', '/topics']) {
      const res = await c.request(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    expect((await c.request('/healthz')).status).toBe(200);
    expect((await c.request('/login')).status).toBe(200);
    const token = await c.csrf('/login');
    await c.post('/login', { _csrf: token, password: 'correct horse', next: '/' });
    const { res, html } = await c.get('/');
    expect(res.status).toBe(200);
    expect(titles(html)).toHaveLength(2);
  });
});

describe('search', () => {
  beforeEach(async () => {
    h = await webHarness();
  });

  it('highlights matches in title and snippet and escapes everything else', async () => {
    await seed(h.store, 1);
    const source = (await h.store.listSources())[0]!;
    await h.store.upsertItems(
      source.id,
      [
        makeItem({
          uid: 'xss',
          title: '<img src=x onerror=alert(1)> Rechenzentren in Frankfurt',
          summary: 'Neue Rechenzentren <script>alert(2)</script> entstehen.',
          contentHtml: '<p>Neue Rechenzentren entstehen &lt;script&gt;alert(2)&lt;/script&gt;.</p>',
          publishedAt: NOW - HOUR,
        }),
      ],
      NOW,
    );
    const c = new Client(h.app);
    const { html } = await c.get(`/search?q=${encodeURIComponent('Rechenzentrum')}`);
    expect(html).toContain('<mark>Rechenzentren</mark>');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toMatch(/<script>alert/);
    expect(html).toContain('value="Rechenzentrum"');
    const none = await c.get('/search?q=%22%3Cscript%3E');
    expect(none.res.status).toBe(200);
    expect(none.html).not.toContain('<script>');
    expect((await c.get('/search')).res.status).toBe(200);
  });
});

describe('security headers and markup', () => {
  beforeEach(async () => {
    h = await webHarness({ topics: [{ slug: 'ai', title: 'AI' }] });
    await seed(h.store, 2);
  });

  it('sends a strict CSP and friends on pages and assets', async () => {
    const c = new Client(h.app);
    for (const path of ['/', '/assets/app.css', '/healthz', '/nope']) {
      const res = await c.request(path);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp, path).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("style-src 'self';");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain('frame-src youtube-nocookie.com');
      expect(csp).not.toContain('unsafe');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('has no inline script, inline style or event handler attribute on any page', async () => {
    const c = new Client(h.app);
    const id = (await h.store.listItems({}, 1)).items[0]!.id;
    const { heise } = { heise: (await h.store.listSources())[0]! };
    const pages = [
      '/',
      '/all',
      '/starred',
      `/sources/${heise.id}`,
      '/categories/Tech',
      '/sources',
      '/topics',
      '/topics/ai',
      `/items/${id}`,
      '/search?q=item',
      '/help',
      '/nope',
    ];
    for (const path of pages) {
      const { html } = await c.get(path);
      expect(html.startsWith('<!DOCTYPE html>'), path).toBe(true);
      expect(html, path).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
      expect(html, path).not.toMatch(/<style/i);
      expect(html, path).not.toMatch(/\sstyle=/i);
      expect(html, path).not.toMatch(/\son[a-z]+=/i);
      expect(html, path).not.toMatch(/javascript:/i);
      // Landmarks and the skip link.
      expect(html).toContain('<a class="skip-link" href="#main">');
      expect(html).toMatch(/<header class="site-header">/);
      expect(html).toMatch(/<main id="main"/);
      expect(html).toMatch(/<nav class="main-nav" aria-label=/);
    }
  });

  it('serves assets under content-hashed URLs with long cache headers', async () => {
    const c = new Client(h.app);
    const { html } = await c.get('/');
    const css = /<link rel="stylesheet" href="(\/assets\/app\.[0-9a-f]{12}\.css)"/.exec(html)![1]!;
    const js = /<script src="(\/assets\/app\.[0-9a-f]{12}\.js)"/.exec(html)![1]!;
    const cssRes = await c.request(css);
    expect(cssRes.status).toBe(200);
    expect(cssRes.headers.get('content-type')).toContain('text/css');
    expect(cssRes.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await cssRes.text()).toContain('prefers-color-scheme: dark');
    const jsRes = await c.request(js);
    expect(jsRes.headers.get('content-type')).toContain('javascript');
    expect((await c.request('/assets/app.000000000000.css')).status).toBe(404);
    expect((await c.request(css, { headers: { 'if-none-match': cssRes.headers.get('etag')! } })).status).toBe(304);
  });

  it('makes a broken source obvious on the sources page: health, reason, last error, retention', async () => {
    const { cloud } = await seed(h.store, 1);
    await h.store.finishFetch(
      cloud.id,
      { status: 'failing', errorReason: 'not_a_feed', lastError: 'an HTML page, not a feed', consecutiveErrors: 3 },
      { startedAt: Date.now(), durationMs: 3, outcome: 'error', errorReason: 'not_a_feed' },
    );
    const { html } = await new Client(h.app).get('/sources');
    const row = html.slice(html.indexOf('status-failing'), html.indexOf('</tr>', html.indexOf('status-failing')));
    expect(row).toContain('Cloud Blog');
    expect(row).toContain('not_a_feed');
    expect(row).toContain('an HTML page, not a feed');
    expect(row).toContain('default retention');
    expect(html.indexOf('status-failing')).toBeLessThan(html.indexOf('status-new'));
  });

  it('shows a dead source first, as dead, with the date of its weekly re-check', async () => {
    const { cloud } = await seed(h.store, 1);
    const recheck = Date.now() + DEAD_RECHECK_MS;
    await h.store.finishFetch(
      cloud.id,
      { status: 'dead', errorReason: 'gone', lastError: 'HTTP 410', consecutiveErrors: 1, nextFetchAt: recheck },
      { startedAt: Date.now(), durationMs: 3, outcome: 'error', errorReason: 'gone' },
    );
    const { html } = await new Client(h.app).get('/sources');
    const start = html.indexOf('status-dead');
    const row = html.slice(start, html.indexOf('</tr>', start));
    expect(row).toContain('Cloud Blog');
    expect(row).toContain('badge-dead');
    expect(row).toContain(`datetime="${new Date(recheck).toISOString()}"`);
    expect(start).toBeLessThan(html.indexOf('status-new'));
  });

  it('carries feed autodiscovery links for all items and each topic', async () => {
    const { html } = await new Client(h.app).get('/sources');
    for (const slug of ['all', 'ai']) {
      expect(html).toContain(
        `<link rel="alternate" type="application/rss+xml" title="${slug === 'all' ? 'All items' : 'AI'} (RSS)" href="/feeds/${slug}.rss"/>`,
      );
      expect(html).toContain(`type="application/atom+xml"`);
      expect(html).toContain(`href="/feeds/${slug}.json"`);
    }
  });
});

describe('i18n', () => {
  beforeEach(async () => {
    h = await webHarness();
    await seed(h.store, 1);
  });

  it('speaks German to a German browser and English otherwise', async () => {
    const de = await new Client(h.app, { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' }).get('/');
    expect(de.html).toContain('<html lang="de">');
    expect(de.html).toContain('Ungelesen');
    expect(de.html).toContain('Alle angezeigten als gelesen markieren');
    expect(de.html).toMatch(/vor 1 Std\./);
    expect(de.res.headers.get('vary')).toContain('Accept-Language');
    const en = await new Client(h.app, { 'accept-language': 'fr-FR,en;q=0.3,de;q=0.2' }).get('/');
    expect(en.html).toContain('<html lang="en">');
    expect(en.html).toContain('Mark all shown as read');
  });

  it('remembers ?lang= in a cookie', async () => {
    const c = new Client(h.app, { 'accept-language': 'en' });
    expect((await c.get('/?lang=de')).html).toContain('<html lang="de">');
    expect((await c.get('/')).html).toContain('<html lang="de">');
  });
});

describe('health and metrics', () => {
  beforeEach(async () => {
    h = await webHarness();
  });

  it('/healthz answers 200 when the store pings and 503 when not', async () => {
    const ok = await h.app.request(`${ORIGIN}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok' });
    h.store.ping = async () => {
      throw new Error('db down');
    };
    const down = await h.app.request(`${ORIGIN}/healthz`);
    expect(down.status).toBe(503);
  });

  it('/metrics exposes request counts by route pattern', async () => {
    await seed(h.store, 1);
    const c = new Client(h.app);
    await c.get('/');
    await c.get('/items/1');
    await c.get('/items/2');
    const res = await h.app.request(`${ORIGIN}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('rundschau_http_requests_total{method="GET",route="/",status="200"} 1');
    expect(text).toContain('rundschau_http_requests_total{method="GET",route="/items/:id{[0-9]+}",status="200"} 2');
    expect(text).toContain('rundschau_http_request_duration_seconds_bucket');
    const stored = await h.store.countItems();
    expect(stored).toBeGreaterThan(0);
    expect(text).toContain(`rundschau_items_stored ${stored}`);
  });
});

describe('curated feeds are mounted', () => {
  beforeEach(async () => {
    h = await webHarness({ topics: [{ slug: 'ai', title: 'AI' }] });
    await seed(h.store, 2);
  });

  it('serves /feeds/all.* and /opml.xml next to the reader', async () => {
    const c = new Client(h.app);
    const rss = await c.request('/feeds/all.rss');
    expect(rss.status).toBe(200);
    expect(rss.headers.get('content-type')).toContain('rss');
    expect((await c.request('/opml.xml')).status).toBe(200);
    expect(rss.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});
