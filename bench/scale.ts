/**
 * npm run bench:scale [-- --feeds 10000 --items 10 --hosts 250 --latency 50 --workers 1,2,3 --concurrency 32]
 * Several `rundschau worker` processes on one PostgreSQL over a local farm: for 1, 2 and 3 workers, a cold cycle
 * (every feed new) and a 304 cycle (every feed unchanged), with the cycle time, the requests in flight at once
 * (the farm counts them), how the cycle split across the workers and the CPU they used. Prints JSON.
 * Needs PostgreSQL: --database or TEST_DATABASE_URL (a server URL; each run gets a fresh database on it).
 * `--cpu-prof DIR`: each worker writes a V8 CPU profile (main thread) into DIR when it stops.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
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
    // 0: a free port (the farm's on its first address, each worker's its own).
    port: { type: 'string', default: '0' },
    workers: { type: 'string', default: '1,2,3' },
    concurrency: { type: 'string', default: '32' },
    // A directory: each worker writes a V8 CPU profile of its main thread there when it stops.
    'cpu-prof': { type: 'string' },
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
let port = Number(values.port);
const concurrency = Number(values.concurrency);
const serverUrl = values.database!;

interface FarmStats {
  requests: Record<string, number>;
  maxInFlight: Record<string, number>;
  maxInFlightTotal: number;
  meanInFlight: number;
}

function startProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: string,
): Promise<{ child: ChildProcess; output: string }> {
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
      // Drained from now on, unread: a full pipe would stall the process.
      child.stdout!.resume();
      child.stderr!.resume();
      resolve({ child, output });
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

const farmStart = await startProcess(
  ['bin/run-ts.js', 'bench/farm.ts', String(feeds), String(items), String(hosts), String(latencyMs), String(port)],
  process.env,
  'ready',
);
const farm = farmStart.child;
port = Number(/ready (\d+)/.exec(farmStart.output)![1]);
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

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

async function cycle(db: pg.Client, workers: ChildProcess[], metricsUrls: string[]) {
  await fetch(farmUrl('/__reset'), { method: 'POST' });
  const before = await Promise.all(metricsUrls.map(fetchesOf));
  const cpuBefore = workers.reduce((n, w) => n + cpuSeconds(w.pid!), 0);
  const loadBefore = loadAverage();
  const t0 = Date.now();
  await db.query('update sources set next_fetch_at = $1', [t0]);
  for (;;) {
    // A fetched source's next fetch is planned an hour or more ahead: one scan of `sources`, not of the attempt log.
    const { rows } = await db.query<{ n: string }>('select count(*) as n from sources where next_fetch_at > $1', [t0]);
    if (Number(rows[0]!.n) >= feeds) {
      const [last] = (
        await db.query<{ last: string | null }>(
          'select max(started_at + duration_ms) as last from fetch_attempts where started_at >= $1',
          [t0],
        )
      ).rows;
      const stats = await farmStats();
      const after = await Promise.all(metricsUrls.map(fetchesOf));
      const requests = Object.values(stats.requests);
      const cpu = workers.reduce((n, w) => n + cpuSeconds(w.pid!), 0) - cpuBefore;
      return {
        cycleSeconds: Number(((Number(last!.last) - t0) / 1000).toFixed(2)),
        requests: requests.reduce((a, b) => a + b, 0),
        feedsRequestedTwice: requests.filter((n) => n > 1).length,
        maxInFlight: stats.maxInFlightTotal,
        meanInFlight: stats.meanInFlight,
        maxInFlightPerHost: Math.max(...Object.values(stats.maxInFlight)),
        perWorker: after.map((n, i) => n - before[i]!),
        workerCpuSeconds: Number(cpu.toFixed(1)),
        workerCpuMsPerFeed: Number(((cpu * 1000) / feeds).toFixed(2)),
        loadAverage: { before: loadBefore, after: loadAverage() },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
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
    const started = await Promise.all(
      Array.from({ length: n }, () =>
        startProcess(
          [
            ...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : []),
            'bin/rundschau.js',
            'worker',
            '--config',
            configPath,
            '--port',
            '0',
          ],
          { ...env, LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
          'rundschau worker is running',
        ),
      ),
    );
    const workers = started.map((s) => s.child);
    // The worker's start line names where it listens (`--port 0`: a free port).
    const metricsUrls = started.map(({ output }) => {
      const line = output.split('\n').find((l) => l.includes('rundschau worker is running'))!;
      return new URL((JSON.parse(line) as { url: string }).url).origin;
    });
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
  `${JSON.stringify({ feeds, itemsPerFeed: items, hosts, latencyMs, concurrencyPerWorker: concurrency, cores: availableParallelism(), runs }, null, 2)}\n`,
);
await admin.end();
farm.kill();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
