/**
 * What keeps the worker pool's memory bounded (issue 14): workers start at the first job and end when idle, so a
 * process between cycles holds no worker heap; each worker holds at most IN_FLIGHT_PER_WORKER jobs, the rest wait
 * in the pool where they can be reordered and dropped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IN_FLIGHT_PER_WORKER, ParsePool } from '../../src/app/pool.ts';

const feed = (seed: number) => ({
  body: Buffer.from(
    `<rss version="2.0"><channel><title>Feed ${seed}</title>${Array.from(
      { length: 20 },
      (_, i) => `<item><guid>https://example.com/${seed}/${i}</guid><title>Item ${i}</title></item>`,
    ).join('')}</channel></rss>`,
  ),
  url: `https://example.com/${seed}`,
  identity: 'auto' as const,
  now: 0,
});

describe('parse worker pool memory bounds', () => {
  let pool: ParsePool | undefined;
  afterEach(async () => {
    await pool?.close();
  });

  it('starts a worker at the first job, not before, and ends it after the idle time', async () => {
    pool = new ParsePool(1, undefined, { idleMs: 300 });
    expect(pool.running).toBe(0);
    expect(pool.started).toBe(0);
    expect((await pool.run(feed(1))).ok).toBe(true);
    expect(pool.running).toBe(1);
    // Busy again before the idle time ran out: the same worker goes on.
    await new Promise((r) => setTimeout(r, 100));
    expect((await pool.run(feed(2))).ok).toBe(true);
    expect(pool.started).toBe(1);
    await new Promise((r) => setTimeout(r, 700));
    expect(pool.running).toBe(0);
    // The next job starts a new one, and it works as the first did.
    expect((await pool.run(feed(3))).ok).toBe(true);
    expect(pool.running).toBe(1);
    expect(pool.started).toBe(2);
  });

  it('hands a worker at most IN_FLIGHT_PER_WORKER jobs; the others wait in the pool', async () => {
    pool = new ParsePool(1, undefined, { idleMs: 0 });
    const jobs = Array.from({ length: 20 }, (_, i) => pool!.run(feed(i)));
    expect(pool.queued.inFlight).toBe(IN_FLIGHT_PER_WORKER);
    expect(pool.queued.waiting).toBe(20 - IN_FLIGHT_PER_WORKER);
    let most = 0;
    const watch = setInterval(() => {
      most = Math.max(most, pool!.queued.inFlight);
    }, 1);
    const results = await Promise.all(jobs);
    clearInterval(watch);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(most).toBeLessThanOrEqual(IN_FLIGHT_PER_WORKER);
    expect(pool.queued).toMatchObject({
      waiting: 0,
      inFlight: 0,
      waitingFeeds: 0,
      admittedFeeds: 0,
      waitingFeedBytes: 0,
    });
    // idleMs 0: the worker stays.
    expect(pool.running).toBe(1);
  });
});
