/**
 * A scheduler whose cycles fail is a fault of the process, not of a source: /healthz must say so (it used to say
 * ok while every cycle failed), and say ok again once a cycle runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startScheduler } from '../../src/app/scheduler.ts';
import { silentLogger } from '../../src/lib/log.ts';
import { createMetrics } from '../../src/lib/metrics.ts';
import { createApp } from '../../src/web/app.ts';
import { fastDefaults, type TestRuntime, testRuntime } from '../support/runtime.ts';

describe('scheduler health on /healthz', () => {
  let t: TestRuntime | undefined;
  afterEach(async () => {
    await t?.cleanup();
  });

  it('answers 503 with the reason while cycles fail, and 200 after one that ran', async () => {
    t = await testRuntime({ defaults: fastDefaults, sources: [], topics: [] });
    const rt = t.runtime;
    const store = rt.store;
    const working = store.announceLeaseOwner.bind(store);
    store.announceLeaseOwner = async () => {
      throw new Error('database is locked');
    };
    const scheduler = startScheduler(rt, '0 0 1 1 *'); // runs one cycle now; the tick is a year away
    const app = createApp({
      store,
      config: rt.config,
      metrics: createMetrics(false),
      log: silentLogger,
      cycleHealth: () => scheduler.health(),
    });
    try {
      await scheduler.runNow();
      await scheduler.runNow();
      const failing = await app.request('http://127.0.0.1/healthz');
      expect(failing.status).toBe(503);
      expect(await failing.json()).toMatchObject({ status: 'cycles_failing', error: 'database is locked' });
      expect(scheduler.health().consecutiveFailures).toBeGreaterThanOrEqual(2);

      store.announceLeaseOwner = working;
      await scheduler.runNow();
      const healthy = await app.request('http://127.0.0.1/healthz');
      expect(healthy.status).toBe(200);
      expect(await healthy.json()).toEqual({ status: 'ok' });
      expect(scheduler.health()).toMatchObject({ consecutiveFailures: 0 });
    } finally {
      await scheduler.stop();
    }
  });
});
