/**
 * npm run bench:scale [-- --feeds 10000 --items 10 --hosts 250 --latency 50 --workers 1,2,3 --concurrency 32]
 * Several `rundschau worker` processes on one PostgreSQL over a local farm: for 1, 2 and 3 workers, a cold cycle
 * (every feed new) and a 304 cycle (every feed unchanged), with the cycle time, the requests in flight at once
 * (the farm counts them), how the cycle split across the workers and the CPU they used. Prints JSON.
 * Needs PostgreSQL: --database or TEST_DATABASE_URL (a server URL; each run gets a fresh database on it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { stringify } from 'yaml';
import { loadConfigFile } from '../src/config/load.ts';
import { openStore } from '../src/store/index.ts';
import { hostOfFeed } from './farm.ts';

const { values } = parseArgs({
  options: {
    feeds: { type: 'string', default: '10000' },
    items: { type: 'string', default: '10' },
    hosts: { type: 'string', default: '250' },
    latency: { type: 'string', default: '50' },
    port: { type: 'string', default: '18090' },
    workers: { type: 'string', default: '1,2,3' },
    concurrency: { type: 'string', default: '32' },
    database: {
      type: 'string',
      default: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const feeds = Number(values.feeds);
const items = Number(values.items);
const hosts = Number(values.hosts);
const latencyMs = Number(values.latency);
const port = Number(values.port);
const concurrency = Number(values.concurrency);
const serverUrl = values.database!;

interface FarmStats {
  requests: Record<string, number>;
  maxInFlight: Record<string, number>;
  maxInFlightTotal: number;
}

function startProcess(args: string[], env: NodeJS.ProcessEnv, ready: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  return new Promise((resolve, reject) => {
    const failed = (code: number | null) => reject(new Error(`${args.join(' ')} exited with ${code}: ${output}`));
    child.once('exit', failed);
    const listen = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes(ready)) return;
      child.off('exit', failed);
      child.stdout!.off('data', listen);
      child.stderr!.off('data', listen);
      resolve(child);
    };
    child.stdout!.on('data', listen);
    child.stderr!.on('data', listen);
  });
}

const farmUrl = (path: string) => `http://127.0.1.1:${port}${path}`;
const farmStats = async () => (await (await fetch(farmUrl('/__stats'))).json()) as FarmStats;

/** User + system CPU seconds of a running process (Linux /proc). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function databaseUrl(name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const farm = await startProcess(
  ['bin/run-ts.js', 'bench/farm.ts', String(feeds), String(items), String(hosts), String(latencyMs), String(port)],
  process.env,
  'ready',
);
const dir = mkdtempSync(join(tmpdir(), 'rundschau-scale-'));
const configPath = join(dir, 'rundschau.yaml');
writeFileSync(
  configPath,
  stringify({
    defaults: {
      concurrency,
      perHostConcurrency: 2,
      perHostGapMs: 0,
      timeout: 60,
      minInterval: 3600,
      maxInterval: 7200,
    },
    sources: Array.from({ length: feeds }, (_, i) => ({
      url: `http://${hostOfFeed(i, hosts)}:${port}/feed/${i}`,
      category: `Farm ${i % 10}`,
    })),
    topics: [],
  }),
);
const loaded = await loadConfigFile(configPath);
if (!loaded.ok) throw new Error('bench config invalid');

const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();

async function cycle(db: pg.Client, workers: ChildProcess[], metricsUrls: string[]) {
  await fetch(farmUrl('/__reset'), { method: 'POST' });
  const before = await Promise.all(metricsUrls.map(fetchesOf));
  const cpuBefore = workers.reduce((n, w) => n + cpuSeconds(w.pid!), 0);
  const t0 = Date.now();
  await db.query('update sources set next_fetch_at = $1', [t0]);
  for (;;) {
    const { rows } = await db.query<{ n: string; last: string | null }>(
      'select count(distinct source_id) as n, max(started_at + duration_ms) as last from fetch_attempts where started_at >= $1',
      [t0],
    );
    if (Number(rows[0]!.n) >= feeds) {
      const stats = await farmStats();
      const after = await Promise.all(metricsUrls.map(fetchesOf));
      const requests = Object.values(stats.requests);
      return {
        cycleSeconds: Number(((Number(rows[0]!.last) - t0) / 1000).toFixed(2)),
        requests: requests.reduce((a, b) => a + b, 0),
        feedsRequestedTwice: requests.filter((n) => n > 1).length,
        maxInFlight: stats.maxInFlightTotal,
        maxInFlightPerHost: Math.max(...Object.values(stats.maxInFlight)),
        perWorker: after.map((n, i) => n - before[i]!),
        workerCpuSeconds: Number((workers.reduce((n, w) => n + cpuSeconds(w.pid!), 0) - cpuBefore).toFixed(1)),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function fetchesOf(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('rundschau_fetches_total{'))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}

const runs = [];
for (const n of values.workers!.split(',').map(Number)) {
  const name = `rundschau_scale_${process.pid}_${n}`;
  await admin.query(`create database ${name}`);
  const url = databaseUrl(name);
  try {
    // Sources synced and made not due before the workers start, so both cycles start for all of them at once.
    const store = await openStore(url);
    await store.syncSources(loaded.config.sources);
    await store.close();
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query('update sources set next_fetch_at = $1', [Date.now() + 86_400_000]);
    const env = {
      ...process.env,
      DATABASE_URL: url,
      LOG_LEVEL: 'warn',
      RUNDSCHAU_TICK: '* * * * * *',
      PG_POOL_SIZE: '8',
    };
    const workerPorts = Array.from({ length: n }, (_, i) => port + 100 + i);
    const workers = await Promise.all(
      workerPorts.map((p) =>
        startProcess(
          ['bin/rundschau.js', 'worker', '--config', configPath, '--port', String(p)],
          { ...env, LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
          'rundschau worker is running',
        ),
      ),
    );
    for (const w of workers) {
      w.stdout!.resume();
      w.stderr!.resume();
    }
    const metricsUrls = workerPorts.map((p) => `http://127.0.0.1:${p}`);
    const cold = await cycle(db, workers, metricsUrls);
    process.stderr.write(`${n} worker(s), cold cycle: ${JSON.stringify(cold)}\n`);
    const notModified = await cycle(db, workers, metricsUrls);
    process.stderr.write(`${n} worker(s), 304 cycle: ${JSON.stringify(notModified)}\n`);
    runs.push({ workers: n, cold, notModified });
    for (const w of workers) {
      if (w.exitCode !== null || w.signalCode !== null)
        throw new Error(`a worker exited during the run: ${w.exitCode ?? w.signalCode}`);
    }
    const exited = workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(exited);
    await db.end();
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
  }
}

process.stdout.write(
  `${JSON.stringify({ feeds, itemsPerFeed: items, hosts, latencyMs, concurrencyPerWorker: concurrency, runs }, null, 2)}\n`,
);
await admin.end();
farm.kill();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
