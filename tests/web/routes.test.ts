import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sanitizeContent } from '../../src/normalize/sanitize.ts';
import { DEAD_RECHECK_MS } from '../../src/schedule/policy.ts';
import { hashPassword, verifyPassword } from '../../src/web/auth.ts';
import { storedItemCount } from '../support/databases.ts';
import { makeItem, makeSource } from '../support/items.ts';
import { Client, HOUR, NOW, ORIGIN, seed, type WebHarness, webHarness } from '../support/web.ts';

/** Titles of the river entries in page order. */
function titles(html: string): string[] {
  return [...html.matchAll(/class="entry-link">([^<]*)</g)].map((m) => m[1]!);
}

function csrfOf(html: string): string {
  return /data-csrf="([^"]+)"/.exec(html)![1]!;
}

let h: WebHarness;
const METRICS_TOKEN = 'metrics-token-for-tests-0123';
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
    expect(html).toMatch(
      /<a href="\/sources\/(\d+)" class="entry-source"><img class="favicon" src="\/favicons\/\1"[^>]*>Heise<\/a>/,
    );
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
    // (The only images are the sources' own icons, served by the reader.)
    expect(html.replace(/<img class="favicon" src="\/favicons\/\d+"[^>]*>/g, '')).not.toMatch(/<img|<script>/);
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
      `href="/sources/${heise.id}" class="side-link"><img class="favicon" src="/favicons/${heise.id}" width="16" height="16" alt="" loading="lazy" decoding="async"><span class="side-label">Heise</span><span class="count">4</span>`,
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

describe('item page: read-on-open and next/previous', () => {
  beforeEach(async () => {
    h = await webHarness();
  });

  it("marks read on open only for the reader's own navigation (Sec-Fetch-Site same-origin, none, or absent)", async () => {
    await seed(h.store, 4);
    const ids = (await h.store.listItems({}, 8)).items.map((i) => i.id);
    const c = new Client(h.app);
    const open = async (id: number, headers: Record<string, string>) => {
      const { res } = await c.get(`/items/${id}`, headers);
      expect(res.status).toBe(200);
      return (await h.store.getItem(id))!.read;
    };
    // A foreign page's <img src=…/items/N>, link or frame: shown, never marked.
    expect(await open(ids[0]!, { 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'image' })).toBe(false);
    expect(await open(ids[0]!, { 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'document' })).toBe(false);
    expect(await open(ids[0]!, { 'sec-fetch-site': 'same-site', 'sec-fetch-dest': 'image' })).toBe(false);
    expect(await open(ids[0]!, { 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'image' })).toBe(false);
    expect((await h.store.unreadCounts()).total).toBe(8);
    expect(await open(ids[1]!, { 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'document' })).toBe(true);
    expect(await open(ids[2]!, { 'sec-fetch-site': 'none', 'sec-fetch-dest': 'document' })).toBe(true);
    // No Fetch-Metadata at all (an old browser, curl): opening is reading, as before.
    expect(await open(ids[3]!, {})).toBe(true);
    // Back on the page after "Mark as unread" there (a form post without JavaScript redirects back): it sticks.
    const page = (await c.get(`/items/${ids[3]}`, { 'sec-fetch-site': 'none' })).html;
    const back = /name="back" value="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&');
    expect(back).toBe(`/items/${ids[3]}?keep=unread`);
    const token = csrfOf(page);
    await c.post(`/items/${ids[3]}/read`, { _csrf: token, read: '0', back });
    await c.get(back, { 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'document' });
    expect((await h.store.getItem(ids[3]!))!.read).toBe(false);
  });

  it('links the neighbours in the list the item was opened from', async () => {
    const { heise } = await seed(h.store, 3);
    const c = new Client(h.app);
    const river = (await c.get(`/sources/${heise.id}`)).html;
    const links = [...river.matchAll(/href="(\/items\/\d+[^"]*)" class="entry-link"/g)].map((m) =>
      m[1]!.replace(/&amp;/g, '&'),
    );
    expect(links).toHaveLength(3);
    expect(links[0]).toMatch(new RegExp(`^/items/\\d+\\?in=source%3A${heise.id}&show=unread$`));
    const pager = (html: string) => ({
      prev: /href="([^"]+)" class="btn" rel="prev"/.exec(html)?.[1]?.replace(/&amp;/g, '&'),
      next: /href="([^"]+)" class="btn" rel="next"/.exec(html)?.[1]?.replace(/&amp;/g, '&'),
    });
    const first = pager((await c.get(links[0]!)).html);
    expect(first).toEqual({ prev: undefined, next: links[1] });
    const second = pager((await c.get(links[1]!)).html);
    // Unread only: the first is read now, so nothing newer is left; the third is next.
    expect(second).toEqual({ prev: undefined, next: links[2] });
    // In "all", read items stay in the walk; other sources' items never enter it.
    const all = links[1]!.replace('&show=unread', '');
    expect(pager((await c.get(all)).html)).toEqual({
      prev: links[0]!.replace('&show=unread', ''),
      next: links[2]!.replace('&show=unread', ''),
    });
    // Without a list, or with a bogus one, the walk is over all items (the other source's ones between).
    const plain = pager((await c.get(links[1]!.split('?')[0]!)).html);
    expect(plain.prev).toMatch(/^\/items\/\d+$/);
    expect((await h.store.getItem(Number(plain.prev!.split('/').pop())))!.sourceId).not.toBe(heise.id);
    expect(pager((await c.get(`${links[1]!.split('?')[0]}?in=bogus`)).html)).toEqual(plain);
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
    // With the unread counts, so the page's sidebar can follow without a reload.
    expect(await res.json()).toEqual({ ok: true, id, starred: true, counts: await h.store.unreadCounts() });
    const read = await c.post(
      `/items/${id}/read`,
      { read: '1' },
      { 'x-csrf-token': token, accept: 'application/json' },
    );
    expect(await read.json()).toMatchObject({ ok: true, id, read: true, changed: 1, counts: { total: 5, starred: 1 } });
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

  it('mark all shown as read marks exactly the shown items, not newer arrivals nor older pages, and can be undone', async () => {
    const { heise } = await seed(h.store, 30); // 60 items: the unread river shows 50
    const c = new Client(h.app);
    const page = (await c.get('/')).html;
    const shown = /name="ids" value="([^"]+)"/.exec(page)![1]!.split(',').map(Number);
    expect(shown).toHaveLength(50);
    const olderPage = (await h.store.listItems({}, 100)).items.slice(50).map((i) => i.id);
    const { inserted } = await h.store.upsertItems(
      heise.id,
      [
        makeItem({ uid: 'new-arrival', title: 'new arrival', publishedAt: NOW }),
        // Published (by the feed's clock) among the shown ones, but fetched after the page was rendered.
        makeItem({ uid: 'back-dated', title: 'back-dated arrival', publishedAt: NOW - 5 * HOUR - 1 }),
      ],
      NOW,
    );
    await h.store.setRead([shown[3]!], true); // read meanwhile in another tab: not this action's to undo
    const res = await c.post('/mark-all-read', { _csrf: csrfOf(page), ids: shown.join(','), back: '/' });
    expect(res.status).toBe(303);
    const after = await c.get('/');
    expect(titles(after.html).slice(0, 2)).toEqual(['new arrival', 'back-dated arrival']);
    expect(titles(after.html)).toHaveLength(2 + olderPage.length);
    for (const id of olderPage) expect((await h.store.getItem(id))!.read).toBe(false);
    for (const { id } of inserted) expect((await h.store.getItem(id))!.read).toBe(false);
    expect((await h.store.unreadCounts()).total).toBe(2 + olderPage.length);

    // The page after the action offers an Undo of exactly what it changed, once.
    expect(after.html).toContain('49 marked as read');
    const undoIds = /action="\/mark-all-read\/undo".*?name="ids" value="([^"]+)"/s.exec(after.html)![1]!;
    expect(undoIds.split(',').map(Number).sort()).toEqual(shown.filter((id) => id !== shown[3]).sort());
    expect((await c.get('/')).html).not.toContain('/mark-all-read/undo');
    expect((await c.post('/mark-all-read/undo', { _csrf: csrfOf(page), ids: undoIds, back: '/' })).status).toBe(303);
    expect((await h.store.unreadCounts()).total).toBe(2 + olderPage.length + 49);
    expect((await h.store.getItem(shown[3]!))!.read).toBe(true);

    // Bad input: a clear 400, nothing changed.
    for (const ids of ['', '1,x', '-1', Array.from({ length: 501 }, (_, i) => i + 1).join(',')]) {
      const bad = await c.post('/mark-all-read', { _csrf: csrfOf(page), ids });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toMatch(/^ids: expected/);
    }
    expect((await h.store.unreadCounts()).total).toBe(2 + olderPage.length + 49);
  });

  it('another session cannot plant an Undo: the flash is signed and tied to the session', async () => {
    await seed(h.store, 1);
    const a = new Client(h.app);
    const page = (await a.get('/')).html;
    const ids = /name="ids" value="([^"]+)"/.exec(page)![1]!;
    await a.post('/mark-all-read', { _csrf: csrfOf(page), ids, back: '/' });
    const b = new Client(h.app);
    await b.get('/');
    b.cookies.set('rs_undo', a.cookies.get('rs_undo')!);
    expect((await b.get('/')).html).not.toContain('/mark-all-read/undo');
    expect((await a.get('/')).html).toContain('/mark-all-read/undo');
  });

  it('mark all read within a source only touches that source', async () => {
    const { heise } = await seed(h.store, 0);
    const c = new Client(h.app);
    const page = (await c.get(`/sources/${heise.id}`)).html;
    const ids = /name="ids" value="([^"]+)"/.exec(page)![1]!;
    await c.post('/mark-all-read', { _csrf: csrfOf(page), ids });
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

  it('private mode sends everyone to the login, except health and assets', async () => {
    h = await webHarness({ server: { passwordHash, reading: 'private' } });
    await seed(h.store, 1);
    const c = new Client(h.app);
    for (const path of ['/', '/all', '/sources', '/search?q=x', '/items/1', '/topics']) {
      const res = await c.request(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
    expect((await c.request('/healthz')).status).toBe(200);
    expect((await c.request('/metrics')).status).toBe(401); // not loopback, no token: see 'health and metrics'
    expect((await c.request('/login')).status).toBe(200);
    const token = await c.csrf('/login');
    await c.post('/login', { _csrf: token, password: 'correct horse', next: '/' });
    const { res, html } = await c.get('/');
    expect(res.status).toBe(200);
    expect(titles(html)).toHaveLength(2);
  });
});

describe('private reading and the published feeds', () => {
  let passwordHash: string;
  const PRIVATE_PATHS = [
    '/feeds/all.rss',
    '/feeds/all.atom',
    '/feeds/all.json?limit=5',
    '/feeds/category/Tech.atom',
    '/feeds/category/Cloud.json',
    '/feeds/internal.rss',
    '/opml.xml',
  ];
  const PUBLIC_PATHS = ['/feeds/ai.rss', '/feeds/ai.atom', '/feeds/ai.json'];

  beforeEach(async () => {
    passwordHash ??= await hashPassword('correct horse');
    h = await webHarness({
      server: { passwordHash, reading: 'private', websubHub: 'https://hub.example/' },
      sources: [
        makeSource('https://heise.example/feed', { category: 'Tech' }),
        makeSource('https://cloud.example/feed', { category: 'Cloud' }),
      ],
      topics: [
        { slug: 'ai', title: 'AI' },
        { slug: 'internal', title: 'Internal', public: false },
      ],
    });
    await seed(h.store, 2);
  });

  it('answers 401 without the login for everything not published, and sets no cookie', async () => {
    const c = new Client(h.app);
    for (const path of PRIVATE_PATHS) {
      const res = await c.request(path);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
      expect(res.headers.get('set-cookie'), path).toBeNull();
      expect(await res.text(), path).not.toContain('heise item');
    }
    // A forged or anonymous session is no login.
    const anonymous = new Client(h.app);
    await anonymous.get('/login');
    expect(anonymous.cookies.has('rs_session')).toBe(true);
    for (const path of PRIVATE_PATHS) expect((await anonymous.request(path)).status, path).toBe(401);
  });

  it('serves them with the login, marked private for caches and without a hub', async () => {
    const c = new Client(h.app);
    await c.post('/login', { _csrf: await c.csrf('/login'), password: 'correct horse', next: '/' });
    for (const path of PRIVATE_PATHS) {
      const res = await c.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('private, max-age=300');
      const text = await res.text();
      if (path.startsWith('/feeds/') && !path.startsWith('/feeds/internal')) expect(text, path).toContain('item');
      expect(text, path).not.toContain('hub.example');
    }
    const etag = (await c.request('/feeds/all.atom')).headers.get('etag')!;
    expect((await c.request('/feeds/all.atom', { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('keeps published topic feeds public, with the hub, and a topic can opt out', async () => {
    const c = new Client(h.app);
    for (const path of PUBLIC_PATHS) {
      const res = await c.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('public, max-age=300');
      expect(res.headers.get('link'), path).toContain('<https://hub.example/>; rel="hub"');
    }
    expect((await c.request('/feeds/internal.atom')).status).toBe(401);
    h.setConfig({ topics: [{ slug: 'ai', title: 'AI', public: false }] });
    expect((await c.request('/feeds/ai.atom')).status).toBe(401);
  });

  it('public reading keeps every feed open, as before', async () => {
    h.setConfig({ server: { passwordHash, reading: 'public' } });
    const c = new Client(h.app);
    for (const path of [...PRIVATE_PATHS, ...PUBLIC_PATHS]) expect((await c.request(path)).status, path).toBe(200);
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
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; <mark>Rechenzentren</mark> in Frankfurt');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toMatch(/<script>alert/);
    expect(html).toContain('value="Rechenzentrum"');
    const none = await c.get('/search?q=%22%3Cscript%3E');
    expect(none.res.status).toBe(200);
    expect(none.html).not.toContain('<script>');
    expect((await c.get('/search')).res.status).toBe(200);
  });

  it('lists results in relevance order: title matches first, newer first among equals', async () => {
    const { heise } = await seed(h.store, 0);
    const item = (uid: string, title: string, summary: string, hoursAgo: number) =>
      makeItem({ uid, title, summary, contentHtml: '', publishedAt: NOW - hoursAgo * HOUR });
    await h.store.upsertItems(
      heise.id,
      [
        item('mid-title', 'Kubernetes security audit', 'What changed.', 24),
        item('new-body', 'Weekly roundup', 'Storage, kubernetes and more.', 1),
        item('old-title', 'Kubernetes release party', 'What changed.', 48),
        item('unrelated', 'Kubelet? No: cooking', 'Recipes.', 2),
      ],
      NOW,
    );
    const { html } = await new Client(h.app).get('/search?q=kubernetes');
    const found = [...html.matchAll(/class="entry-link">(.*?)<\/a>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));
    expect(found).toEqual(['Kubernetes security audit', 'Kubernetes release party', 'Weekly roundup']);
    expect(html).toContain('<mark>Kubernetes</mark> security audit');
    expect(html).toContain('Storage, <mark>kubernetes</mark> and more.');
  });

  it('finds an item by its extracted article and shows the article excerpt with the match marked', async () => {
    const { heise } = await seed(h.store, 0);
    const result = await h.store.upsertItems(
      heise.id,
      [
        makeItem({
          uid: 'teaser',
          title: 'Region opens',
          summary: 'A teaser …',
          contentHtml: '',
          publishedAt: NOW - HOUR,
        }),
      ],
      NOW,
    );
    const id = result.inserted[0]!.id;
    const c = new Client(h.app);
    expect(titles((await c.get('/search?q=kryostat')).html)).toEqual([]);
    await h.store.queueFullTexts([id], NOW);
    await h.store.finishFullText(
      id,
      { status: 'done', contentHtml: '<p>The <b>kryostat</b> hall &amp; more.</p>' },
      NOW,
    );
    const { html } = await c.get('/search?q=kryostat');
    expect(html).toContain('class="entry-link">Region opens</a>');
    expect(html).toContain('The <mark>kryostat</mark> hall &amp; more.');
  });

  it('says why a query without a word to look for finds nothing', async () => {
    await seed(h.store, 2);
    const c = new Client(h.app);
    const operators = await c.get(`/search?q=${encodeURIComponent('"" OR -')}`);
    expect(operators.res.status).toBe(200);
    expect(operators.html).toContain('Nothing to search for: type at least one word');
    const excluded = await c.get(`/search?q=${encodeURIComponent('-heise')}`);
    expect(excluded.html).toContain('Add a word to search for: -word only leaves out');
    expect(excluded.html).not.toContain('class="entry-link"');
    // The syntax is shown with the message; a query that finds things does not repeat it.
    expect(excluded.html).toContain('-word to leave out');
    expect((await c.get('/search?q=heise')).html).not.toContain('-word to leave out');
  });
});

describe('security headers and markup', () => {
  beforeEach(async () => {
    h = await webHarness({ topics: [{ slug: 'ai', title: 'AI' }] });
    await seed(h.store, 2);
  });

  it('frame-src admits exactly the embeds the sanitizer keeps (one list, not two that disagree)', async () => {
    const csp = (await new Client(h.app).request('/')).headers.get('content-security-policy')!;
    const frameSrc = (/frame-src ([^;]+)/.exec(csp)?.[1] ?? '').trim().split(/\s+/);
    const hostOf = (source: string) => source.replace(/^https:\/\//, '');
    const candidates = new Set([
      ...frameSrc.map(hostOf),
      'youtube.com',
      'www.youtube.com',
      'youtube-nocookie.com',
      'www.youtube-nocookie.com',
      'player.vimeo.com',
      'vimeo.com',
      'm.youtube.com',
      'evil.example',
    ]);
    const kept = [...candidates].filter((host) =>
      sanitizeContent(`<iframe src="https://${host}/embed/x"></iframe>`).includes('<iframe'),
    );
    expect(frameSrc.every((source) => source.startsWith('https://'))).toBe(true);
    expect(frameSrc.map(hostOf).sort()).toEqual(kept.sort());
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
      expect(csp).toContain('frame-src https://www.youtube.com');
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
    h.setConfig({ server: { metricsToken: METRICS_TOKEN } });
    const res = await h.app.request(`${ORIGIN}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('rundschau_http_requests_total{method="GET",route="/",status="200"} 1');
    expect(text).toContain('rundschau_http_requests_total{method="GET",route="/items/:id{[0-9]+}",status="200"} 2');
    expect(text).toContain('rundschau_http_request_duration_seconds_bucket');
    const stored = await storedItemCount(h.store);
    expect(stored).toBeGreaterThan(0);
    expect(text).toContain(`rundschau_items_stored ${stored}`);
  });
});

describe('who may read /metrics', () => {
  let server: { url: string; close(): Promise<void> } | undefined;
  beforeEach(async () => {
    h = await webHarness();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    delete process.env.RUNDSCHAU_METRICS_TOKEN;
  });

  async function listen(): Promise<{ url: string; close(): Promise<void> }> {
    const { serve } = await import('@hono/node-server');
    const s = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const started = serve({ fetch: h.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
    });
    const { port } = s.address() as import('node:net').AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/metrics`,
      close: () => new Promise<void>((resolve) => s.close(() => resolve())),
    };
  }

  it('a scraper on this host reads it; a request relayed by a local proxy does not', async () => {
    server = await listen();
    const local = await fetch(server.url);
    expect(local.status).toBe(200);
    expect(await local.text()).toContain('rundschau_items_stored');
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
      const relayed = await fetch(server.url, { headers: { [header]: '203.0.113.9' } });
      expect(relayed.status, header).toBe(401);
      expect(relayed.headers.get('www-authenticate')).toContain('Bearer');
      expect(await relayed.text()).not.toContain('rundschau_');
    }
  });

  it('others need the bearer token from the config or RUNDSCHAU_METRICS_TOKEN', async () => {
    const remote = (headers: Record<string, string> = {}) => h.app.request(`${ORIGIN}/metrics`, { headers });
    expect((await remote()).status).toBe(401);
    expect((await remote({ authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(401); // no token configured
    h.setConfig({ server: { metricsToken: METRICS_TOKEN } });
    expect((await remote({ authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(200);
    expect((await remote({ authorization: `Bearer ${METRICS_TOKEN}x` })).status).toBe(401);
    expect((await remote({ authorization: `Basic ${METRICS_TOKEN}` })).status).toBe(401);
    h.setConfig({});
    process.env.RUNDSCHAU_METRICS_TOKEN = 'from-the-environment-1234';
    expect((await remote({ authorization: 'Bearer from-the-environment-1234' })).status).toBe(200);
  });

  it('rejects a token too short to be a secret', async () => {
    const { configSchema } = await import('../../src/config/schema.ts');
    expect(configSchema.safeParse({ server: { metricsToken: 'short' } }).success).toBe(false);
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
