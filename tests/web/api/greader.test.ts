/**
 * The Google Reader API replayed the way apps speak it (request sequences from the apps' documentation and the
 * Miniflux/FreshRSS references), on both dialects, over the real app with a real rundschau.yaml.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { longItemId } from '../../../src/web/api/greader/ids.ts';
import { dialects } from '../../support/databases.ts';
import { atom, entries } from '../../support/feeds.ts';
import { type FixtureServer, startFixtureServer } from '../../support/fixture-server.ts';
import { makeItem } from '../../support/items.ts';
import { HOUR, NOW, ReaderClient, type SyncHarness, syncHarness } from './sync-harness.ts';

const READ = 'user/-/state/com.google/read';
const STARRED = 'user/-/state/com.google/starred';
const READING_LIST = 'user/-/state/com.google/reading-list';

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== '')(`Google Reader API on ${dialect.name} ${dialect.skip}`, () => {
    let h: SyncHarness;
    let client: ReaderClient;
    beforeEach(async () => {
      h = await syncHarness(await dialect.create());
      client = new ReaderClient(h.app);
    });
    afterEach(async () => h.close());

    const loggedIn = async (c = client) => {
      expect((await c.login(h.user.name, h.user.password)).status).toBe(200);
      await c.fetchToken();
      return c;
    };
    const unreadIds = async () =>
      (await client.json('/reader/api/0/stream/items/ids', { s: READING_LIST, xt: READ, n: '1000' })).itemRefs.map(
        (r: { id: string }) => r.id,
      );

    it('NetNewsWire: login → tag/list → subscription/list → ids (unread, starred) → POST contents → edit-tag', async () => {
      const login = await client.login(h.user.name, h.user.password);
      expect(await login.text()).toMatch(/^SID=.+\nLSID=.+\nAuth=phone\/.+\n$/);
      await client.fetchToken();
      const tags = await client.json('/reader/api/0/tag/list', { output: 'json' });
      expect(tags.tags).toEqual([
        { id: STARRED, type: 'state' },
        { id: 'user/-/label/Cloud', label: 'Cloud', type: 'folder', unread_count: 5 },
        { id: 'user/-/label/Tech', label: 'Tech', type: 'folder', unread_count: 5 },
      ]);
      const subs = await client.json('/reader/api/0/subscription/list', { output: 'json' });
      expect(subs.subscriptions.map((s: { id: string; title: string; url: string }) => [s.id, s.title, s.url])).toEqual(
        [
          [`feed/${h.ids.cloud}`, 'Cloud Blog', 'https://cloud.example/feed'],
          [`feed/${h.ids.heise}`, 'Heise', 'https://heise.example/feed'],
        ],
      );
      expect(subs.subscriptions[1].categories).toEqual([{ id: 'user/-/label/Tech', label: 'Tech', type: 'folder' }]);
      expect(subs.subscriptions[1].iconUrl).toBe(`http://127.0.0.1/favicons/${h.ids.heise}`);

      const unread = await unreadIds();
      expect(unread).toHaveLength(10);
      const starredBefore = await client.json('/reader/api/0/stream/items/ids', { s: STARRED, n: '1000' });
      expect(starredBefore.itemRefs).toEqual([]);

      const res = await client.post('/reader/api/0/stream/items/contents', [
        ['output', 'json'],
        ...unread.map((id: string) => ['i', id] as [string, string]),
      ]);
      expect(res.status).toBe(200);
      const contents = await res.json();
      expect(contents.items).toHaveLength(10);
      const first = contents.items[0];
      expect(first.id).toBe(longItemId(Number(unread[0])));
      expect(first.title).toBe('heise item 0');
      expect(first.origin).toEqual({
        streamId: `feed/${h.ids.heise}`,
        title: 'Heise',
        htmlUrl: 'https://heise.example/feed',
      });
      expect(first.categories).toEqual([READING_LIST, 'user/-/label/Tech', 'user/-/state/com.google/fresh']);
      expect(first.summary.content).toBe('<p>Content of heise-0</p>');
      expect(first.alternate[0].href).toBe('https://example.org/heise-0');
      expect(Number(first.timestampUsec)).toBe((NOW - HOUR) * 1000);

      // Mark two read and one starred, the way NetNewsWire sends them (long ids).
      const [a, b] = contents.items.map((i: { id: string }) => i.id);
      expect(
        await (
          await client.post('/reader/api/0/edit-tag', [
            ['i', a],
            ['i', b],
            ['a', READ],
          ])
        ).text(),
      ).toBe('OK');
      expect(
        (
          await client.post('/reader/api/0/edit-tag', [
            ['i', a],
            ['a', STARRED],
          ])
        ).status,
      ).toBe(200);
      expect(await unreadIds()).toEqual(unread.slice(2));
      const starred = await client.json('/reader/api/0/stream/items/ids', { s: STARRED });
      expect(starred.itemRefs.map((r: { id: string }) => r.id)).toEqual([unread[0]]);
      const counts = await client.json('/reader/api/0/unread-count', { output: 'json' });
      const count = (id: string) => counts.unreadcounts.find((u: { id: string }) => u.id === id)?.count;
      expect(count(READING_LIST)).toBe(8);
      // a and b: the newest of each feed.
      expect(count(`feed/${h.ids.heise}`)).toBe(4);
      expect(count('user/-/label/Cloud')).toBe(4);
      // Back to unread, unstarred: the round trip leaves the store as it was.
      await client.post('/reader/api/0/edit-tag', [
        ['i', a],
        ['i', b],
        ['r', READ],
        ['r', STARRED],
      ]);
      expect(await unreadIds()).toEqual(unread);
      expect((await h.store.getItem(Number(unread[0])))?.starred).toBe(false);
    });

    it('Reeder: JSON login, user-info, numeric user id streams, ot, stream/contents with continuation', async () => {
      const res = await client.login(h.user.name, h.user.password, '/accounts/ClientLogin?output=json');
      expect(res.status).toBe(200);
      const json = await client.request('/accounts/ClientLogin', {
        method: 'POST',
        body: new URLSearchParams({ Email: h.user.name, Passwd: h.user.password, output: 'json' }),
      });
      client.auth = (await json.json()).Auth;
      expect(await client.json('/reader/api/0/user-info')).toEqual({
        userId: '1',
        userName: 'phone',
        userProfileId: '1',
        userEmail: 'phone',
      });
      const recent = await client.json('/reader/api/0/stream/items/ids', {
        s: 'user/1/state/com.google/reading-list',
        xt: 'user/1/state/com.google/read',
        ot: String(Math.floor((NOW - 4.5 * HOUR) / 1000)),
      });
      // Published within the last 4.5 hours: heise 0, 1 (1 h, 3 h) and cloud 0 (2 h), cloud 1 (4 h).
      expect(recent.itemRefs).toHaveLength(4);
      const seen: string[] = [];
      let c: string | undefined = 'null';
      for (let pages = 0; c && pages < 10; pages++) {
        const page: { items: { title: string }[]; continuation?: string } = await client.json(
          `/reader/api/0/stream/contents/${encodeURIComponent(READING_LIST)}`,
          {
            n: '3',
            c,
          },
        );
        seen.push(...page.items.map((i) => i.title));
        c = page.continuation;
      }
      expect(seen).toHaveLength(10);
      expect(seen.slice(0, 3)).toEqual(['heise item 0', 'cloud item 0', 'heise item 1']);
      expect(new Set(seen).size).toBe(10);
    });

    it('FeedMe: stream/contents of a feed by URL oldest first, of labels, mark-all-as-read with ts in s and µs', async () => {
      await loggedIn();
      const page = await client.json(
        `/reader/api/0/stream/contents/${encodeURIComponent('feed/https://cloud.example/feed')}`,
        {
          r: 'o',
          n: '2',
        },
      );
      expect(page.items.map((i: { title: string }) => i.title)).toEqual(['cloud item 4', 'cloud item 3']);
      expect(page.title).toBe('Cloud Blog');
      const byId = await client.json(`/reader/api/0/stream/contents/feed/${h.ids.cloud}`, { n: '1' });
      expect(byId.items[0].title).toBe('cloud item 0');
      const label = await client.json('/reader/api/0/stream/items/ids', { s: 'user/-/label/Tech', n: '100' });
      expect(label.itemRefs).toHaveLength(5);

      // ts in seconds: heise items published up to 4 hours ago (items 2, 3, 4 are older).
      const ts = Math.floor((NOW - 4 * HOUR) / 1000);
      const mark = await client.post('/reader/api/0/mark-all-as-read', { s: `feed/${h.ids.heise}`, ts: String(ts) });
      expect(await mark.text()).toBe('OK');
      expect((await h.store.listSources()).find((s) => s.id === h.ids.heise)?.unreadCount).toBe(2);
      // ts in microseconds on a label.
      await client.post('/reader/api/0/mark-all-as-read', {
        s: 'user/-/label/Cloud',
        ts: String((NOW - 3 * HOUR) * 1000),
      });
      expect((await h.store.listSources()).find((s) => s.id === h.ids.cloud)?.unreadCount).toBe(1);
      // No ts: everything.
      await client.post('/reader/api/0/mark-all-as-read', { s: READING_LIST });
      expect(await unreadIds()).toEqual([]);
      expect((await client.post('/reader/api/0/mark-all-as-read', { s: READING_LIST, ts: 'soon' })).status).toBe(400);
    });

    it('topics are labels (type tag) with unread counts; their streams list the included items', async () => {
      await loggedIn();
      const [a, b] = (await h.store.listItems({}, 2)).items;
      await h.store.upsertTopic({ slug: 'ai', title: 'AI', description: '', rulesHash: 'h' }, NOW);
      await h.store.saveTopicScores(
        'ai',
        [a!, b!].map((i, k) => ({
          itemId: i.id,
          score: 2,
          included: k === 0,
          evidence: {},
          publishedAt: i.publishedAt,
        })),
        NOW,
      );
      const tags = await client.json('/reader/api/0/tag/list');
      expect(tags.tags).toContainEqual({ id: 'user/-/label/AI', label: 'AI', type: 'tag', unread_count: 1 });
      const ids = await client.json('/reader/api/0/stream/items/ids', { s: 'user/-/label/AI' });
      expect(ids.itemRefs.map((r: { id: string }) => r.id)).toEqual([String(a!.id)]);
      const page = await client.json(`/reader/api/0/stream/contents/${encodeURIComponent('user/-/label/ai')}`);
      expect(page.title).toBe('AI');
      await client.post('/reader/api/0/mark-all-as-read', { s: 'user/-/label/AI' });
      expect((await h.store.getItem(a!.id))?.read).toBe(true);
      expect((await h.store.getItem(b!.id))?.read).toBe(false);
    });

    it('xt excludes and it includes states, labels (categories and topics) and feeds, in every stream', async () => {
      await loggedIn();
      const heise = (await h.store.listItems({ sourceId: h.ids.heise }, 10)).items.map((i) => String(i.id));
      const cloud = (await h.store.listItems({ sourceId: h.ids.cloud }, 10)).items.map((i) => String(i.id));
      // Topic "AI": heise 0 and cloud 0; heise 1 read.
      await h.store.upsertTopic({ slug: 'ai', title: 'AI', description: '', rulesHash: 'h' }, NOW);
      await h.store.saveTopicScores(
        'ai',
        [heise[0]!, cloud[0]!].map((id) => ({
          itemId: Number(id),
          score: 2,
          included: true,
          evidence: {},
          publishedAt: id === heise[0] ? NOW - HOUR : NOW - 2 * HOUR,
        })),
        NOW,
      );
      await h.store.setRead([Number(heise[1])], true);
      const streamIds = async (s: string, params: [string, string][]) =>
        (await client.json('/reader/api/0/stream/items/ids', [['s', s], ['n', '100'], ...params])).itemRefs
          .map((r: { id: string }) => r.id)
          .sort();
      const contents = async (s: string, params: [string, string][]) =>
        (await client.json(`/reader/api/0/stream/contents/${encodeURIComponent(s)}`, [['n', '100'], ...params])).items
          .map((i: { id: string }) => String(Number.parseInt(i.id.slice(-16), 16)))
          .sort();
      const atom = async (s: string, params: [string, string][]) => {
        const xml = await (await client.get(`/reader/atom/${encodeURIComponent(s)}`, [['n', '100'], ...params])).text();
        return [...xml.matchAll(/reader\/item\/([0-9a-f]{16})<\/id>/g)]
          .map((m) => String(Number.parseInt(m[1]!, 16)))
          .sort();
      };
      const sorted = (...lists: string[][]) => lists.flat().sort();
      const cases: [string, [string, string][], string[]][] = [
        [READING_LIST, [['xt', 'user/-/label/Tech']], sorted(cloud)],
        [READING_LIST, [['xt', `feed/${h.ids.heise}`]], sorted(cloud)],
        [READING_LIST, [['xt', 'feed/https://heise.example/feed']], sorted(cloud)],
        [READING_LIST, [['xt', 'user/-/label/AI']], sorted(heise.slice(1), cloud.slice(1))],
        [READING_LIST, [['xt', 'user/-/label/Nothing']], sorted(heise, cloud)],
        [
          READING_LIST,
          [
            ['xt', READ],
            ['xt', 'user/-/label/Cloud'],
          ],
          sorted([heise[0]!], heise.slice(2)),
        ],
        ['user/-/label/Tech', [['xt', 'user/-/label/AI']], sorted(heise.slice(1))],
        ['user/-/label/Tech', [['xt', `feed/${h.ids.heise}`]], []],
        ['user/-/label/AI', [['xt', 'user/-/label/Cloud']], [heise[0]!]],
        ['user/-/label/AI', [['xt', 'user/-/label/AI']], []],
        [`feed/${h.ids.cloud}`, [['xt', 'user/-/label/AI']], sorted(cloud.slice(1))],
        [`feed/${h.ids.cloud}`, [['xt', 'user/-/label/Tech']], sorted(cloud)],
        [STARRED, [['xt', 'user/-/label/Tech']], []],
        [READING_LIST, [['it', 'user/-/label/Tech']], sorted(heise)],
        [READING_LIST, [['it', 'user/-/label/AI']], sorted([heise[0]!, cloud[0]!])],
        [
          READING_LIST,
          [
            ['it', `feed/${h.ids.cloud}`],
            ['it', 'user/-/label/AI'],
          ],
          [cloud[0]!],
        ],
        [READING_LIST, [['it', READ]], [heise[1]!]],
        ['user/-/label/Tech', [['it', `feed/${h.ids.cloud}`]], []],
        ['user/-/label/AI', [['it', 'user/-/label/Tech']], [heise[0]!]],
        [`feed/${h.ids.heise}`, [['it', READ]], [heise[1]!]],
      ];
      for (const [s, params, expected] of cases) {
        const what = `${s} ${JSON.stringify(params)}`;
        expect(await streamIds(s, params), `ids ${what}`).toEqual(expected);
        expect(await contents(s, params), `contents ${what}`).toEqual(expected);
        expect(await atom(s, params), `atom ${what}`).toEqual(expected);
      }
    });

    it('takes item ids in all four forms, refuses others', async () => {
      await loggedIn();
      const id = (await h.store.listItems({}, 1)).items[0]!.id;
      const forms = [
        longItemId(id),
        `tag:google.com,2005:reader/item/${id.toString(16)}`,
        id.toString(16).padStart(16, '0'),
        String(id),
      ];
      for (const form of forms) {
        const res = await client.get('/reader/api/0/stream/items/contents', [['i', form]]);
        expect(
          (await res.json()).items.map((i: { id: string }) => i.id),
          form,
        ).toEqual([longItemId(id)]);
      }
      const bad = await client.get('/reader/api/0/stream/items/contents', [
        ['i', 'tag:google.com,2005:reader/item/xyz'],
      ]);
      expect(bad.status).toBe(400);
      expect(await bad.text()).toMatch(/not item ids/);
    });

    it('continues by keyset while new items arrive: nothing missed, nothing repeated (both orders)', async () => {
      await loggedIn();
      for (const order of ['newest', 'oldest'] as const) {
        const before = await unreadIds();
        const pages: string[] = [];
        let c: string | undefined;
        let k = 0;
        do {
          const params: Record<string, string> = { s: READING_LIST, xt: READ, n: '3' };
          if (c) params.c = c;
          if (order === 'oldest') params.r = 'o';
          const page = await client.json('/reader/api/0/stream/items/ids', params);
          pages.push(...page.itemRefs.map((r: { id: string }) => r.id));
          c = page.continuation;
          // New items arrive between pages: one newer than all, one in the middle of the river.
          k++;
          await h.store.upsertItems(h.ids.heise, [
            makeItem({ uid: `${order}-new-${k}`, publishedAt: NOW + k * HOUR }),
            makeItem({ uid: `${order}-mid-${k}`, publishedAt: NOW - 4.5 * HOUR }),
          ]);
        } while (c);
        expect(new Set(pages).size).toBe(pages.length);
        for (const id of before) expect(pages).toContain(id);
      }
    });

    it('edit-tag as newsboat sends it (kept-unread), and the story option marks the other reports read', async () => {
      await loggedIn();
      const items = (await h.store.listItems({}, 10)).items;
      const [x, y, z] = items;
      await h.store.setStoryKeys([
        { itemId: x!.id, storyKey: 'story:1' },
        { itemId: y!.id, storyKey: 'story:1' },
      ]);
      const read = `i=${longItemId(x!.id)}&a=user/-/state/com.google/read&r=user/-/state/com.google/kept-unread&ac=edit&T=${client.token}`;
      const res = await client.request('/reader/api/0/edit-tag', {
        method: 'POST',
        body: read,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(await res.text()).toBe('OK');
      expect((await h.store.getItem(y!.id))?.read).toBe(true);
      expect((await h.store.getItem(z!.id))?.read).toBe(false);
      const unread = `i=${longItemId(x!.id)}&r=user/-/state/com.google/read&a=user/-/state/com.google/kept-unread&a=user/-/state/com.google/tracking-kept-unread&ac=edit&T=${client.token}`;
      await client.request('/reader/api/0/edit-tag', {
        method: 'POST',
        body: unread,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect((await h.store.getItem(x!.id))?.read).toBe(false);
      // With sync.markStoryRead off, only the item itself.
      await client.post('/reader/api/0/edit-tag', [
        ['i', String(y!.id)],
        ['r', READ],
      ]);
      const config = h.config();
      h.deps.config = () => ({ ...config, sync: { ...config.sync, markStoryRead: false } });
      await client.post('/reader/api/0/edit-tag', [
        ['i', String(x!.id)],
        ['a', READ],
      ]);
      expect((await h.store.getItem(y!.id))?.read).toBe(false);
      const both = await client.post('/reader/api/0/edit-tag', [
        ['i', String(x!.id)],
        ['a', READ],
        ['a', 'user/-/state/com.google/kept-unread'],
      ]);
      expect(both.status).toBe(400);
    });

    it('bad and expired tokens: 401, with X-Reader-Google-Bad-Token for a stale edit token; revoked passwords', async () => {
      expect((await client.get('/reader/api/0/subscription/list')).status).toBe(401);
      expect((await client.login(h.user.name, 'wrong')).status).toBe(401);
      expect((await client.login('nobody', h.user.password)).status).toBe(401);
      client.auth = 'phone/forged';
      const forged = await client.get('/reader/api/0/subscription/list');
      expect(forged.status).toBe(401);
      expect(forged.headers.get('x-reader-google-bad-token')).toBeNull();
      await loggedIn();
      const id = String((await h.store.listItems({}, 1)).items[0]!.id);
      // A write without T, with a made-up T, with an expired one: stale token, the client fetches a new one.
      for (const T of [undefined, 'phone/abc/0123456789012345678901234567890x']) {
        const res = await client.post('/reader/api/0/edit-tag', T ? { i: id, a: READ, T } : { i: id, a: READ }, false);
        expect(res.status).toBe(401);
        expect(res.headers.get('x-reader-google-bad-token')).toBe('true');
      }
      h.clock.now += 25 * HOUR;
      const expired = await client.post('/reader/api/0/edit-tag', { i: id, a: READ });
      expect(expired.status).toBe(401);
      expect(expired.headers.get('x-reader-google-bad-token')).toBe('true');
      await client.fetchToken();
      expect((await client.post('/reader/api/0/edit-tag', { i: id, a: READ })).status).toBe(200);
      // A GET is not authenticated by T in the query (it could leak into logs and links).
      const other = new ReaderClient(h.app);
      expect((await other.get('/reader/api/0/subscription/list', { T: client.token! })).status).toBe(401);
      // Revoked: the auth token dies with the password (after the look-up cache's few seconds).
      await h.store.revokeAppPassword('phone');
      h.clock.now += 10_000;
      expect((await client.get('/reader/api/0/subscription/list')).status).toBe(401);
    });

    it('rate limit: 429 with Retry-After over sync.requestsPerMinute', async () => {
      const config = h.config();
      h.deps.config = () => ({ ...config, sync: { ...config.sync, requestsPerMinute: 3 } });
      await loggedIn(); // the token fetch counts
      expect((await client.get('/reader/api/0/user-info')).status).toBe(200);
      expect((await client.get('/reader/api/0/user-info')).status).toBe(200);
      const limited = await client.get('/reader/api/0/user-info');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      h.clock.now += 61_000;
      expect((await client.get('/reader/api/0/user-info')).status).toBe(200);
    });

    it('paths: trailing slash, the double slash after a base ending in /, the site-root layout, /api/0', async () => {
      await loggedIn();
      for (const path of [
        '/api/greader/reader/api/0/user-info/',
        '/api/greader//reader/api/0/user-info',
        '/reader/api/0/user-info',
        '/api/greader/api/0/user-info',
      ]) {
        const res = await h.app.request(`http://127.0.0.1${path}`, {
          headers: { authorization: `GoogleLogin auth=${client.auth}` },
        });
        expect(res.status, path).toBe(200);
      }
      const login = await h.app.request('http://127.0.0.1/api/greader//accounts/ClientLogin', {
        method: 'POST',
        body: new URLSearchParams({ Email: 'phone', Passwd: h.user.password }),
      });
      expect(await login.text()).toMatch(/Auth=/);
    });

    it('reader/atom/<stream>: Atom with the gr: namespace, item ids in the long form, read state as categories', async () => {
      await loggedIn();
      const id = (await h.store.listItems({ sourceId: h.ids.heise }, 1)).items[0]!.id;
      await h.store.setRead([id], true);
      const res = await client.get(`//reader/atom/${encodeURIComponent(`feed/${h.ids.heise}`)}`, { n: '3' });
      expect(res.headers.get('content-type')).toMatch(/application\/atom\+xml/);
      const xml = await res.text();
      expect(xml).toContain('xmlns:gr="http://www.google.com/schemas/reader/atom/"');
      expect(xml.match(/<entry /g)).toHaveLength(3);
      expect(xml).toContain(`<id gr:original-id="heise-0">${longItemId(id)}</id>`);
      expect(xml).toContain(
        '<category term="user/-/state/com.google/read" scheme="http://www.google.com/reader/" label="read"/>',
      );
      expect(xml).toMatch(/<gr:continuation>[A-Za-z0-9_-]+<\/gr:continuation>/);
    });

    describe('subscriptions edit rundschau.yaml', () => {
      let feeds: FixtureServer;
      beforeEach(async () => {
        feeds = await startFixtureServer();
        feeds.route('/news.xml', {
          headers: { 'content-type': 'application/atom+xml' },
          body: atom('Loopback News', entries('news', 3)),
        });
        feeds.route('/site', {
          headers: { 'content-type': 'text/html' },
          body: `<html><head><link rel="alternate" type="application/atom+xml" href="${feeds.url('/news.xml')}"></head></html>`,
        });
      });
      afterEach(async () => feeds.close());

      it('subscribe (with title and folder), rename, move, unsubscribe; quickadd by site URL; comments kept', async () => {
        await loggedIn();
        const url = feeds.url('/news.xml');
        const sub = await client.post('/reader/api/0/subscription/edit', {
          ac: 'subscribe',
          s: `feed/${url}`,
          t: 'News',
          a: 'user/-/label/Local',
        });
        expect(await sub.text()).toBe('OK');
        expect(h.yaml()).toContain(`  - url: ${url}\n    title: News\n    category: Local\n`);
        expect(h.yaml()).toContain('  # the big one\n  - url: https://heise.example/feed');
        const list = async () =>
          (await client.json('/reader/api/0/subscription/list')).subscriptions.map(
            (s: { id: string; title: string; categories: { label: string }[] }) => [
              s.id,
              s.title,
              s.categories[0]!.label,
            ],
          );
        const added = (await h.store.findSourceByUrl(url))!;
        expect(await list()).toContainEqual([`feed/${added.id}`, 'News', 'Local']);

        await client.post('/reader/api/0/subscription/edit', { ac: 'edit', s: `feed/${added.id}`, t: 'Loopback' });
        await client.post('/reader/api/0/subscription/edit', { ac: 'edit', s: `feed/${url}`, a: 'user/-/label/Tech' });
        expect(h.yaml()).toContain(`  - url: ${url}\n    title: Loopback\n    category: Tech\n`);
        expect(await list()).toContainEqual([`feed/${added.id}`, 'Loopback', 'Tech']);
        // Moving the Cloud blog keeps its trailing comment.
        await client.post('/reader/api/0/subscription/edit', {
          ac: 'edit',
          s: `feed/${h.ids.cloud}`,
          a: 'user/-/label/Infra',
          r: 'user/-/label/Cloud',
        });
        expect(h.yaml()).toContain('    category: Infra # cloudy\n');

        await client.post('/reader/api/0/subscription/edit', { ac: 'unsubscribe', s: `feed/${added.id}` });
        expect(h.yaml()).not.toContain(url);
        expect((await list()).map((s: string[]) => s[0])).not.toContain(`feed/${added.id}`);

        const quick = await client.post('/reader/api/0/subscription/quickadd', { quickadd: feeds.url('/site') });
        const answer = await quick.json();
        expect(answer).toMatchObject({ numResults: 1, streamName: 'Loopback News' });
        expect(h.yaml()).toContain(`  - url: ${url}\n    title: Loopback News\n`);
        expect(await client.json('/reader/api/0/stream/items/ids', { s: answer.streamId })).toEqual({ itemRefs: [] });

        const none = await client.post('/reader/api/0/subscription/quickadd', { quickadd: feeds.url('/missing') });
        expect(await none.json()).toMatchObject({ numResults: 0 });
        const bad = await client.post('/reader/api/0/subscription/edit', { ac: 'unsubscribe', s: 'feed/999999' });
        expect(bad.status).toBe(400);
        expect(h.yaml()).toContain('# rundschau for the sync tests');
      });

      it('rename-tag renames a folder and disable-tag removes it, in rundschau.yaml (comments kept) and the lists', async () => {
        await loggedIn();
        const labels = async () =>
          (await client.json('/reader/api/0/tag/list')).tags
            .filter((t: { type: string }) => t.type === 'folder')
            .map((t: { label: string; unread_count: number }) => [t.label, t.unread_count]);
        const folderOf = async (id: number) =>
          (await client.json('/reader/api/0/subscription/list')).subscriptions.find(
            (s: { id: string }) => s.id === `feed/${id}`,
          ).categories[0].label;
        expect(await labels()).toEqual([
          ['Cloud', 5],
          ['Tech', 5],
        ]);

        const renamed = await client.post('/reader/api/0/rename-tag', {
          s: 'user/-/label/Cloud',
          dest: 'user/-/label/Infra / Cloud',
        });
        expect(await renamed.text()).toBe('OK');
        expect(h.yaml()).toContain('    title: Cloud Blog\n    category: Infra / Cloud # cloudy\n');
        expect(h.yaml()).toContain(
          '  # the big one\n  - url: https://heise.example/feed\n    title: Heise\n    category: Tech\n',
        );
        expect(h.config().sources.find((s) => s.title === 'Cloud Blog')?.category).toBe('Infra / Cloud');
        expect(await labels()).toEqual([
          ['Infra / Cloud', 5],
          ['Tech', 5],
        ]);
        expect(await folderOf(h.ids.cloud)).toBe('Infra / Cloud');
        const ids = await client.json('/reader/api/0/stream/items/ids', { s: 'user/-/label/Infra / Cloud' });
        expect(ids.itemRefs).toHaveLength(5);
        // `t` for the name, a bare name as dest (FreshRSS accepts both).
        await client.post('/reader/api/0/rename-tag', { t: 'Tech', dest: 'News' });
        expect(h.yaml()).toContain('    title: Heise\n    category: News\n');

        const disabled = await client.post('/reader/api/0/disable-tag', { s: 'user/-/label/Infra / Cloud' });
        expect(await disabled.text()).toBe('OK');
        expect(h.yaml()).toContain('    title: Cloud Blog\n');
        expect(h.yaml()).not.toContain('Infra / Cloud');
        expect(h.yaml()).toContain('# rundschau for the sync tests\n');
        expect(h.config().sources.find((s) => s.title === 'Cloud Blog')?.category).toBe('Uncategorized');
        expect(await folderOf(h.ids.cloud)).toBe('Uncategorized');
        expect(await labels()).toEqual([
          ['News', 5],
          ['Uncategorized', 5],
        ]);

        // Unknown folders, a missing dest and a stale token are refused; the file stays as it is.
        const before = h.yaml();
        expect((await client.post('/reader/api/0/rename-tag', { s: 'user/-/label/Nope', dest: 'X' })).status).toBe(400);
        expect((await client.post('/reader/api/0/rename-tag', { s: 'user/-/label/News' })).status).toBe(400);
        expect((await client.post('/reader/api/0/disable-tag', { t: 'Nope' })).status).toBe(400);
        const stale = await client.post(
          '/reader/api/0/disable-tag',
          { s: 'user/-/label/News', T: 'phone/1/abc' },
          false,
        );
        expect(stale.status).toBe(401);
        expect(h.yaml()).toBe(before);
      });
    });
  });
}
