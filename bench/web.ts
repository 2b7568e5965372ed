/**
 * npm run bench:web [-- --items 100000 --sources 500 --duration 10 --connections 8 --database FILE]
 * Fills a SQLite database (kept and reused when --database names an existing file), starts `rundschau serve`
 * without fetching in its own process, and measures five pages (rivers, search, item, the sources page with its
 * pictures, and a filtered later page of it) with autocannon; `--pages a,b` measures only those. Prints JSON: per page
 * its size, the server's CPU ms per request (from /proc, load-independent), req/s and latency. The figure: `--sources 1000`, sources page ≤ 50 ms p99.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { stringify } from 'yaml';
import { openStore } from '../src/store/index.ts';
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
  },
});
const items = Number(values.items);
const sources = Number(values.sources);
const dir = mkdtempSync(join(tmpdir(), 'rundschau-webbench-'));
const database = values.database ?? join(dir, 'web.db');
const configPath = join(dir, 'rundschau.yaml');
writeFileSync(
  configPath,
  stringify({
    sources: Array.from({ length: sources }, (_, i) => ({
      url: sourceUrl(i),
      title: `Source ${i}`,
      category: `Category ${i % 12}`,
    })),
  }),
);

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

// The server runs as `npm start` runs it: bin/rundschau.js as a program, so with its shebang's V8 flags.
const server: ChildProcess = spawn(
  'bin/rundschau.js',
  ['serve', '--no-fetch', '--config', configPath, '--host', '127.0.0.1', '--port', values.port!],
  {
    env: { ...process.env, DATABASE_URL: database, LOG_LEVEL: 'warn', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
const origin = `http://127.0.0.1:${values.port}`;
for (let i = 0; i < 100; i++) {
  try {
    if ((await fetch(`${origin}/healthz`)).ok) break;
  } catch {
    /* not up yet */
  }
  await new Promise((r) => setTimeout(r, 200));
}

/** The server's CPU time so far (user + system, ms) from /proc: a load-independent cost per request. */
function serverCpuMs(): number | undefined {
  try {
    const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

async function measure(path: string) {
  const bytes = (await (await fetch(origin + path)).arrayBuffer()).byteLength;
  const cpu0 = serverCpuMs();
  const result = await autocannon({
    url: origin + path,
    connections: Number(values.connections),
    duration: Number(values.duration),
  });
  const cpu1 = serverCpuMs();
  return {
    path,
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
server.kill('SIGTERM');
process.stdout.write(
  `${JSON.stringify({ items: total, sources, fillSeconds: Number(fillSeconds.toFixed(1)), ...pages }, null, 2)}\n`,
);
if (!values.database || !existsSync(values.database)) rmSync(dir, { recursive: true, force: true });
process.exit(0);
