import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, HOUR, NOW, seed, type WebHarness, webHarness } from '../support/web.ts';

/**
 * The rivers are kept rendered while nothing they show changed (src/web/page-cache.ts). What must still show at
 * once: this process's writes, another connection's (another process's) commits, config changes, another visitor's
 * token and language, and the clock past its window.
 */
describe('river page cache', () => {
  let h: WebHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function setUp() {
    let now = NOW;
    h = await webHarness({}, { now: () => now });
    const seeded = await seed(h.store, 3);
    return { h, ...seeded, tick: (ms: number) => (now += ms) };
  }

  const titles = (html: string) => [...html.matchAll(/class="entry-link">([^<]+)</g)].map((m) => m[1]);
  const token = (html: string) => /data-csrf="([^"]+)"/.exec(html)?.[1];

  it('a visitor gets their own CSRF token, and it is good for a change, which shows at once', async () => {
    const { h } = await setUp();
    const a = new Client(h.app);
    const b = new Client(h.app);
    const first = await a.get('/');
    const second = await b.get('/');
    expect(token(first.html)).toBeDefined();
    expect(token(second.html)).not.toBe(token(first.html));
    // Every place of the token carries the visitor's own (the river form, mark-all form, body).
    expect(second.html).not.toContain(token(first.html)!);
    expect(second.html.split(token(second.html)!).length).toBeGreaterThan(3);
    expect(second.html.replaceAll(token(second.html)!, 'T')).toBe(first.html.replaceAll(token(first.html)!, 'T'));

    const id = /data-id="(\d+)"/.exec(second.html)![1]!;
    const res = await b.post(`/items/${id}/read`, { _csrf: token(second.html)!, read: '1', back: '/' });
    expect(res.status).toBe(303);
    const after = await a.get('/');
    expect(after.html).not.toContain(`data-id="${id}"`);
    expect(titles(after.html)).toHaveLength(titles(first.html).length - 1);
  });

  it("another connection's commit (another process) shows at once; so do new items and stars", async () => {
    const { h, heise } = await setUp();
    const c = new Client(h.app);
    const before = await c.get('/');
    expect(titles(before.html)).toContain('heise item 0');
    const other = new Database(h.db.url);
    try {
      other.prepare("UPDATE items SET title = 'renamed elsewhere' WHERE uid = 'heise-0'").run();
    } finally {
      other.close();
    }
    const after = await c.get('/');
    expect(titles(after.html)).toContain('renamed elsewhere');

    await h.store.upsertItems(
      heise.id,
      [
        {
          ...(await import('../support/items.ts')).makeItem({
            uid: 'new-one',
            title: 'brand new',
            publishedAt: NOW - HOUR / 2,
          }),
        },
      ],
      NOW,
    );
    expect(titles((await c.get('/')).html)[0]).toBe('brand new');
    const starred = await c.get('/starred');
    expect(titles(starred.html)).toHaveLength(0);
    const id = /data-id="(\d+)"/.exec(after.html)![1]!;
    await h.store.setStarred(Number(id), true);
    expect((await c.get('/starred')).html).toContain(`data-id="${id}"`);
  });

  it('per language, per config, and not past its 10-second window', async () => {
    const { h, tick } = await setUp();
    const c = new Client(h.app);
    const en = await c.get('/?lang=en');
    const de = await c.get('/?lang=de');
    expect(en.html).toContain('lang="en"');
    expect(de.html).toContain('lang="de"');
    expect((await c.get('/')).html).toContain('<html lang="de"');

    h.setConfig({ topics: [{ slug: 'cloud', title: 'Wolken' }] });
    expect((await c.get('/')).html).toContain('Wolken');

    const at = (html: string) => /<time datetime="[^"]+" title="[^"]+">([^<]+)</.exec(html)?.[1];
    const now = at((await c.get('/')).html);
    tick(2 * HOUR);
    expect(at((await c.get('/')).html)).not.toBe(now);
  });

  it('answers 304 to its ETag until something changes', async () => {
    const { h } = await setUp();
    const c = new Client(h.app);
    const first = await c.get('/');
    const etag = first.res.headers.get('etag');
    expect(etag).toMatch(/^W\/"/);
    const again = await c.request('/', { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    // Another visitor (another token) gets another ETag.
    const other = await new Client(h.app).get('/');
    expect(other.res.headers.get('etag')).not.toBe(etag);

    const id = /data-id="(\d+)"/.exec(first.html)![1]!;
    await h.store.setRead([Number(id)], true);
    const changed = await c.request('/', { headers: { 'if-none-match': etag! } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).not.toContain(`data-id="${id}"`);
  });
});
