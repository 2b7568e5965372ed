/** The Fever API with curl-style requests (form POSTs to /api/fever?api…), on both dialects. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { feverKeyOf } from '../../../src/web/api/app-passwords.ts';
import { groupId } from '../../../src/web/api/fever/index.ts';
import { dialects } from '../../support/databases.ts';
import { type FixtureServer, startFixtureServer } from '../../support/fixture-server.ts';
import { HOUR, NOW, ORIGIN, type SyncHarness, syncHarness } from './sync-harness.ts';

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== '')(`Fever API on ${dialect.name} ${dialect.skip}`, () => {
    let h: SyncHarness;
    let key: string;
    beforeEach(async () => {
      h = await syncHarness(await dialect.create(), { perSource: 30 });
      key = feverKeyOf(h.user.name, h.user.password);
    });
    afterEach(async () => h.close());

    /** `curl -d api_key=… 'http://host/api/fever?api&…'` */
    const fever = async (query: string, form: Record<string, string> = {}, path = '/api/fever'): Promise<any> => {
      const res = await h.app.request(`${ORIGIN}${path}?api${query ? `&${query}` : ''}`, {
        method: 'POST',
        body: new URLSearchParams({ api_key: key, ...form }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      return { status: res.status, ...(await res.json()) };
    };
    const ids = (list: string) => (list === '' ? [] : list.split(',').map(Number));

    it('a reader app syncs: auth, groups, feeds, unread and saved ids, items by since_id/max_id/with_ids', async () => {
      const hello = await fever('');
      expect(hello).toMatchObject({ status: 200, api_version: 3, auth: 1 });
      expect(typeof hello.last_refreshed_on_time).toBe('number');

      const groups = await fever('groups');
      expect(groups.groups).toEqual([
        { id: groupId('Cloud'), title: 'Cloud' },
        { id: groupId('Tech'), title: 'Tech' },
      ]);
      expect(groups.feeds_groups).toContainEqual({ group_id: groupId('Tech'), feed_ids: String(h.ids.heise) });
      const feeds = await fever('feeds');
      expect(feeds.feeds.map((f: { id: number; title: string }) => [f.id, f.title]).sort()).toEqual(
        [
          [h.ids.heise, 'Heise'],
          [h.ids.cloud, 'Cloud Blog'],
        ].sort(),
      );
      expect(feeds.feeds[0]).toMatchObject({ favicon_id: 0, is_spark: 0, url: expect.stringMatching(/^https:/) });
      expect((await fever('favicons')).favicons).toEqual([]);
      expect((await fever('links')).links).toEqual([]);

      const unread = ids((await fever('unread_item_ids')).unread_item_ids);
      expect(unread).toHaveLength(60);
      expect(ids((await fever('saved_item_ids')).saved_item_ids)).toEqual([]);

      // Catching up from the start: since_id pages of 50 in id order until empty.
      const seen: number[] = [];
      let since = 0;
      for (;;) {
        const page = await fever(`items&since_id=${since}`);
        expect(page.total_items).toBe(60);
        if (page.items.length === 0) break;
        expect(page.items.length).toBeLessThanOrEqual(50);
        seen.push(...page.items.map((i: { id: number }) => i.id));
        since = Math.max(...seen);
      }
      expect(seen.sort((a, b) => a - b)).toEqual([...unread].sort((a, b) => a - b));
      // Backwards from the newest id: max_id.
      const newest = await fever('items&max_id=0');
      expect(newest.items[0].id).toBe(Math.max(...seen));
      const older = await fever(`items&max_id=${newest.items.at(-1).id}`);
      expect(older.items).toHaveLength(10);
      const picked = await fever(`items&with_ids=${seen.slice(0, 3).join(',')}`);
      expect(picked.items.map((i: { id: number }) => i.id)).toEqual(seen.slice(0, 3));
      const item = picked.items[0];
      expect(item).toMatchObject({
        is_read: 0,
        is_saved: 0,
        feed_id: expect.any(Number),
        html: expect.stringContaining('<p>'),
      });
      expect(Number.isInteger(item.created_on_time)).toBe(true);
      expect((await fever('items&with_ids=1,x')).status).toBe(400);
    });

    it('marks items read/unread/saved/unsaved, feeds and groups read before a time; answers with the new id lists', async () => {
      const [first, second] = ids((await fever('unread_item_ids')).unread_item_ids);
      const read = await fever('', { mark: 'item', as: 'read', id: String(first) });
      expect(ids(read.unread_item_ids)).not.toContain(first);
      expect((await h.store.getItem(first!))?.read).toBe(true);
      await fever('', { mark: 'item', as: 'unread', id: String(first) });
      expect((await h.store.getItem(first!))?.read).toBe(false);
      const saved = await fever('', { mark: 'item', as: 'saved', id: String(second) });
      expect(ids(saved.saved_item_ids)).toEqual([second]);
      await fever('', { mark: 'item', as: 'unsaved', id: String(second) });
      expect((await h.store.getItem(second!))?.starred).toBe(false);

      // The heise items are 1, 3, 5 … hours old: `before` 10 hours ago leaves the five newest unread.
      const before = String(Math.floor((NOW - 10 * HOUR) / 1000));
      await fever('', { mark: 'feed', as: 'read', id: String(h.ids.heise), before });
      const sources = async () => new Map((await h.store.listSources()).map((s) => [s.id, s.unreadCount]));
      expect((await sources()).get(h.ids.heise)).toBe(5);
      await fever('', { mark: 'group', as: 'read', id: String(groupId('Cloud')), before });
      expect((await sources()).get(h.ids.cloud)).toBe(4);
      // Group 0 is everything.
      const all = await fever('', { mark: 'group', as: 'read', id: '0', before: String(Math.floor(NOW / 1000)) });
      expect(all.unread_item_ids).toBe('');
      expect((await fever('', { mark: 'feed', as: 'saved', id: String(h.ids.heise) })).status).toBe(400);
      expect((await fever('', { mark: 'item', as: 'read', id: 'x' })).status).toBe(400);
    });

    describe('favicons', () => {
      let site: FixtureServer;
      const PNG = Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
        'base64',
      );
      beforeEach(async () => {
        site = await startFixtureServer();
        site.route('/favicon.ico', { headers: { 'content-type': 'application/octet-stream' }, body: PNG });
        await h.close();
        // Two feeds of one site on loopback (allowed by mediaProxy: allow-private), one of a site without an icon.
        h = await syncHarness(await dialect.create(), {
          perSource: 2,
          yaml: [
            'server:',
            '  mediaProxy: allow-private',
            'sync:',
            '  requestsPerMinute: 0',
            'sources:',
            '  - url: https://heise.example/feed',
            '    title: Heise',
            '    category: Tech',
            `  - url: ${site.url('/cloud.xml')}`,
            '    title: Cloud Blog',
            '    category: Cloud',
            `  - url: ${site.url('/more.xml')}`,
            '    title: More Cloud',
            '    category: Cloud',
            '',
          ].join('\n'),
        });
        key = feverKeyOf(h.user.name, h.user.password);
      });
      afterEach(async () => site.close());

      it('are the site icons /favicons serves, as image/…;base64 data, with matching favicon_ids', async () => {
        const more = (await h.store.listSources()).find((s) => s.title === 'More Cloud')!.id;
        const answer = await fever('feeds&favicons');
        const iconId = Math.min(h.ids.cloud, more);
        expect(answer.favicons).toEqual([{ id: iconId, data: `image/png;base64,${PNG.toString('base64')}` }]);
        const favicon = new Map(answer.feeds.map((f: { id: number; favicon_id: number }) => [f.id, f.favicon_id]));
        expect(favicon).toEqual(
          new Map([
            [h.ids.heise, 0],
            [h.ids.cloud, iconId],
            [more, iconId],
          ]),
        );
        // Apart and again: the same ids; the site was asked once, and the reader's /favicons route shares it.
        expect((await fever('feeds')).feeds.find((f: { id: number }) => f.id === more).favicon_id).toBe(iconId);
        expect((await fever('favicons')).favicons.map((f: { id: number }) => f.id)).toEqual([iconId]);
        const route = await h.app.request(`${ORIGIN}/favicons/${more}`);
        expect(route.headers.get('content-type')).toBe('image/png');
        expect(site.requestsFor('/favicon.ico')).toHaveLength(1);
      });
    });

    it('a wrong key gets auth 0 and no data; GET with the key in the query works too; /api/fever/ and no ?api', async () => {
      key = feverKeyOf(h.user.name, 'wrong');
      const denied = await fever('groups');
      expect(denied).toMatchObject({ status: 200, auth: 0 });
      expect(denied.groups).toBeUndefined();
      const good = feverKeyOf(h.user.name, h.user.password);
      const get = await h.app.request(`${ORIGIN}/api/fever/?api&feeds&api_key=${good}`);
      expect((await get.json()).feeds).toHaveLength(2);
      const noApi = await h.app.request(`${ORIGIN}/api/fever`, {
        method: 'POST',
        body: new URLSearchParams({ api_key: good }),
      });
      expect(noApi.status).toBe(400);
      // Revoked: the key stops working (after the look-up cache's few seconds).
      await h.store.revokeAppPassword(h.user.name);
      h.clock.now += 10_000;
      key = good;
      expect(await fever('')).toMatchObject({ auth: 0 });
    });
  });
}
