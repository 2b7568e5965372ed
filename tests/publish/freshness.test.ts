/**
 * Published feeds stay true: every scope's ETag and Last-Modified move when an item in it is inserted (also one
 * older than the newest), edited or removed, and stay put otherwise (read/starred, changes elsewhere), over real
 * HTTP on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemTagId } from '../../src/publish/ids.ts';
import type { Store } from '../../src/store/types.ts';
import { dialects, type TestDatabase } from '../support/databases.ts';
import { makeItem, makeSource } from '../support/items.ts';
import { type ServedApp, serveFeeds } from './app.ts';

const A = 'https://a.example/feed.xml';
const B = 'https://b.example/feed.xml';
const C = 'https://c.example/feed.xml';
const T0 = Date.UTC(2026, 3, 1, 12);
const minutes = (n: number) => T0 - n * 60_000;

const config = {
  sources: [
    makeSource(A, { title: 'Alpha', category: 'Tech' }),
    makeSource(B, { title: 'Beta', category: 'Tech' }),
    makeSource(C, { title: 'Chatty', category: 'Chatter' }),
  ],
  topics: [{ slug: 'cloud', title: 'Cloud', perSourceCap: 50 }],
};

/** The three kinds of published feed, each over sources A and B (C is in another category). */
const SCOPES = [
  { name: 'all', path: '/feeds/all.atom' },
  { name: 'category', path: '/feeds/category/Tech.atom' },
  { name: 'topic', path: '/feeds/cloud.atom' },
] as const;

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== '')(
    `published feeds change with their items on ${dialect.name} ${dialect.skip}`,
    () => {
      let database: TestDatabase;
      let store: Store;
      let app: ServedApp;
      const sourceIds = new Map<string, number>();
      /** Each change happens a minute after the previous one, so Last-Modified (whole seconds) can show it. */
      let clock = T0;
      const tick = () => {
        clock += 60_000;
        return clock;
      };

      async function insert(url: string, uids: string[], publishedAt: (i: number) => number) {
        const result = await store.upsertItems(
          sourceIds.get(url)!,
          uids.map((uid, i) => makeItem({ uid, publishedAt: publishedAt(i) })),
          tick(),
        );
        // What ingest does next: the curator scores the new items for the topic.
        await store.saveTopicScores(
          'cloud',
          result.inserted.map((i) => ({
            itemId: i.id,
            score: 1,
            included: true,
            evidence: {},
            publishedAt: i.publishedAt,
          })),
          clock,
        );
        return result.inserted;
      }

      async function get(path: string, headers: Record<string, string> = {}) {
        const res = await fetch(app.url(path), { headers });
        return {
          status: res.status,
          etag: res.headers.get('etag')!,
          lastModified: res.headers.get('last-modified')!,
          text: await res.text(),
        };
      }

      beforeAll(async () => {
        database = await dialect.create();
        store = await database.open();
        await store.syncSources(config.sources as never, T0);
        for (const s of await store.listSources()) sourceIds.set(s.configUrl, s.id);
        await store.upsertTopic({ slug: 'cloud', title: 'Cloud', description: '', rulesHash: 'r1' }, T0);
        await insert(A, ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'], (i) => minutes(10 + i * 10));
        await insert(B, ['b1', 'b2'], (i) => minutes(15 + i * 10));
        await insert(C, ['c1'], () => minutes(1));
        app = await serveFeeds(store, config);
      });

      afterAll(async () => {
        await app?.close();
        await store?.close();
        await database?.drop();
      });

      /** Checks that the feed answers 304 before, changes with `change`, and answers 304 again after. */
      async function expectChange(path: string, change: () => Promise<void>, expectBody: (text: string) => void) {
        const before = await get(path);
        expect(before.status).toBe(200);
        expect((await get(path, { 'if-none-match': before.etag })).status, 'unchanged feed').toBe(304);
        await change();
        const after = await get(path, { 'if-none-match': before.etag });
        expect(after.status, 'old ETag after the change').toBe(200);
        expect(after.etag).not.toBe(before.etag);
        expectBody(after.text);
        // A reader that only keeps Last-Modified is not told "not modified" either.
        expect((await get(path, { 'if-modified-since': before.lastModified })).status, 'old Last-Modified').toBe(200);
        expect(Date.parse(after.lastModified)).toBeGreaterThan(Date.parse(before.lastModified));
        expect((await get(path, { 'if-none-match': after.etag })).status, 'new ETag').toBe(304);
      }

      for (const scope of SCOPES) {
        it(`${scope.name}: a new item older than the newest`, async () => {
          const uid = `old-${scope.name}`;
          await expectChange(
            scope.path,
            async () => {
              // Older than every item so far: the newest entry stays the same.
              await insert(A, [uid], () => minutes(500));
            },
            (text) => expect(text).toContain(itemTagId(A, uid)),
          );
        });

        it(`${scope.name}: an item's title and content edited`, async () => {
          const rewritten = `Rewritten for ${scope.name}`;
          await expectChange(
            scope.path,
            async () => {
              const edited = makeItem({
                uid: 'a3',
                title: rewritten,
                contentHtml: `<p>${rewritten}</p>`,
                publishedAt: minutes(30),
              });
              const result = await store.upsertItems(sourceIds.get(A)!, [edited], tick());
              expect(result.updated).toHaveLength(1);
            },
            (text) => expect(text).toContain(rewritten),
          );
        });

        it(`${scope.name}: an item removed by retention`, async () => {
          const sourceId = sourceIds.get(A)!;
          const oldest = (await store.listItems({ sourceId }, 1000)).items.at(-1)!;
          const id = itemTagId(A, oldest.uid);
          expect((await get(scope.path)).text).toContain(id);
          await expectChange(
            scope.path,
            async () => {
              const count = (await store.getSource(sourceId))!.itemCount;
              expect(await store.applyRetention(sourceId, { items: count - 1 }, tick())).toBe(1);
            },
            (text) => expect(text).not.toContain(id),
          );
        });

        it(`${scope.name}: reading and starring change nothing a subscriber sees`, async () => {
          const before = await get(scope.path);
          const item = (await store.listItems({ sourceId: sourceIds.get(B)! }, 1)).items[0]!;
          await store.setRead([item.id], true);
          await store.setStarred(item.id, true);
          const everything = await store.listItems({}, 1000);
          await store.changeRead(
            everything.items.map((i) => i.id),
            true,
          );
          const again = await get(scope.path, { 'if-none-match': before.etag });
          expect(again.status).toBe(304);
          expect(again.etag).toBe(before.etag);
        });
      }

      it('a category feed keeps its ETag when only another category changes', async () => {
        const before = await get('/feeds/category/Tech.atom');
        await store.upsertItems(sourceIds.get(C)!, [makeItem({ uid: 'c-elsewhere', publishedAt: minutes(3) })], tick());
        expect((await get('/feeds/category/Tech.atom', { 'if-none-match': before.etag })).status).toBe(304);
        expect((await get('/feeds/all.atom', { 'if-none-match': (await get('/feeds/all.atom')).etag })).status).toBe(
          304,
        );
      });

      it('a fetch bringing items and a new feed name changes the feeds once, with both (WebSub pings once)', async () => {
        const sourceId = sourceIds.get(B)!;
        const paths = ['/feeds/all.atom', '/feeds/category/Tech.atom'];
        const before = await Promise.all(paths.map((p) => get(p)));
        const naming = { feedTitle: 'Beta renamed', siteUrl: 'https://beta-renamed.example/' };
        await store.upsertItems(
          sourceId,
          [makeItem({ uid: 'b-with-rename', publishedAt: minutes(4) })],
          tick(),
          naming,
        );
        const between = await Promise.all(paths.map((p) => get(p)));
        for (const [i, path] of paths.entries()) {
          expect(between[i]!.etag, `${path}: items in`).not.toBe(before[i]!.etag);
          expect(between[i]!.text, `${path}: the new name comes with the items`).toContain(
            'https://beta-renamed.example/',
          );
        }
        await store.finishFetch(
          sourceId,
          { ...naming, lastFetchAt: tick() },
          { startedAt: clock, durationMs: 5, outcome: 'ok' },
        );
        for (const [i, path] of paths.entries()) {
          const after = await get(path, { 'if-none-match': between[i]!.etag });
          expect(after.status, `${path}: the fetch's end is no second change`).toBe(304);
        }
      });

      it('a feed moving its site changes the feeds that name it; fetches that change nothing do not', async () => {
        const sourceId = sourceIds.get(B)!;
        const fetched = (siteUrl: string) =>
          store.finishFetch(
            sourceId,
            { feedTitle: 'Beta feed', siteUrl, lastFetchAt: tick() },
            { startedAt: clock, durationMs: 5, outcome: 'ok' },
          );
        await fetched('https://b.example/');
        const paths = ['/feeds/all.atom', '/feeds/category/Tech.atom'];
        const before = await Promise.all(paths.map((p) => get(p)));
        await fetched('https://b.example/');
        for (const [i, path] of paths.entries()) {
          expect((await get(path, { 'if-none-match': before[i]!.etag })).status, `${path}: same fetch`).toBe(304);
        }
        await fetched('https://beta.example/');
        for (const [i, path] of paths.entries()) {
          const after = await get(path, { 'if-none-match': before[i]!.etag });
          expect(after.status, `${path}: moved site`).toBe(200);
          expect(after.text).toContain('<link rel="alternate" href="https://beta.example/"/>');
        }
      });

      it('renaming a source or moving it to another category in the config changes the feeds it is in', async () => {
        const { configSchema } = await import('../../src/config/schema.ts');
        const paths = SCOPES.map((s) => s.path);
        const before = await Promise.all(paths.map((p) => get(p)));
        app.setConfig(configSchema.parse(config)); // reloaded, same content: same ETags
        for (const [i, path] of paths.entries()) {
          expect((await get(path, { 'if-none-match': before[i]!.etag })).status, path).toBe(304);
        }
        const renamed = {
          ...config,
          sources: [makeSource(A, { title: 'Alpha 2', category: 'Tech' }), ...config.sources.slice(1)],
        };
        app.setConfig(configSchema.parse(renamed));
        for (const [i, path] of paths.entries()) {
          expect((await get(path, { 'if-none-match': before[i]!.etag })).status, path).toBe(200);
        }
        app.setConfig(configSchema.parse(config));
      });

      it('a story forming changes the feeds that show its reports', async () => {
        const [x] = await insert(A, ['story-a'], () => minutes(2));
        const [y] = await insert(B, ['story-b'], () => minutes(4));
        const paths = SCOPES.map((s) => s.path);
        const before = await Promise.all(paths.map((p) => get(p)));
        await store.setStoryKeys([
          { itemId: x!.id, storyKey: 'story:1' },
          { itemId: y!.id, storyKey: 'story:1' },
        ]);
        for (const [i, path] of paths.entries()) {
          const after = await get(path, { 'if-none-match': before[i]!.etag });
          expect(after.status, path).toBe(200);
          expect(after.text, path).toContain('Also reported by');
        }
      });

      it('a cached all or category feed costs one cheap query (per source, not per item)', async () => {
        for (const path of ['/feeds/all.json', '/feeds/category/Tech.json']) {
          await get(path);
          app.calls.length = 0;
          expect((await get(path)).status).toBe(200);
          expect(app.calls).toEqual(['itemsMark']);
        }
      });
    },
  );
}
