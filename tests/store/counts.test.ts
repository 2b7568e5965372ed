import { expect, it } from 'vitest';
import type { Store } from '../../src/store/types.ts';
import { forEachDialect } from '../support/databases.ts';
import { makeItem, makeSource } from '../support/items.ts';

const now = Date.UTC(2026, 10, 20);

/** Heise (Tech, 3 items) and Cloud Blog (Cloud, 2 items), all unread; ids by uid. */
async function twoSources(store: Store) {
  await store.syncSources(
    [
      makeSource('https://heise.example/feed', { category: 'Tech' }),
      makeSource('https://cloud.example/feed', { category: 'Cloud' }),
    ],
    now,
  );
  const heise = (await store.findSourceByUrl('https://heise.example/feed'))!;
  const cloud = (await store.findSourceByUrl('https://cloud.example/feed'))!;
  const ids: Record<string, number> = {};
  for (const [source, uids] of [
    [heise, ['h0', 'h1', 'h2']],
    [cloud, ['c0', 'c1']],
  ] as const) {
    const { inserted } = await store.upsertItems(
      source.id,
      uids.map((uid, i) => makeItem({ uid, publishedAt: now - i * 60_000 })),
      now,
    );
    for (const item of inserted) ids[item.uid] = item.id;
  }
  return { heise, cloud, ids };
}

forEachDialect('count store', (db) => {
  it('counts unread items per source, per category and in all, and starred items', async () => {
    const store = await db.fresh();
    const { heise, cloud } = await twoSources(store);
    expect(await store.unreadCounts()).toEqual({
      total: 5,
      bySource: { [heise.id]: 3, [cloud.id]: 2 },
      byCategory: { Tech: 3, Cloud: 2 },
      starred: 0,
    });
  });

  it('follows every write at once: read and unread, stars, new items, retention', async () => {
    const store = await db.fresh();
    const { heise, cloud, ids } = await twoSources(store);
    await store.unreadCounts(); // a cached copy, which the writes below must drop
    await store.setRead([ids.h0!, ids.c0!], true);
    expect(await store.unreadCounts()).toMatchObject({ total: 3, byCategory: { Tech: 2, Cloud: 1 } });
    await store.changeRead([ids.c0!], false);
    expect((await store.unreadCounts()).bySource[cloud.id]).toBe(2);
    await store.setStarred(ids.h1!, true);
    await store.setStarred(ids.c1!, true);
    expect((await store.unreadCounts()).starred).toBe(2);
    await store.setStarred(ids.c1!, false);
    expect((await store.unreadCounts()).starred).toBe(1);
    // An unchanged item written again stays read; a new one counts.
    await store.upsertItems(
      heise.id,
      [makeItem({ uid: 'h0', publishedAt: now }), makeItem({ uid: 'h3', publishedAt: now + 1 })],
      now + 1,
    );
    expect((await store.unreadCounts()).bySource[heise.id]).toBe(3);
    // Retention to the newest two of Heise (h3, h0): removes h1 (starred: kept) and h2 (unread).
    expect(await store.applyRetention(heise.id, { items: 2 }, now + 2)).toBe(1);
    expect(await store.unreadCounts()).toMatchObject({
      total: 4,
      bySource: { [heise.id]: 2, [cloud.id]: 2 },
      starred: 1,
    });
  });
});
