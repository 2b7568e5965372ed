/**
 * npm run bench:web [-- --items 100000 --sources 500 --duration 10 --connections 8 --database FILE]
 *   [--web-processes N] [--cold-cycle FEEDS]
 * Fills a SQLite database (kept and reused when --database names an existing file), starts `rundschau serve`
 * without fetching in its own process, and measures five pages (rivers, search, item, the sources page with its
 * pictures, and a filtered later page of it) with autocannon; `--pages a,b` measures only those. Prints JSON: per page
 * its size, the server's CPU ms per request (from /proc, load-independent), req/s and latency. The issue's figure: `--sources 1000`, sources page ≤ 50 ms p99.
 * `--web-processes N` is handed to serve (default: serve's, one per core). `--cold-cycle FEEDS` runs serve with
 * fetching and a farm of FEEDS new feeds (bench/farm.ts, 50 items each, 250 loopback hosts): the pages are measured
 * while that cold cycle runs (the filled sources are pushed a week into the future first, so only the farm is due).
 * Also printed: the time from spawn to /healthz 200 (`readyMs`), and per process (the primary and each web
 * process): idle RSS, peak RSS (VmHWM), CPU seconds, its threads' CPU seconds, and the event-loop delay p99 from
 * /metrics (with web processes: the aggregate over all of them).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { openStore } from '../src/store/index.ts';
import { hostOfFeed } from './farm.ts';
import { fillStore, sourceUrl } from './fill.ts';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    sources: { type: 'string', default: '500' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    port: { type: 'string', default: '18181' },
    database: { type: 'string' },
    // Comma-separated names of the pages to measure (default: all), e.g. --pages sourcesPage,sourcesPageFiltered.
    pages: { type: 'string' },
    'web-processes': { type: 'string' },
    'cold-cycle': { type: 'string', default: '0' },
  },
});
const coldFeeds = Number(values['cold-cycle']);
const items = Number(values.items);
const sources = Number(values.sources);
const dir = mkdtempSync(join(tmpdir(), 'rundschau-webbench-'));
const database = values.database ?? join(dir, 'web.db');
const configPath = join(dir, 'rundschau.yaml');
const store = await openStore(database);
await store.syncSources(
  Array.from({ length: sources }, (_, i) => ({
    url: sourceUrl(i),
    title: `Source ${i}`,
    category: `Category ${i % 12}`,
    tags: [],
    identity: 'auto' as const,
    enabled: true,
  })),
);
const existing = (await store.listSources()).reduce((n, s) => n + s.itemCount, 0);
let fillSeconds = 0;
if (existing < items) {
  const t0 = performance.now();
  await fillStore(store, {
    sources,
    items,
    onProgress: (n) => {
      if (n % 50_000 < 500) process.stderr.write(`filled ${n}/${items}\r`);
    },
  });
  // About a third read, as in a reader that is used.
  const some = await store.scanItems(0, Math.floor(items / 3));
  await store.setRead(
    some.map((i) => i.id),
    true,
  );
  // A day of fetch history per source (every 2 h, some 304s and errors), for the sources page's strips.
  const now = Date.now();
  const rows = await store.listSources();
  await Promise.all(
    rows.flatMap((s, i) =>
      Array.from({ length: 12 }, (_, k) =>
        store.finishFetch(
          s.id,
          {},
          {
            startedAt: now - (12 - k) * 7_200_000,
            durationMs: 50 + ((i * 7 + k * 13) % 400),
            outcome: k % 5 === 4 ? 'error' : k % 3 === 0 ? 'not_modified' : 'ok',
            errorReason: k % 5 === 4 ? 'timeout' : null,
          },
        ),
      ),
    ),
  );
  fillSeconds = (performance.now() - t0) / 1000;
  process.stderr.write('\n');
}
const total = (await store.listSources()).reduce((n, s) => n + s.itemCount, 0);
const sample = (await store.listItems({}, 1)).items[0]!;
const sourceId = sample.sourceId;
await store.close();

// The cold cycle's farm: new feeds on a port of its own each run (so they are new sources, never in the database).
const FARM_HOSTS = 250;
let farm: ChildProcess | undefined;
let farmPort = 0;
if (coldFeeds > 0) {
  farm = spawn(
    process.execPath,
    ['bin/run-ts.js', 'bench/farm.ts', String(coldFeeds), '50', String(FARM_HOSTS), '0', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  farmPort = await new Promise<number>((resolve, reject) => {
    farm!.once('exit', (code) => reject(new Error(`farm exited with ${code}`)));
    farm!.stdout!.on('data', (chunk: Buffer) => {
      const ready = /ready (\d+)/.exec(chunk.toString());
      if (ready) resolve(Number(ready[1]));
    });
  });
  // Only the farm is due: the filled sources (example.org, not reachable) wait a week.
  const db = new Database(database);
  db.prepare('update sources set next_fetch_at = ? where config_url like ?').run(
    Date.now() + 7 * 86_400_000,
    'https://source-%',
  );
  db.close();
}
const farmSources = Array.from({ length: coldFeeds }, (_, i) => ({
  url: `http://${hostOfFeed(i, FARM_HOSTS)}:${farmPort}/feed/${i}`,
  category: `Farm ${i % 10}`,
}));
writeFileSync(
  configPath,
  stringify({
    ...(coldFeeds > 0
      ? {
          defaults: {
            concurrency: 64,
            perHostConcurrency: 2,
            perHostGapMs: 0,
            timeout: 60,
            minInterval: 600,
            fullText: 'never',
          },
        }
      : {}),
    sources: [
      ...Array.from({ length: sources }, (_, i) => ({
        url: sourceUrl(i),
        title: `Source ${i}`,
        category: `Category ${i % 12}`,
      })),
      ...farmSources,
    ],
  }),
);
const farmRequests = async (): Promise<number> => {
  if (!farm) return 0;
  const stats = (await (await fetch(`http://127.0.1.1:${farmPort}/__stats`)).json()) as {
    requests: Record<string, number>;
  };
  return Object.values(stats.requests).reduce((a, b) => a + b, 0);
};

// The server runs as `npm start` runs it: bin/rundschau.js as a program, so with its shebang's V8 flags.
const spawnedAt = performance.now();
const server: ChildProcess = spawn(
  'bin/rundschau.js',
  [
    'serve',
    ...(coldFeeds > 0 ? [] : ['--no-fetch']),
    ...(values['web-processes'] ? ['--web-processes', values['web-processes']] : []),
    '--config',
    configPath,
    '--host',
    '127.0.0.1',
    '--port',
    values.port!,
  ],
  {
    env: { ...process.env, DATABASE_URL: database, LOG_LEVEL: 'warn', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
const origin = `http://127.0.0.1:${values.port}`;
let readyMs: number | undefined;
for (let i = 0; i < 2000; i++) {
  try {
    if ((await fetch(`${origin}/healthz`)).ok) {
      readyMs = Math.round(performance.now() - spawnedAt);
      break;
    }
  } catch {
    /* not up yet */
  }
  await new Promise((r) => setTimeout(r, 10));
}
// Every web process up (the primary logs when all listen; /healthz answers once the first does).
await new Promise((r) => setTimeout(r, 500));

/** The server's processes: the one spawned and its children (the web processes). */
function processes(): number[] {
  const children = (pid: number): number[] => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  return [server.pid!, ...children(server.pid!)];
}

function statOf(path: string): { cpuS: number; name: string } | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    const name = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { name, cpuS: (Number(fields[11]) + Number(fields[12])) / 100 };
  } catch {
    return undefined;
  }
}

function kbOf(pid: number, field: string): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Per process: RSS now and at its peak (MB), CPU seconds, and each thread's CPU seconds (by thread name). */
function processStats() {
  return processes().map((pid) => {
    const threads: Record<string, number> = {};
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      /* gone */
    }
    for (const tid of tids) {
      const t = statOf(`/proc/${pid}/task/${tid}/stat`);
      // By thread id (worker threads and the main thread are all called "node"); idle helpers left out.
      if (t && t.cpuS >= 0.05) threads[`${tid === String(pid) ? 'main' : t.name}:${tid}`] = t.cpuS;
    }
    return {
      pid,
      role: pid !== server.pid ? 'web' : processes().length > 1 ? 'primary' : 'single',
      rssMB: Math.round((kbOf(pid, 'VmRSS') ?? 0) / 1024),
      peakRssMB: Math.round((kbOf(pid, 'VmHWM') ?? 0) / 1024),
      cpuS: statOf(`/proc/${pid}/stat`)?.cpuS,
      threads,
    };
  });
}

/**
 * The event-loop delay p99 (ms) /metrics reports, over fresh connections (keyed by process_start_time_seconds). With
 * web processes /metrics is prom-client's aggregate over the primary and the web processes (this gauge averaged), so
 * there it is one figure for all of them.
 */
async function eventLoopDelays(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (let i = 0; i < 8; i++) {
    try {
      const text = await (await fetch(`${origin}/metrics`, { headers: { connection: 'close' } })).text();
      const start = /^process_start_time_seconds (\S+)/m.exec(text)?.[1];
      const p99 = /^nodejs_eventloop_lag_p99_seconds (\S+)/m.exec(text)?.[1];
      if (p99) out[start ?? 'all processes'] = Number((Number(p99) * 1000).toFixed(1));
    } catch {
      /* not served */
    }
  }
  return out;
}
const idle = processStats();
// The scheduler's tick starts the cold cycle at its next minute: measure once the farm is being fetched.
if (farm) {
  for (let i = 0; i < 1300 && (await farmRequests()) === 0; i++) await new Promise((r) => setTimeout(r, 100));
}

/** The server's CPU time so far (user + system, ms, all its processes) from /proc: a load-independent cost per request. */
function serverCpuMs(): number | undefined {
  const all = processes().map((pid) => statOf(`/proc/${pid}/stat`)?.cpuS);
  return all.some((c) => c === undefined) ? undefined : all.reduce((a, b) => a! + b! * 1000, 0);
}

async function measure(path: string) {
  const bytes = (await (await fetch(origin + path)).arrayBuffer()).byteLength;
  const cpu0 = serverCpuMs();
  const farm0 = await farmRequests();
  const result = await autocannon({
    url: origin + path,
    connections: Number(values.connections),
    duration: Number(values.duration),
  });
  const cpu1 = serverCpuMs();
  const farm1 = await farmRequests();
  return {
    path,
    ...(farm ? { coldFeedsFetchedBefore: farm0, coldFeedsFetchedAfter: farm1 } : {}),
    bytes,
    cpuMsPerRequest:
      cpu0 === undefined || cpu1 === undefined || result.requests.total === 0
        ? undefined
        : Number(((cpu1 - cpu0) / result.requests.total).toFixed(2)),
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

const paths: Record<string, string> = {
  unreadRiver: '/',
  sourcePage: `/sources/${sourceId}`,
  search: '/search?q=rechenzentrum',
  itemPage: `/items/${sample.id}`,
  sourcesPage: '/sources',
  // A later page of a filtered list (the sources page pages and filters; its pictures are the shown page's).
  sourcesPageFiltered: '/sources?health=new&category=Category%203&page=2',
};
const wanted = values.pages ? values.pages.split(',') : Object.keys(paths);
const pages: Record<string, Awaited<ReturnType<typeof measure>>> = {};
for (const name of wanted) if (paths[name]) pages[name] = await measure(paths[name]);
const loopDelayP99Ms = await eventLoopDelays();
const busy = processStats();
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
farm?.kill('SIGTERM');
process.stdout.write(
  `${JSON.stringify(
    {
      items: total,
      sources,
      webProcesses: values['web-processes'] ?? 'default',
      coldCycleFeeds: coldFeeds,
      fillSeconds: Number(fillSeconds.toFixed(1)),
      readyMs,
      loadavg: readFileSync('/proc/loadavg', 'utf8').trim(),
      ...pages,
      processes: busy.map((p) => ({ ...p, idleRssMB: idle.find((i) => i.pid === p.pid)?.rssMB })),
      loopDelayP99Ms,
    },
    null,
    2,
  )}\n`,
);
if (!values.database || !existsSync(values.database)) rmSync(dir, { recursive: true, force: true });
process.exit(0);
