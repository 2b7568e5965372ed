import { describe, expect, it } from 'vitest';
import { HostLimiter } from '../../src/fetch/politeness.ts';
import { sleep } from '../support/fixture-server.ts';

/** Records start/end times and concurrency of tasks run through the limiter. */
function recorder() {
  const starts: { host: string; at: number }[] = [];
  let active = 0;
  let maxActive = 0;
  const activeByHost = new Map<string, number>();
  const maxByHost = new Map<string, number>();
  const task = (host: string, ms: number) => async () => {
    starts.push({ host, at: Date.now() });
    active++;
    maxActive = Math.max(maxActive, active);
    const h = (activeByHost.get(host) ?? 0) + 1;
    activeByHost.set(host, h);
    maxByHost.set(host, Math.max(maxByHost.get(host) ?? 0, h));
    await sleep(ms);
    active--;
    activeByHost.set(host, (activeByHost.get(host) ?? 1) - 1);
    return host;
  };
  return { starts, task, maxActive: () => maxActive, maxByHost };
}

describe('HostLimiter', () => {
  it('keeps at most perHost tasks in flight per host', async () => {
    const limiter = new HostLimiter({ concurrency: 10, perHost: 2, gapMs: 0 });
    const rec = recorder();
    await Promise.all(Array.from({ length: 8 }, () => limiter.run('a.example', rec.task('a.example', 20))));
    expect(rec.maxByHost.get('a.example')).toBe(2);
    expect(limiter.active).toBe(0);
    expect(limiter.pending).toBe(0);
  });

  it('spaces request starts on one host by at least gapMs', async () => {
    const limiter = new HostLimiter({ concurrency: 10, perHost: 4, gapMs: 60, jitter: 0.5 });
    const rec = recorder();
    await Promise.all(Array.from({ length: 4 }, () => limiter.run('a.example', rec.task('a.example', 1))));
    const times = rec.starts.map((s) => s.at);
    for (let i = 1; i < times.length; i++) {
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(58); // timer granularity
    }
  });

  it('does not serialise different hosts', async () => {
    const limiter = new HostLimiter({ concurrency: 10, perHost: 1, gapMs: 400, jitter: 0 });
    const rec = recorder();
    const started = Date.now();
    const slowHost = Array.from({ length: 3 }, () => limiter.run('slow.example', rec.task('slow.example', 5)));
    const others = await Promise.all(
      ['b.example', 'c.example', 'd.example'].map((h) => limiter.run(h, rec.task(h, 5))),
    );
    expect(others).toEqual(['b.example', 'c.example', 'd.example']);
    // The other hosts ran while the slow host's 2nd task still waited for its gap.
    expect(Date.now() - started).toBeLessThan(300);
    expect(rec.starts.map((s) => s.host)).toEqual(['slow.example', 'b.example', 'c.example', 'd.example']);
    expect(limiter.pending).toBe(2); // the slow host's 2nd and 3rd still wait for their gap
    await Promise.all(slowHost);
  });

  it('bounds global concurrency', async () => {
    const limiter = new HostLimiter({ concurrency: 3, perHost: 2, gapMs: 0 });
    const rec = recorder();
    const hosts = ['a', 'b', 'c', 'd', 'e', 'f'];
    await Promise.all(hosts.flatMap((h) => [limiter.run(h, rec.task(h, 15)), limiter.run(h, rec.task(h, 15))]));
    expect(rec.maxActive()).toBe(3);
    expect(rec.starts).toHaveLength(12);
  });

  it('passes results and errors through and frees the slot after an error', async () => {
    const limiter = new HostLimiter({ concurrency: 1, perHost: 1, gapMs: 0 });
    await expect(limiter.run('x', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run('x', async () => 42)).resolves.toBe(42);
    expect(limiter.active).toBe(0);
  });

  it('treats host names case-insensitively', async () => {
    const limiter = new HostLimiter({ concurrency: 10, perHost: 1, gapMs: 0 });
    const rec = recorder();
    await Promise.all([limiter.run('A.example', rec.task('a', 20)), limiter.run('a.EXAMPLE', rec.task('a', 20))]);
    expect(rec.maxByHost.get('a')).toBe(1);
  });
});
