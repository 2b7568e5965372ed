/**
 * Past one machine, with real processes on the local PostgreSQL: 3 `rundschau worker` + 2 `rundschau serve
 * --no-fetch` over 2,000 farm feeds (bench/farm.ts) on 8 loopback hosts. A cycle fetches every source exactly once
 * (the farm's counters), split evenly across the workers, never more than perHostConcurrency requests in flight per
 * host across them; a worker killed with -9 mid-cycle leaves nothing behind for long (its sources are fetched by
 * the others within 30 s) and nothing is lost or stored twice; both web replicas answer the same feed and ETag,
 * and both move on together after a change.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostOfFeed } from '../../bench/farm.ts';
import { createWorkspace, logLines, type SpawnedCli, spawnCli, type Workspace, waitFor } from '../support/cli.ts';
import { pgSkipReason, postgresDatabase, type TestDatabase } from '../support/databases.ts';

const FEEDS = 2_000;
const ITEMS = 2;
const HOSTS = 8;
const PER_HOST = 2;
const LATENCY_MS = 40;
const WORKERS = 3;
const PORT = 19_000 + Math.floor(Math.random() * 900);

interface FarmStats {
  requests: Record<string, number>;
  maxInFlight: Record<string, number>;
}

async function startFarm(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['bin/run-ts.js', 'bench/farm.ts', String(FEEDS), String(ITEMS), String(HOSTS), String(LATENCY_MS), String(PORT)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`farm exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
  });
  return child;
}

const farmUrl = (path: string) => `http://127.0.1.1:${PORT}${path}`;
const farmStats = async (): Promise<FarmStats> => (await fetch(farmUrl('/__stats'))).json() as Promise<FarmStats>;

/** Starts a CLI child that logs `message` with its URL once it listens; returns the child and that URL. */
async function startListening(ws: Workspace, args: string[], message: string, env: Record<string, string> = {}) {
  const child = spawnCli([...args, '--config', ws.configPath, '--host', '127.0.0.1', '--port', '0'], {
    env: { ...ws.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env },
  });
  const line = await waitFor(
    () => (child.child.exitCode !== null ? { url: 'exited' } : logLines(child).find((l) => l.msg === message)),
    { timeoutMs: 90_000, what: () => `"${message}"; ${child.stderr}` },
  );
  if (child.child.exitCode !== null) throw new Error(`${args[0]} exited ${child.child.exitCode}: ${child.stderr}`);
  return { child, url: String(line.url).replace(/\/$/, '') };
}

/** This worker's own fetches, as its /metrics counts them. */
async function fetchesOf(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('rundschau_fetches_total{'))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}

describe.skipIf(pgSkipReason !== '')(
  `${WORKERS} workers and 2 web replicas on one PostgreSQL (${FEEDS} farm feeds on ${HOSTS} hosts) ${pgSkipReason}`,
  () => {
    let farm: ChildProcess | undefined;
    let database: TestDatabase | undefined;
    let db: pg.Client | undefined;
    let ws: Workspace;
    const workers: { child: SpawnedCli; url: string }[] = [];
    const webs: { child: SpawnedCli; url: string }[] = [];
    const count = async (query: string, params: unknown[] = []) =>
      Number((await db!.query<{ n: string }>(query, params)).rows[0]!.n);

    beforeAll(async () => {
      farm = await startFarm();
      database = await postgresDatabase();
      db = new pg.Client({ connectionString: database.url });
      await db.connect();
      ws = createWorkspace({
        defaults: {
          concurrency: 16,
          perHostConcurrency: PER_HOST,
          perHostGapMs: 0,
          minInterval: 3600,
          maxInterval: 7200,
          timeout: 20,
          connectTimeout: 5,
        },
        sources: Array.from({ length: FEEDS }, (_, i) => ({
          url: `http://${hostOfFeed(i, HOSTS)}:${PORT}/feed/${i}`,
          category: `Farm ${i % 4}`,
        })),
        topics: [],
        // Behind one proxy: the replicas print the same public address (feed self links are part of the ETag).
        server: { baseUrl: 'https://news.example/' },
      });
      ws.env.DATABASE_URL = database.url;
      // Web replicas first (they migrate and sync the config), then the workers, all at once.
      webs.push(
        ...(await Promise.all([0, 1].map(() => startListening(ws, ['serve', '--no-fetch'], 'rundschau is serving')))),
      );
      workers.push(
        ...(await Promise.all(
          Array.from({ length: WORKERS }, () =>
            startListening(ws, ['worker'], 'rundschau worker is running', {
              RUNDSCHAU_TICK: '*/2 * * * * *',
              PG_POOL_SIZE: '6',
            }),
          ),
        )),
      );
    }, 180_000);

    afterAll(async () => {
      for (const p of [...workers, ...webs]) {
        if (p.child.child.exitCode === null && p.child.child.signalCode === null) {
          p.child.child.kill('SIGKILL');
          await p.child.exited;
        }
      }
      await db?.end();
      await database?.drop();
      farm?.kill();
      ws?.cleanup();
    });

    let progress = 0;
    const fetchedSince = async (since: number) => {
      progress = await count(`select count(distinct source_id) as n from fetch_attempts where started_at >= $1`, [
        since,
      ]);
      return progress;
    };

    it('fetches every source exactly once, splits the cycle evenly, keeps per-host politeness', async () => {
      await waitFor(async () => (await fetchedSince(0)) === FEEDS || undefined, {
        timeoutMs: 240_000,
        intervalMs: 500,
        what: () => `${progress} of ${FEEDS} sources fetched`,
      });
      const stats = await farmStats();
      const perFeed = Array.from({ length: FEEDS }, (_, i) => stats.requests[`/feed/${i}`] ?? 0);
      expect(perFeed.filter((n) => n !== 1)).toEqual([]);
      expect(Math.max(...Object.values(stats.maxInFlight))).toBeLessThanOrEqual(PER_HOST);
      const split = await Promise.all(workers.map((w) => fetchesOf(w.url)));
      process.stderr.write(`scale: first cycle split across workers ${split.join(' / ')}\n`);
      expect(split.reduce((a, b) => a + b, 0)).toBe(FEEDS);
      const fair = FEEDS / WORKERS;
      for (const n of split) expect(Math.abs(n - fair) / fair, `split ${split.join('/')}`).toBeLessThanOrEqual(0.25);
      expect(await count('select count(*) as n from items')).toBe(FEEDS * ITEMS);
    }, 300_000);

    let etagBefore = '';
    it('serves the same published feed and ETag from both replicas', async () => {
      const answers = await Promise.all(webs.map((w) => fetch(`${w.url}/feeds/all.rss`)));
      const bodies = await Promise.all(answers.map((r) => r.text()));
      expect(answers.map((r) => r.status)).toEqual([200, 200]);
      etagBefore = answers[0]!.headers.get('etag') ?? '';
      expect(etagBefore).not.toBe('');
      expect(answers[1]!.headers.get('etag')).toBe(etagBefore);
      expect(bodies[1]).toBe(bodies[0]);
    });

    it('a worker killed with -9 mid-cycle: its sources are fetched by the others within 30 s, none lost or doubled', async () => {
      await fetch(farmUrl('/__reset'), { method: 'POST' });
      for (const i of [0, 2, 4]) await fetch(farmUrl(`/__bump/${i}`), { method: 'POST' });
      const cycleStart = Date.now();
      await db!.query('update sources set next_fetch_at = 0');
      const victim = workers[0]!;
      const pid = victim.child.child.pid!;
      // Mid-cycle: the victim holds leases and the cycle is far from done.
      await waitFor(
        async () =>
          (await count(`select count(*) as n from sources where lease_owner like $1`, [`%/${pid}/%`])) > 0 || undefined,
        { timeoutMs: 30_000, intervalMs: 50, what: 'the victim holding leases' },
      );
      expect(await fetchedSince(cycleStart)).toBeLessThan(FEEDS / 2);
      victim.child.child.kill('SIGKILL');
      await victim.child.exited;
      const killedAt = Date.now();
      const held = (
        await db!.query<{ id: number }>(`select id from sources where lease_owner like $1`, [`%/${pid}/%`])
      ).rows.map((r) => r.id);

      await waitFor(
        async () =>
          (await count(
            `select count(*) as n from sources where id = any($1) and lease_owner is null and last_fetch_at >= $2`,
            [held, killedAt],
          )) === held.length || undefined,
        { timeoutMs: 30_000, intervalMs: 250, what: `the victim's ${held.length} sources fetched by the others` },
      );
      const recoveredMs = Date.now() - killedAt;
      expect(recoveredMs).toBeLessThan(30_000);
      process.stderr.write(
        `scale: victim held ${held.length} sources; all fetched by the others ${recoveredMs} ms after kill -9\n`,
      );

      await waitFor(async () => (await fetchedSince(cycleStart)) === FEEDS || undefined, {
        timeoutMs: 120_000,
        intervalMs: 500,
        what: () => `${progress} of ${FEEDS} sources fetched in the second cycle`,
      });
      const stats = await farmStats();
      const perFeed = Array.from({ length: FEEDS }, (_, i) => stats.requests[`/feed/${i}`] ?? 0);
      expect(perFeed.filter((n) => n === 0)).toEqual([]);
      // Only a request the victim had sent when it died is made again.
      const twice = perFeed.map((n, i) => (n > 1 ? i : -1)).filter((i) => i >= 0);
      expect(twice.length).toBeLessThanOrEqual(held.length);
      expect(Math.max(...perFeed)).toBeLessThanOrEqual(2);
      expect(Math.max(...Object.values(stats.maxInFlight))).toBeLessThanOrEqual(PER_HOST);
      expect(await count('select count(*) as n from items')).toBe(FEEDS * ITEMS + 3);
      expect(await count('select count(*) as n from (select distinct source_id, uid from items) u')).toBe(
        FEEDS * ITEMS + 3,
      );
      expect(await count('select count(*) as n from sources where lease_owner is not null')).toBe(0);
    }, 240_000);

    it('both replicas move to the same new feed and ETag after the change', async () => {
      const answers = await Promise.all(webs.map((w) => fetch(`${w.url}/feeds/all.rss`)));
      const bodies = await Promise.all(answers.map((r) => r.text()));
      const etag = answers[0]!.headers.get('etag');
      expect(etag).not.toBe(etagBefore);
      expect(answers[1]!.headers.get('etag')).toBe(etag);
      expect(bodies[1]).toBe(bodies[0]);
      expect(bodies[0]).toContain('Bumped 0 v2');
      // A conditional request with the old ETag gets the new document on both.
      for (const w of webs) {
        const again = await fetch(`${w.url}/feeds/all.rss`, { headers: { 'if-none-match': etagBefore } });
        expect(again.status).toBe(200);
        await again.arrayBuffer();
      }
    });
  },
);
