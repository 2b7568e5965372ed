import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.ts';
import { dialects, storedItemCount, type TestDatabase } from '../support/databases.ts';
import { makeItem, makeSource } from '../support/items.ts';

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 20);

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== '')(`store on ${dialect.name} ${dialect.skip}`, () => {
    let database: TestDatabase;
    let store: Store;

    beforeAll(async () => {
      database = await dialect.create();
      store = await database.open();
    });
    afterAll(async () => {
      await store?.close();
      await database?.drop();
    });

    it('syncs sources from config: adds, updates, and marks removed ones without deleting', async () => {
      const first = await store.syncSources(
        [makeSource('https://a.example/feed'), makeSource('https://b.example/feed')],
        now,
      );
      expect(first.added).toEqual(['https://a.example/feed', 'https://b.example/feed']);
      const second = await store.syncSources(
        [makeSource('https://a.example/feed', { title: 'A', category: 'News' })],
        now,
      );
      expect(second).toEqual({ added: [], updated: ['https://a.example/feed'], removed: ['https://b.example/feed'] });
      const b = await store.findSourceByUrl('https://b.example/feed');
      expect(b?.inConfig).toBe(false);
      const again = await store.syncSources(
        [makeSource('https://a.example/feed', { title: 'A', category: 'News' }), makeSource('https://b.example/feed')],
        now,
      );
      expect(again.updated).toEqual(['https://b.example/feed']);
      expect((await store.listSources()).every((s) => s.inConfig)).toBe(true);
    });

    it('inserts new items, updates changed ones in place, writes nothing for unchanged ones', async () => {
      const source = (await store.findSourceByUrl('https://a.example/feed'))!;
      const items = [1, 2, 3].map((n) => makeItem({ uid: `u${n}`, publishedAt: now - n * 1000 }));
      const first = await store.upsertItems(source.id, [...items, items[0]!], now);
      expect(first.inserted).toHaveLength(3);
      const again = await store.upsertItems(source.id, items, now + 1);
      expect(again).toMatchObject({ inserted: [], updated: [], unchanged: 3 });
      const changed = makeItem({ uid: 'u2', publishedAt: now - 2000, title: 'Changed title' });
      const third = await store.upsertItems(source.id, [changed], now + 2);
      expect(third.updated).toHaveLength(1);
      const id = first.inserted.find((i) => i.uid === 'u2')!.id;
      expect(third.updated[0]!.id).toBe(id);
      expect((await store.getItem(id))!.title).toBe('Changed title');
      expect(await storedItemCount(store)).toBe(3);
      const counts = await store.unreadCounts();
      expect(counts.bySource[source.id]).toBe(3);
    });

    it('pages a river by keyset, stable while new items arrive', async () => {
      const source = (await store.findSourceByUrl('https://b.example/feed'))!;
      const items = Array.from({ length: 25 }, (_, i) =>
        makeItem({ uid: `r${i}`, publishedAt: now - DAY - i * 60_000 }),
      );
      await store.upsertItems(source.id, items, now);
      const page1 = await store.listItems({ sourceId: source.id }, 10);
      expect(page1.items.map((i) => i.uid)).toEqual(items.slice(0, 10).map((i) => i.uid));
      await store.upsertItems(source.id, [makeItem({ uid: 'newest', publishedAt: now })], now);
      const page2 = await store.listItems({ sourceId: source.id }, 10, page1.next);
      expect(page2.items.map((i) => i.uid)).toEqual(items.slice(10, 20).map((i) => i.uid));
      const page3 = await store.listItems({ sourceId: source.id }, 10, page2.next);
      expect(page3.items).toHaveLength(5);
      expect(page3.next).toBeUndefined();
    });

    it('keeps read/starred state and unread counters consistent', async () => {
      const source = (await store.findSourceByUrl('https://b.example/feed'))!;
      const page = await store.listItems({ sourceId: source.id, unreadOnly: true }, 5);
      expect(await store.setRead([page.items[0]!.id, page.items[1]!.id], true)).toBe(2);
      expect(await store.setRead([page.items[0]!.id], true)).toBe(0);
      let counts = await store.unreadCounts();
      expect(counts.bySource[source.id]).toBe(24);
      await store.setStarred(page.items[2]!.id, true);
      counts = await store.unreadCounts();
      expect(counts.starred).toBe(1);
      const upTo = page.items[3]!;
      // "Mark all shown as read" sends the ids the reader showed: here everything at or below the fourth entry.
      const shown = (await store.listItems({ sourceId: source.id }, 50)).items.filter(
        (i) => i.publishedAt < upTo.publishedAt || (i.publishedAt === upTo.publishedAt && i.id <= upTo.id),
      );
      const marked = await store.changeRead(
        shown.map((i) => i.id),
        true,
      );
      // r2 … r24 were shown-or-older and unread; r1 (newer than the mark, unread) stays unread.
      expect(marked).toHaveLength(23);
      counts = await store.unreadCounts();
      expect(counts.bySource[source.id]).toBe(1);
      expect(counts.byCategory.Tech).toBe(1);
      const unread = await store.listItems({ sourceId: source.id, unreadOnly: true }, 50);
      expect(unread.items.map((i) => i.uid)).toEqual(['r1']);
    });

    it('applies retention with tombstones, never removing starred items, and does not re-import', async () => {
      const source = (await store.findSourceByUrl('https://b.example/feed'))!;
      const starred = (await store.listItems({ sourceId: source.id, starredOnly: true }, 5)).items[0]!;
      const removed = await store.applyRetention(source.id, { items: 5 }, now);
      expect(removed).toBe(26 - 5);
      expect((await store.getItem(starred.id))?.starred).toBe(true);
      const again = await store.upsertItems(
        source.id,
        [makeItem({ uid: 'r24', publishedAt: now - DAY - 24 * 60_000 })],
        now,
      );
      expect(again.tombstoned).toBe(1);
      expect(again.inserted).toHaveLength(0);
      const s = await store.getSource(source.id);
      expect(s?.itemCount).toBe(5);
    });

    it('counts retention age from first sight and keeps the latest document, the newest minimum and starred items', async () => {
      await store.syncSources(
        [
          makeSource('https://a.example/feed', { title: 'A', category: 'News' }),
          makeSource('https://b.example/feed'),
          makeSource('https://archive.example/feed', { retention: { minItems: 7 } }),
        ],
        now,
      );
      const source = (await store.findSourceByUrl('https://archive.example/feed'))!;
      expect(source).toMatchObject({ retentionDays: null, retentionItems: null, retentionMinItems: 7 });
      const threeYears = 3 * 365 * DAY;
      // o0…o9: seen 400 days ago; n0…n2: published even longer ago but seen only now.
      const old = Array.from({ length: 10 }, (_, i) =>
        makeItem({ uid: `o${i}`, publishedAt: now - threeYears - i * DAY }),
      );
      const recent = Array.from({ length: 3 }, (_, i) =>
        makeItem({ uid: `n${i}`, publishedAt: now - threeYears - (20 + i) * DAY }),
      );
      await store.upsertItems(source.id, old, now - 400 * DAY);
      await store.upsertItems(source.id, recent, now);
      const starred = (await store.listItems({ sourceId: source.id }, 50)).items.find((i) => i.uid === 'o9')!;
      await store.setStarred(starred.id, true);

      const policy = { days: 180, minItems: 2 };
      // The latest document carries o2 and o3; o0 and o1 are the two newest; o9 is starred.
      expect(await store.applyRetention(source.id, policy, now, ['o2', 'o3'])).toBe(5);
      const left = (await store.listItems({ sourceId: source.id }, 50)).items.map((i) => i.uid).sort();
      expect(left).toEqual(['n0', 'n1', 'n2', 'o0', 'o1', 'o2', 'o3', 'o9']);
      expect((await store.getSource(source.id))?.itemCount).toBe(8);
      // Removed items stay removed when an old page brings them back; kept ones are simply unchanged.
      const back = await store.upsertItems(source.id, [old[4]!, old[2]!], now + 1);
      expect(back).toMatchObject({ inserted: [], tombstoned: 1, unchanged: 1 });
      // Nothing the feed carries goes, however low the count limit; outside the feed the limit applies.
      expect(await store.applyRetention(source.id, { items: 1, minItems: 50 }, now, left)).toBe(0);
      expect(await store.applyRetention(source.id, { items: 1, minItems: 50 }, now, [])).toBe(6);
      const kept = (await store.listItems({ sourceId: source.id }, 50)).items.map((i) => i.uid).sort();
      expect(kept).toEqual(['o0', 'o9']);
      // Out of the config again: the tests below count due sources.
      await store.syncSources(
        [makeSource('https://a.example/feed', { title: 'A', category: 'News' }), makeSource('https://b.example/feed')],
        now,
      );
    });

    it('searches German and English text with stemming', async () => {
      const source = (await store.findSourceByUrl('https://a.example/feed'))!;
      await store.upsertItems(
        source.id,
        [
          makeItem({
            uid: 's1',
            title: 'Alibaba eröffnet Rechenzentrum in Frankfurt',
            summary: 'Der Cloud-Anbieter baut in Europa aus <script>',
            language: 'de',
          }),
          makeItem({
            uid: 's2',
            title: 'AWS opens new data centers in Europe',
            summary: 'Clouds everywhere',
            language: 'en',
          }),
          makeItem({
            uid: 's3',
            title: 'Weather report',
            summary: 'Sunny',
            contentHtml: '<p>Nothing about <b>Rechenzentren</b></p>',
          }),
        ],
        now,
      );
      const de = await store.search('Rechenzentren', 10);
      expect(de.map((h) => h.uid).sort()).toEqual(['s1', 's3']);
      expect(de[0]!.terms).toEqual([{ text: 'rechenzentr', prefix: true }]);
      expect((await store.search('data center', 10)).map((h) => h.uid)).toEqual(['s2']);
      expect((await store.search('"unbalanced OR (', 10)).length).toBe(0);
      expect(await store.search('', 10)).toEqual([]);
    });

    it('claims due sources with a lease and records fetch results', async () => {
      const claimed = await store.claimDueSources('worker-1', 10, 60_000, now + 1);
      expect(claimed.length).toBe(2);
      expect(await store.claimDueSources('worker-2', 10, 60_000, now + 2)).toHaveLength(0);
      const source = claimed[0]!;
      await store.finishFetch(
        source.id,
        { status: 'ok', lastSuccessAt: now, nextFetchAt: now + 3_600_000, etag: '"abc"' },
        { startedAt: now, durationMs: 12, outcome: 'ok', httpStatus: 200, itemsNew: 3 },
      );
      const after = await store.getSource(source.id);
      expect(after).toMatchObject({ status: 'ok', etag: '"abc"', leaseOwner: null });
      expect((await store.recentAttempts(5)).get(source.id)?.[0]).toMatchObject({ outcome: 'ok', itemsNew: 3 });
      expect((await store.claimDueSources('worker-3', 10, 60_000, now + 70_000)).map((s) => s.id)).not.toContain(
        source.id,
      );
    });

    it('stores topic scores, keeps editor decisions over re-scoring, and bumps the version', async () => {
      const { created } = await store.upsertTopic(
        { slug: 'cloud', title: 'Cloud', description: '', rulesHash: 'h1' },
        now,
      );
      expect(created).toBe(true);
      const all = await store.scanItems(0, 100);
      const [a, b, c] = all;
      await store.saveTopicScores(
        'cloud',
        [
          { itemId: a!.id, score: 3, included: true, evidence: { terms: ['cloud'] }, publishedAt: a!.publishedAt },
          { itemId: b!.id, score: 0.5, included: false, evidence: {}, publishedAt: b!.publishedAt },
          { itemId: c!.id, score: 0, included: false, evidence: {}, publishedAt: c!.publishedAt },
        ],
        now,
      );
      const v1 = (await store.getTopic('cloud'))!.version;
      expect((await store.listTopicItems('cloud', 10)).items.map((i) => i.id)).toEqual([a!.id]);
      // Published topic feeds read bodies; the reader's topic river (and story assignment) leave them in the database.
      const body = (await store.getItem(a!.id))!.contentHtml;
      expect(body).not.toBe('');
      expect((await store.listTopicItems('cloud', 10)).items[0]).toMatchObject({ contentHtml: body, score: 3 });
      const river = await store.listItems({ topic: 'cloud' }, 10, undefined, { content: false });
      expect(river.items.map((i) => [i.id, i.contentHtml, i.title])).toEqual([[a!.id, '', a!.title]]);
      expect(
        (await store.listTopicItems('cloud', 10, undefined, undefined, { content: false })).items[0],
      ).toMatchObject({ contentHtml: '', score: 3, decision: 'auto' });
      await store.setTopicDecision('cloud', b!.id, 'pinned', now);
      await store.setTopicDecision('cloud', a!.id, 'excluded', now);
      await store.saveTopicScores('cloud', [
        { itemId: a!.id, score: 5, included: true, evidence: {}, publishedAt: a!.publishedAt },
        { itemId: b!.id, score: 0, included: false, evidence: {}, publishedAt: b!.publishedAt },
      ]);
      expect((await store.listTopicItems('cloud', 10)).items.map((i) => i.id)).toEqual([b!.id]);
      expect((await store.getTopic('cloud'))!.version).toBeGreaterThan(v1);
      expect((await store.topicDecisions('cloud')).map((d) => d.decision).sort()).toEqual(['excluded', 'pinned']);
      expect((await store.itemTopics(b!.id))[0]).toMatchObject({ slug: 'cloud', decision: 'pinned', included: true });
      const changed = await store.upsertTopic({ slug: 'cloud', title: 'Cloud', description: '', rulesHash: 'h2' }, now);
      expect(changed.rulesChanged).toBe(true);
    });

    it('hands concurrent claimers disjoint sources (no source fetched twice)', async () => {
      const urls = Array.from({ length: 40 }, (_, i) => `https://claim-${i}.example/feed`);
      const before = await store.listSources();
      await store.syncSources(
        [
          ...before
            .filter((s) => s.inConfig)
            .map((s) => makeSource(s.configUrl, { title: s.title, category: s.category })),
          ...urls.map((u) => makeSource(u)),
        ],
        now,
      );
      const later = now + 10 * 60_000;
      const claims = await Promise.all(
        ['w1', 'w2', 'w3', 'w4'].map((owner) => store.claimDueSources(owner, 15, 60_000, later)),
      );
      const ids = claims.flat().map((s) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBeGreaterThanOrEqual(40);
      for (const s of claims.flat())
        await store.finishFetch(
          s.id,
          { nextFetchAt: later + 3_600_000 },
          { startedAt: later, durationMs: 1, outcome: 'not_modified' },
        );
    });

    it('leases: a forced claim skips live leases of others; renew extends, release frees', async () => {
      const urls = Array.from({ length: 3 }, (_, i) => `https://lease-${i}.example/feed`);
      const before = await store.listSources();
      await store.syncSources(
        [
          ...before
            .filter((s) => s.inConfig)
            .map((s) => makeSource(s.configUrl, { title: s.title, category: s.category })),
          ...urls.map((u) => makeSource(u)),
        ],
        now,
      );
      const at = now + 20 * 60_000;
      const held = await store.claimDueSources('host/1/x/serve', 1000, 90_000, at);
      const heldIds = held.map((s) => s.id).sort();
      expect(heldIds.length).toBeGreaterThanOrEqual(3);
      // `fetch --all` beside it: takes everything else, nothing the other owner holds.
      const forced = await store.claimDueSources('host/2/x/fetch', 1000, 90_000, at + 1, true);
      expect(forced.map((s) => s.id).filter((id) => heldIds.includes(id))).toEqual([]);
      expect((await store.leaseHolders(at + 2)).sort()).toEqual(
        forced.length > 0 ? ['host/1/x/serve', 'host/2/x/fetch'] : ['host/1/x/serve'],
      );
      await store.releaseLeases(['host/2/x/fetch']);
      // Renewed past the first lease's end: still held then.
      expect(await store.renewLeases('host/1/x/serve', at + 200_000)).toBe(heldIds.length);
      expect(await store.leaseHolders(at + 150_000)).toEqual(['host/1/x/serve']);
      expect(await store.claimDueSources('host/3/x/other', 1000, 90_000, at + 150_000)).toHaveLength(0);
      // Released (its process is gone): due again at once.
      expect(await store.releaseLeases(['host/1/x/serve'])).toBe(heldIds.length);
      const reclaimed = await store.claimDueSources('host/3/x/other', 1000, 90_000, at + 150_001);
      expect(reclaimed.map((s) => s.id).sort()).toEqual(heldIds);
      for (const s of reclaimed)
        await store.finishFetch(s.id, { nextFetchAt: at + 3_600_000 }, { startedAt: at, durationMs: 1, outcome: 'ok' });
    });

    // PostgreSQL only: registered for that dialect alone, so SQLite runs report no skip.
    if (dialect.name === 'pg')
      it('two processes syncing the same new sources at once both succeed, each source once (PostgreSQL)', async () => {
        const second = await database.open();
        try {
          const configured = [
            ...(await store.listSources())
              .filter((s) => s.inConfig)
              .map((s) => makeSource(s.configUrl, { title: s.title, category: s.category })),
            ...Array.from({ length: 50 }, (_, i) => makeSource(`https://race-${i}.example/feed`)),
          ];
          // Not inside `exclusive`: syncSources itself must not fail on a race.
          const results = await Promise.all([store.syncSources(configured, now), second.syncSources(configured, now)]);
          expect(results[0]!.added.length + results[1]!.added.length).toBe(50);
          const rows = await store.listSources();
          expect(rows.filter((s) => s.configUrl.startsWith('https://race-')).length).toBe(50);
        } finally {
          await second.close();
        }
      });

    it('keeps the fetch log of a source to its last two weeks', async () => {
      const source = (await store.listSources())[0]!;
      const old = now - 20 * DAY;
      await store.finishFetch(source.id, {}, { startedAt: old, durationMs: 5, outcome: 'error', error: 'old failure' });
      expect((await store.recentAttempts(50)).get(source.id)?.some((a) => a.startedAt === old)).toBe(true);
      await store.finishFetch(source.id, {}, { startedAt: now + 5, durationMs: 5, outcome: 'not_modified' });
      const log = (await store.recentAttempts(50)).get(source.id) ?? [];
      expect(log.some((a) => a.startedAt === old)).toBe(false);
      expect(log[0]).toMatchObject({ outcome: 'not_modified' });
    });

    it('answers ping and reports source health', async () => {
      expect(await store.ping()).toBe(true);
      const health = await store.sourceHealth(now);
      expect(health.length).toBe((await store.listSources()).length);
      expect(health.every((h) => typeof h.itemsPerWeek === 'number')).toBe(true);
    });

    // Last: it syncs a config of its own, which takes the earlier tests' sources out of it.
    it('says which items a read change changed, and finds the neighbours of an item in a filtered list', async () => {
      await store.syncSources(
        [
          makeSource('https://adj-a.example/feed', { category: 'AdjA' }),
          makeSource('https://adj-b.example/feed', { category: 'AdjB' }),
        ],
        now,
      );
      const a = (await store.findSourceByUrl('https://adj-a.example/feed'))!;
      const b = (await store.findSourceByUrl('https://adj-b.example/feed'))!;
      // a0 and a1 share a timestamp: the id breaks the tie, as in the river.
      const at = [now - 1000, now - 2000, now - 2000, now - 3000];
      const { inserted } = await store.upsertItems(
        a.id,
        at.map((publishedAt, i) => makeItem({ uid: `adj-a${i}`, publishedAt })),
        now,
      );
      await store.upsertItems(b.id, [makeItem({ uid: 'adj-b0', publishedAt: now - 1500 })], now);
      const river = (await store.listItems({ sourceId: a.id }, 10)).items;
      expect(river.map((i) => i.uid)).toHaveLength(4);
      const ids = river.map((i) => i.id);

      expect(await store.adjacentItems({ sourceId: a.id }, river[1]!)).toEqual({ newer: ids[0], older: ids[2] });
      expect(await store.adjacentItems({ sourceId: a.id }, river[2]!)).toEqual({ newer: ids[1], older: ids[3] });
      expect(await store.adjacentItems({ sourceId: a.id }, river[0]!)).toEqual({ newer: undefined, older: ids[1] });
      expect(await store.adjacentItems({ category: 'AdjA' }, river[3]!)).toEqual({ newer: ids[2], older: undefined });
      const everything = (await store.listItems({}, 1000)).items.map((i) => i.id);
      const k = everything.indexOf(river[1]!.id);
      expect(await store.adjacentItems({}, river[1]!)).toEqual({ newer: everything[k - 1], older: everything[k + 1] });
      // Without the source filter, the other source's item sits between a0 and a1.
      expect(everything[k - 1]).toBe((await store.listItems({ sourceId: b.id }, 1)).items[0]!.id);
      expect(await store.adjacentItems({ category: 'nope' }, river[0]!)).toEqual({});

      expect((await store.changeRead([ids[1]!, ids[2]!], true)).sort()).toEqual([ids[1], ids[2]].sort());
      // Read items drop out of an unread walk, even the one asked about.
      expect(await store.adjacentItems({ sourceId: a.id, unreadOnly: true }, river[1]!)).toEqual({
        newer: ids[0],
        older: ids[3],
      });
      expect(await store.changeRead([ids[0]!, ids[1]!, ids[2]!], true)).toEqual([ids[0]]);
      expect((await store.unreadCounts()).bySource[a.id]).toBe(1);
      expect(await store.changeRead([ids[1]!, ids[3]!, 999_999], false)).toEqual([ids[1]]);
      expect((await store.unreadCounts()).bySource[a.id]).toBe(2);
      expect(inserted).toHaveLength(4);
    });
  });
}
