/**
 * What keeps a cold cycle's memory bounded (issue 14), on the real pipeline: a loopback farm, the real worker pool
 * (one worker), real SQLite. A cycle's concurrency (here 24) is for waiting on slow hosts; where the worker is the
 * bound, bodies must not be read faster than it parses them. Pinned: (1) at no time do more fetched documents wait
 * in the main thread (queued for the worker, or admitted to be read) than WAITING_FEEDS_PER_WORKER, though every
 * source's request may be in flight; (2) a feed's parsed items are not kept once its source is done: after the
 * cycle, none of the item arrays the pool handed back survives a full GC.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle } from '../../src/app/cycle.ts';
import { IN_FLIGHT_PER_WORKER, WAITING_FEEDS_PER_WORKER } from '../../src/app/pool.ts';
import type { ProcessedFeed } from '../../src/app/process-feed.ts';
import { entries, rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults, type TestRuntime, testRuntime } from '../support/runtime.ts';

const FEEDS = 60;
const CONCURRENCY = 24;

// A full collection on demand (the test's process was not started with --expose-gc).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('ingest memory bounds (real pool, loopback HTTP, SQLite)', () => {
  let server: FixtureServer;
  let t: TestRuntime;

  beforeAll(async () => {
    server = await startFixtureServer();
    const html = (prefix: string, i: number) =>
      `<p>${`${prefix} paragraph ${i} with some words about servers and data. `.repeat(30)}</p>`;
    for (let f = 0; f < FEEDS; f++) {
      server.route(`/feed/${f}.xml`, serveBody(rss(`Feed ${f}`, entries(`f${f}`, 30, { html })), { etag: `"${f}"` }));
    }
    t = await testRuntime(
      {
        defaults: { ...fastDefaults, concurrency: CONCURRENCY, perHostConcurrency: 16 },
        sources: Array.from({ length: FEEDS }, (_, f) => ({ url: server.url(`/feed/${f}.xml`) })),
        topics: [],
      },
      { workers: 1 },
    );
  });
  afterAll(async () => {
    await t?.cleanup();
    await server?.close();
  });

  it('reads no more bodies than the worker has room for, and lets go of each feed’s items', async () => {
    const pool = t.runtime.pool;
    const run = pool.run.bind(pool);
    const items = new Set<WeakRef<object>>();
    let mostHeld = 0;
    let mostInFlight = 0;
    let handedOver = 0;
    // Sources whose request went out and whose body has not reached the pool yet.
    let mostRequestsOut = 0;
    const note = () => {
      const q = pool.queued;
      mostHeld = Math.max(mostHeld, q.waitingFeeds + q.admittedFeeds);
      mostInFlight = Math.max(mostInFlight, q.inFlight);
      mostRequestsOut = Math.max(mostRequestsOut, server.requests.length - handedOver);
    };
    // Every hand-over is where the count of held documents peaks: measured just before it, when the document is
    // still counted as admitted (just after it, it would count twice: queued, and admitted until ingest releases it).
    pool.run = (input) => {
      note();
      const result = run(input);
      handedOver++;
      return result.then((processed: ProcessedFeed) => {
        if (processed.ok) items.add(new WeakRef(processed.items));
        return processed;
      });
    };
    const sampler = setInterval(note, 1);
    const summary = await runCycle(t.runtime, { force: true });
    clearInterval(sampler);

    expect(summary).toMatchObject({ sources: FEEDS, ok: FEEDS, itemsNew: FEEDS * 30 });
    expect(items.size).toBe(FEEDS);
    expect(mostHeld).toBeLessThanOrEqual(WAITING_FEEDS_PER_WORKER);
    // It holds while the cycle does have more requests out than that: it is not the concurrency or the host limit.
    expect(mostRequestsOut).toBeGreaterThan(WAITING_FEEDS_PER_WORKER);
    expect(mostInFlight).toBeLessThanOrEqual(IN_FLIGHT_PER_WORKER + 1);
    expect(pool.queued).toMatchObject({ waitingFeeds: 0, admittedFeeds: 0, waitingFeedBytes: 0 });

    // Settled promises and timers may still hold the last feed's frames for a turn.
    await new Promise((r) => setTimeout(r, 50));
    gc();
    const alive = [...items].filter((ref) => ref.deref() !== undefined).length;
    expect(alive).toBe(0);
  });
});
