import { expect, it } from 'vitest';
import type { SourceRow, Store } from '../../src/store/types.ts';
import { forEachDialect, storedItemCount } from '../support/databases.ts';
import { makeItem, makeSource } from '../support/items.ts';

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 20);

/** A source in the config (category Tech), as rundschau.yaml would list it. */
async function configuredSource(store: Store, url: string, retention?: { minItems: number }): Promise<SourceRow> {
  await store.syncSources([makeSource(url, retention ? { retention } : {})], now);
  return (await store.findSourceByUrl(url))!;
}

/** r0 … r24, a minute apart from a day ago, and one item `newest` now: 26 unread items of one source. */
async function riverSource(store: Store): Promise<SourceRow> {
  const source = await configuredSource(store, 'https://b.example/feed');
  const items = Array.from({ length: 25 }, (_, i) => makeItem({ uid: `r${i}`, publishedAt: now - DAY - i * 60_000 }));
  await store.upsertItems(source.id, items, now);
  await store.upsertItems(source.id, [makeItem({ uid: 'newest', publishedAt: now })], now);
  return source;
}

forEachDialect('item store', (db) => {
  it('inserts new items, updates changed ones in place, writes nothing for unchanged ones', async () => {
    const store = await db.fresh();
    const source = await configuredSource(store, 'https://a.example/feed');
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
    const store = await db.fresh();
    const source = await configuredSource(store, 'https://b.example/feed');
    const items = Array.from({ length: 25 }, (_, i) => makeItem({ uid: `r${i}`, publishedAt: now - DAY - i * 60_000 }));
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
    const store = await db.fresh();
    const source = await riverSource(store);
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
    const store = await db.fresh();
    const source = await riverSource(store);
    const r1 = (await store.listItems({ sourceId: source.id }, 50)).items.find((i) => i.uid === 'r1')!;
    await store.setStarred(r1.id, true);
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
    const store = await db.fresh();
    const source = await configuredSource(store, 'https://archive.example/feed', { minItems: 7 });
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
  });

  it('says which items a read change changed, and finds the neighbours of an item in a filtered list', async () => {
    const store = await db.fresh();
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
