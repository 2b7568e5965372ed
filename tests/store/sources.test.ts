import { expect, it } from 'vitest';
import type { Store } from '../../src/store/types.ts';
import { forEachDialect } from '../support/databases.ts';
import { makeSource } from '../support/items.ts';

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 20);

/** Adds `urls` to the sources in the config, as a config edit would. */
async function addToConfig(store: Store, urls: string[]): Promise<void> {
  const before = await store.listSources();
  await store.syncSources(
    [
      ...before.filter((s) => s.inConfig).map((s) => makeSource(s.configUrl, { title: s.title, category: s.category })),
      ...urls.map((u) => makeSource(u)),
    ],
    now,
  );
}

forEachDialect('source store', (db) => {
  it('syncs sources from config: adds, updates, and marks removed ones without deleting', async () => {
    const store = await db.fresh();
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

  it('claims due sources with a lease and records fetch results', async () => {
    const store = await db.fresh();
    await addToConfig(store, ['https://a.example/feed', 'https://b.example/feed']);
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

  it('hands concurrent claimers disjoint sources (no source fetched twice)', async () => {
    const store = await db.fresh();
    await addToConfig(
      store,
      Array.from({ length: 40 }, (_, i) => `https://claim-${i}.example/feed`),
    );
    const later = now + 10 * 60_000;
    const claims = await Promise.all(
      ['w1', 'w2', 'w3', 'w4'].map((owner) => store.claimDueSources(owner, 15, 60_000, later)),
    );
    const ids = claims.flat().map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(40);
  });

  it('leases: a forced claim skips live leases of others; renew extends, release frees', async () => {
    const store = await db.fresh();
    const at = now + 20 * 60_000;
    // One source fetched a moment ago (not due at `at`): only a forced claim takes it.
    await addToConfig(store, ['https://fetched.example/feed']);
    for (const s of await store.claimDueSources('host/0/x/serve', 10, 90_000, at - 1)) {
      await store.finishFetch(
        s.id,
        { nextFetchAt: at + 3_600_000 },
        { startedAt: at - 1, durationMs: 1, outcome: 'ok' },
      );
    }
    await addToConfig(
      store,
      Array.from({ length: 3 }, (_, i) => `https://lease-${i}.example/feed`),
    );
    const held = await store.claimDueSources('host/1/x/serve', 1000, 90_000, at);
    const heldIds = held.map((s) => s.id).sort();
    expect(heldIds.length).toBeGreaterThanOrEqual(3);
    // `fetch --all` beside it: takes everything else, nothing the other owner holds.
    const forced = await store.claimDueSources('host/2/x/fetch', 1000, 90_000, at + 1, true);
    expect(forced.map((s) => s.id).filter((id) => heldIds.includes(id))).toEqual([]);
    expect(forced).toHaveLength(1);
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
  });

  // PostgreSQL only: registered for that dialect alone, so SQLite runs report no skip.
  if (db.dialect === 'pg')
    it('two processes syncing the same new sources at once both succeed, each source once (PostgreSQL)', async () => {
      const database = await db.freshDatabase();
      const store = await database.open();
      const second = await database.open();
      try {
        const configured = Array.from({ length: 50 }, (_, i) => makeSource(`https://race-${i}.example/feed`));
        // Not inside `exclusive`: syncSources itself must not fail on a race.
        const results = await Promise.all([store.syncSources(configured, now), second.syncSources(configured, now)]);
        expect(results[0]!.added.length + results[1]!.added.length).toBe(50);
        const rows = await store.listSources();
        expect(rows.filter((s) => s.configUrl.startsWith('https://race-')).length).toBe(50);
      } finally {
        await second.close();
        await store.close();
      }
    });

  it('keeps the fetch log of a source to its last two weeks', async () => {
    const store = await db.fresh();
    await addToConfig(store, ['https://a.example/feed']);
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
    const store = await db.fresh();
    await addToConfig(store, ['https://a.example/feed', 'https://b.example/feed']);
    expect(await store.ping()).toBe(true);
    const health = await store.sourceHealth(now);
    expect(health.length).toBe((await store.listSources()).length);
    expect(health.length).toBe(2);
    expect(health.every((h) => typeof h.itemsPerWeek === 'number')).toBe(true);
  });
});
