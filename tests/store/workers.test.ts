/**
 * The cluster's bookkeeping on both dialects: heartbeats, and the per-host request slots that keep politeness
 * across processes (at most perHost taken at once, the gap between starts, a lapsed or forgotten holder frees its
 * slot). On PostgreSQL, two stores (two processes' pools) racing for one host never take more than perHost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.ts';
import { dialects, type TestDatabase } from '../support/databases.ts';

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== '')(`workers and host slots on ${dialect.name} ${dialect.skip}`, () => {
    let database: TestDatabase;
    let store: Store;
    let other: Store;
    const limits = { perHost: 2, gapMs: 0, leaseMs: 60_000 };

    beforeAll(async () => {
      database = await dialect.create();
      store = await database.open();
      // SQLite has one process (one writer); PostgreSQL gets a second store as a second process would.
      other = dialect.name === 'pg' ? await database.open() : store;
    });
    afterAll(async () => {
      if (other !== store) await other?.close();
      await store?.close();
      await database?.drop();
    });

    it('heartbeats add up fetches; stale owners are found and forgotten', async () => {
      await store.heartbeat('a/1/x/1', 'worker', 1_000, 3);
      await store.heartbeat('a/1/x/1', 'worker', 5_000, 2);
      await store.heartbeat('b/2/x/2', 'web', 2_000);
      expect((await store.listWorkers()).find((w) => w.owner === 'a/1/x/1')).toMatchObject({
        startedAt: 1_000,
        seenAt: 5_000,
        fetches: 5,
      });
      expect(await store.staleWorkers(4_000)).toEqual(['b/2/x/2']);
      await store.forgetWorkers(['b/2/x/2']);
      expect((await store.listWorkers()).map((w) => w.owner)).toEqual(['a/1/x/1']);
    });

    it('grants at most perHost slots per host, frees them on release, lapse or forget', async () => {
      const now = 10_000;
      const first = await store.acquireHostSlot('h1', 'o1', limits, now);
      const second = await other.acquireHostSlot('h1', 'o2', limits, now);
      expect(first.granted && second.granted).toBe(true);
      expect((await store.acquireHostSlot('h1', 'o1', limits, now)).granted).toBe(false);
      // Another host is not affected.
      expect((await store.acquireHostSlot('h2', 'o1', limits, now)).granted).toBe(true);
      expect(await store.hostSlotsInFlight(now)).toEqual(
        new Map([
          ['h1', 2],
          ['h2', 1],
        ]),
      );
      if (first.granted) await store.releaseHostSlot(first);
      expect((await other.acquireHostSlot('h1', 'o2', limits, now)).granted).toBe(true);
      // A crashed holder's slot lapses after its lease …
      expect((await store.acquireHostSlot('h1', 'o1', limits, now + 60_001)).granted).toBe(true);
      // … or is freed when its owner is forgotten.
      await store.forgetWorkers(['o2']);
      expect((await store.acquireHostSlot('h1', 'o1', limits, now + 60_001)).granted).toBe(true);
      expect((await store.acquireHostSlot('h1', 'o1', limits, now + 60_001)).granted).toBe(false);
    });

    it('keeps the gap between two starts on a host, whoever starts them', async () => {
      const gapped = { perHost: 4, gapMs: 500, leaseMs: 60_000 };
      expect((await store.acquireHostSlot('gap', 'o1', gapped, 1_000)).granted).toBe(true);
      const early = await other.acquireHostSlot('gap', 'o2', gapped, 1_200);
      expect(early).toEqual({ granted: false, retryAt: 1_500 });
      expect((await other.acquireHostSlot('gap', 'o2', gapped, 1_500)).granted).toBe(true);
      // The refused attempt gave its slot back: two are taken, not three.
      expect((await store.hostSlotsInFlight(1_500)).get('gap')).toBe(2);
    });

    it('racing processes never take more than perHost slots of one host', async () => {
      const tries = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).acquireHostSlot('race', `o${i}`, limits, 20_000)),
      );
      expect(tries.filter((t) => t.granted)).toHaveLength(2);
    });
  });
}
