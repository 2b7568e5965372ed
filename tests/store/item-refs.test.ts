/** The store queries the sync APIs use: item refs by filter, marking a filter read, story mates, id ranges. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Cursor, Store } from '../../src/store/types.ts';
import { dialects, type TestDatabase } from '../support/databases.ts';
import { makeItem, makeSource } from '../support/items.ts';

const NOW = Date.UTC(2026, 10, 10);
const HOUR = 3_600_000;

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== '')(`item refs and sync queries on ${dialect.name} ${dialect.skip}`, () => {
    let database: TestDatabase;
    let store: Store;
    let ids: number[];
    let other: number;
    beforeEach(async () => {
      database = await dialect.create();
      store = await database.open();
      await store.syncSources([
        makeSource('https://a.example/feed'),
        makeSource('https://b.example/feed', { category: 'B' }),
      ]);
      const [a, b] = await Promise.all([
        store.findSourceByUrl('https://a.example/feed'),
        store.findSourceByUrl('https://b.example/feed'),
      ]);
      const inserted = await store.upsertItems(
        a!.id,
        Array.from({ length: 6 }, (_, i) => makeItem({ uid: `a${i}`, publishedAt: NOW - i * HOUR })),
        NOW,
      );
      ids = inserted.inserted.map((i) => i.id); // newest first
      other = (await store.upsertItems(b!.id, [makeItem({ uid: 'b0', publishedAt: NOW - 2.5 * HOUR })], NOW))
        .inserted[0]!.id;
    });
    afterEach(async () => {
      await store.close();
      await database.drop();
    });

    it('pages refs newest or oldest first by keyset, with state, category, time and topic filters', async () => {
      const first = await store.listItemRefs({ category: 'Tech' }, 4);
      expect(first.items.map((r) => r.id)).toEqual(ids.slice(0, 4));
      expect(first.items[0]!.publishedAt).toBe(NOW);
      const rest = await store.listItemRefs({ category: 'Tech' }, 4, first.next);
      expect(rest.items.map((r) => r.id)).toEqual(ids.slice(4));
      expect(rest.next).toBeUndefined();
      const oldest = await store.listItemRefs({}, 3, undefined, { oldestFirst: true });
      expect(oldest.items.map((r) => r.id)).toEqual([ids[5], ids[4], ids[3]]);
      const after = await store.listItemRefs({}, 3, oldest.next, { oldestFirst: true });
      expect(after.items.map((r) => r.id)).toEqual([other, ids[2], ids[1]]);

      await store.setRead([ids[0]!, ids[1]!], true);
      await store.setStarred(ids[2]!, true);
      const refs = async (filter: Parameters<Store['listItemRefs']>[0]) =>
        (await store.listItemRefs(filter, 100)).items.map((r) => r.id);
      expect(await refs({ readOnly: true })).toEqual([ids[0], ids[1]]);
      expect(await refs({ unreadOnly: true, unstarredOnly: true, category: 'Tech' })).toEqual(ids.slice(3));
      expect(await refs({ starredOnly: true })).toEqual([ids[2]]);
      expect(await refs({ publishedFrom: NOW - 2 * HOUR, publishedUntil: NOW - HOUR })).toEqual([ids[1], ids[2]]);

      await store.upsertTopic({ slug: 't', title: 'T', description: '', rulesHash: 'h' }, NOW);
      await store.saveTopicScores(
        't',
        [ids[0]!, ids[3]!, other].map((itemId, k) => ({
          itemId,
          score: 2,
          included: k < 2,
          evidence: {},
          publishedAt: itemId === other ? NOW - 2.5 * HOUR : NOW - (itemId === ids[0] ? 0 : 3) * HOUR,
        })),
        NOW,
      );
      expect(await refs({ topic: 't' })).toEqual([ids[0], ids[3]]);
      expect(await refs({ topic: 't', unreadOnly: true })).toEqual([ids[3]]);
      expect(await store.topicUnreadCounts()).toEqual({ t: 1 });
      expect(await store.markFilterRead({ topic: 't' })).toEqual([ids[3]]);
      expect(await store.topicUnreadCounts()).toEqual({});
    });

    it('writes refs as one text in the river order, with the same pages and continuation as listItemRefs', async () => {
      const format = { before: '[', between: ':', after: ']', separator: ',' };
      const text = (refs: { id: number; publishedAt: number }[]) =>
        refs.map((r) => `[${r.id}:${r.publishedAt}]`).join(',');
      for (const oldestFirst of [false, true]) {
        for (const filter of [{}, { category: 'Tech' }, { unreadOnly: true }]) {
          let after: Cursor | undefined;
          let pages = 0;
          do {
            const refs = await store.listItemRefs(filter, 3, after, { oldestFirst });
            const written = await store.listItemRefText(filter, 3, after, { oldestFirst, format });
            expect(written.text, JSON.stringify({ filter, oldestFirst, after })).toBe(text(refs.items));
            expect(written.next).toEqual(refs.next);
            after = refs.next;
            pages++;
          } while (after);
          expect(pages).toBe(filter.category ? 2 : 3);
        }
      }
      // Ids alone; a page holding exactly the rest has no continuation; nothing matches: empty.
      const all = await store.listItemRefText({}, 7, undefined, { format: { before: '', after: '', separator: ',' } });
      expect(all).toEqual({ text: [ids[0], ids[1], ids[2], other, ids[3], ids[4], ids[5]].join(','), next: undefined });
      expect(await store.listItemRefText({ category: 'None' }, 5, undefined, { format })).toEqual({ text: '' });
      expect(await store.listItemRefText({ starredOnly: true }, 5, undefined, { format })).toEqual({ text: '' });
    });

    it('leaves out excluded sources and topics, in refs, ref text, pages and marking', async () => {
      await store.upsertTopic({ slug: 't', title: 'T', description: '', rulesHash: 'h' }, NOW);
      await store.saveTopicScores(
        't',
        [ids[1]!, other].map((itemId) => ({
          itemId,
          score: 2,
          included: true,
          evidence: {},
          publishedAt: itemId === other ? NOW - 2.5 * HOUR : NOW - HOUR,
        })),
        NOW,
      );
      const a = (await store.findSourceByUrl('https://a.example/feed'))!.id;
      const b = (await store.findSourceByUrl('https://b.example/feed'))!.id;
      const refs = async (filter: Parameters<Store['listItemRefs']>[0]) =>
        (await store.listItemRefs(filter, 100)).items.map((r) => r.id);
      const written = async (filter: Parameters<Store['listItemRefs']>[0]) =>
        (await store.listItemRefText(filter, 100, undefined, { format: { before: '', after: '', separator: ',' } }))
          .text;
      expect(await refs({ excludeSourceIds: [b] })).toEqual(ids);
      expect(await refs({ excludeSourceIds: [a, b] })).toEqual([]);
      expect(await refs({ excludeTopics: ['t'] })).toEqual([ids[0], ids[2], ids[3], ids[4], ids[5]]);
      expect(await refs({ topic: 't', excludeSourceIds: [b] })).toEqual([ids[1]]);
      expect(await written({ excludeTopics: ['t'], excludeSourceIds: [a] })).toBe('');
      expect(await written({ excludeTopics: ['t'], category: 'Tech' })).toBe(
        [ids[0], ids[2], ids[3], ids[4], ids[5]].join(','),
      );
      const page = await store.listItems({ excludeSourceIds: [a] }, 10);
      expect(page.items.map((i) => i.id)).toEqual([other]);
      const topicPage = await store.listItems({ topic: 't', excludeSourceIds: [a] }, 10);
      expect(topicPage.items.map((i) => i.id)).toEqual([other]);
      expect(await store.adjacentItems({ excludeTopics: ['t'] }, { publishedAt: NOW, id: ids[0]! })).toEqual({
        older: ids[2],
      });
      expect((await store.markFilterRead({ excludeTopics: ['t'], excludeSourceIds: [b] })).sort()).toEqual(
        [ids[0], ids[2], ids[3], ids[4], ids[5]].sort(),
      );
      expect(await refs({ unreadOnly: true })).toEqual([ids[1], other]);
    });

    it('marks a filter read keeping the unread counters, finds the reports of a story, reads id ranges', async () => {
      const changed = await store.markFilterRead({ category: 'Tech', publishedUntil: NOW - 3 * HOUR });
      expect(changed.sort()).toEqual(ids.slice(3).sort());
      const counts = await store.unreadCounts();
      expect(counts.byCategory).toEqual({ Tech: 3, B: 1 });
      expect(await store.markFilterRead({ category: 'Nowhere' })).toEqual([]);

      await store.setStoryKeys([
        { itemId: ids[0]!, storyKey: 's1' },
        { itemId: other, storyKey: 's1' },
        { itemId: ids[1]!, storyKey: 's2' },
      ]);
      const asc = (xs: number[]) => [...xs].sort((a, b) => a - b);
      expect(await store.storyReportIds([ids[0]!])).toEqual(asc([ids[0]!, other]));
      expect(await store.storyReportIds([ids[0]!, other])).toEqual(asc([ids[0]!, other]));
      expect(await store.storyReportIds([ids[1]!, ids[2]!])).toEqual(asc([ids[1]!, ids[2]!]));
      expect(await store.storyReportIds([999_999])).toEqual([]);

      const sorted = [...ids, other].sort((a, b) => a - b);
      expect((await store.itemsByIdRange({ after: sorted[1] }, 3)).map((i) => i.id)).toEqual(sorted.slice(2, 5));
      expect((await store.itemsByIdRange({ before: 0 }, 2)).map((i) => i.id)).toEqual(sorted.slice(-2).reverse());
      expect((await store.itemsByIdRange({ before: sorted[2] }, 5)).map((i) => i.id)).toEqual([sorted[1], sorted[0]]);
    });
  });
}
