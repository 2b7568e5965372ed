/**
 * Leases of other processes as a cycle meets them (real store on both dialects, real HTTP on loopback): a live
 * owner's leases are respected, a gone owner's are released at once — on this machine by its pid, on PostgreSQL
 * on any machine by its presence lock.
 */
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle } from '../../src/app/cycle.ts';
import { processLeaseOwner } from '../../src/schedule/lease.ts';
import type { Store } from '../../src/store/types.ts';
import { dialects, type TestDatabase } from '../support/databases.ts';
import { rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults, type TestRuntime, testRuntime } from '../support/runtime.ts';

const scope = processLeaseOwner.split('/')[2];
/** A pid that does not run: past the kernel's pid_max default. */
const deadPid = 4_194_400;

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== '')(`leases of other processes on ${dialect.name} ${dialect.skip}`, () => {
    let server: FixtureServer;
    let database: TestDatabase;
    let t: TestRuntime;
    let other: Store;
    const path = (i: number) => `/lease-${i}.xml`;

    beforeAll(async () => {
      server = await startFixtureServer();
      for (let i = 0; i < 6; i++)
        server.route(path(i), serveBody(rss(`Lease ${i}`, [{ id: `l${i}`, title: `L ${i}` }])));
      database = await dialect.create();
      t = await testRuntime(
        {
          defaults: fastDefaults,
          sources: Array.from({ length: 6 }, (_, i) => ({ url: server.url(path(i)) })),
          topics: [],
        },
        { databaseUrl: database.url },
      );
      other = await database.open();
    });
    afterAll(async () => {
      await other?.close();
      await t?.cleanup();
      await database?.drop();
      await server?.close();
    });

    /** Leases the sources at these indexes to `owner` through the second store (another process's view). */
    async function lease(owner: string, indexes: number[]) {
      const ids = (await other.listSources()).filter((s) => indexes.some((i) => s.configUrl.endsWith(path(i))));
      await other.claimDueSources(
        owner,
        100,
        90_000,
        Date.now(),
        true,
        ids.map((s) => s.id),
      );
    }

    it('skips a live owner, releases a same-machine owner whose pid is gone', async () => {
      const liveHere = `${hostname()}/${process.ppid}/${scope}/alive`;
      const deadHere = `${hostname()}/${deadPid}/${scope}/crashed`;
      await other.announceLeaseOwner(liveHere);
      await lease(liveHere, [0]);
      await lease(deadHere, [1, 2]);
      const summary = await runCycle(t.runtime, { force: true });
      expect(summary.skipped.map((s) => s.url)).toEqual([server.url(path(0))]);
      expect(summary.outcomes.map((o) => o.url).sort()).toEqual([1, 2, 3, 4, 5].map((i) => server.url(path(i))).sort());
      expect(server.requestsFor(path(0))).toHaveLength(0);
      await other.releaseLeases([liveHere]);
    });

    // PostgreSQL only: registered for that dialect alone, so SQLite runs report no skip.
    if (dialect.name === 'pg')
      it('PostgreSQL: an owner on another machine is gone once its session is, alive while it lasts', async () => {
        const farAlive = 'far-away-host/77/0000aaaa/alive';
        const farGone = 'far-away-host/78/0000aaaa/crashed';
        await other.announceLeaseOwner(farAlive);
        // farGone announced itself once, then its process (and session) died.
        const crashed = await database.open();
        await crashed.announceLeaseOwner(farGone);
        await crashed.close();
        expect(await other.liveLeaseOwners([farAlive, farGone])).toEqual(new Set([farAlive]));
        await lease(farAlive, [3]);
        await lease(farGone, [4, 5]);
        const before = (i: number) => server.requestsFor(path(i)).length;
        const counts = [3, 4, 5].map(before);
        const summary = await runCycle(t.runtime, { force: true });
        expect(summary.skipped.map((s) => s.url)).toEqual([server.url(path(3))]);
        expect([3, 4, 5].map(before)).toEqual([counts[0], counts[1]! + 1, counts[2]! + 1]);
      });
  });
}
