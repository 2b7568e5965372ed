import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.ts';
import { dialects, type TestDatabase } from '../support/databases.ts';
import { makeItem, makeSource } from '../support/items.ts';

const now = Date.UTC(2026, 10, 20);

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== '')(`story reports on ${dialect.name} ${dialect.skip}`, () => {
    let database: TestDatabase;
    let store: Store;
    const ids: Record<string, number> = {};

    beforeAll(async () => {
      database = await dialect.create();
      store = await database.open();
      await store.syncSources(
        ['https://a.example/feed', 'https://b.example/feed', 'https://c.example/feed'].map((u) => makeSource(u)),
        now,
      );
      for (const [n, url] of ['a', 'b', 'c'].map((x, i) => [i, `https://${x}.example/feed`] as const)) {
        const source = (await store.findSourceByUrl(url))!;
        const { inserted } = await store.upsertItems(
          source.id,
          [
            makeItem({ uid: `story-${n}`, publishedAt: now - (3 - n) * 60_000 }),
            makeItem({ uid: `alone-${n}`, publishedAt: now - 10 * 60_000 }),
          ],
          now,
        );
        for (const item of inserted) ids[`${item.uid}`] = item.id;
      }
      const key = `story:${ids['story-0']}`;
      await store.setStoryKeys([0, 1, 2].map((n) => ({ itemId: ids[`story-${n}`]!, storyKey: key })));
    });
    afterAll(async () => {
      await store?.close();
      await database?.drop();
    });

    it('lists the reports of an item’s story, earliest first; an item without a story alone', async () => {
      const reports = await store.storyReports(ids['story-1']!);
      expect(reports.map((r) => r.id)).toEqual([ids['story-0'], ids['story-1'], ids['story-2']]);
      expect(new Set(reports.map((r) => r.sourceTitle)).size).toBe(3);
      expect((await store.storyReports(ids['alone-0']!)).map((r) => r.id)).toEqual([ids['alone-0']]);
      expect(await store.storyReports(999_999)).toEqual([]);
    });

    it('marks every report of a story read and unread, with the unread counts in step', async () => {
      expect((await store.unreadCounts()).total).toBe(6);
      const changed = await store.markStoryRead([ids['story-2']!], true);
      expect(changed.sort()).toEqual([ids['story-0'], ids['story-1'], ids['story-2']].sort());
      const counts = await store.unreadCounts();
      expect(counts.total).toBe(3);
      expect(Object.values(counts.bySource)).toEqual([1, 1, 1]);
      expect((await store.getItem(ids['alone-1']!))!.read).toBe(false);
      // Already read: nothing changes a second time.
      expect(await store.markStoryRead([ids['story-0']!], true)).toEqual([]);
      expect((await store.markStoryRead([ids['story-0']!], false)).length).toBe(3);
      expect((await store.unreadCounts()).total).toBe(6);
    });

    it('takes an item out of its story with a null key (the others stay together)', async () => {
      await store.setStoryKeys([{ itemId: ids['story-2']!, storyKey: null }]);
      expect((await store.storyReports(ids['story-2']!)).map((r) => r.id)).toEqual([ids['story-2']]);
      expect((await store.storyReports(ids['story-0']!)).map((r) => r.id)).toEqual([ids['story-0'], ids['story-1']]);
    });
  });
}
