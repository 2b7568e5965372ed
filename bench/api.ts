/**
 * npm run bench:api [-- --items 100000 --sources 500 --duration 10 --connections 1,8 --database FILE]
 * Fills a SQLite database (kept and reused when --database names a file; a third of the items read; a database
 * with fewer items is topped up), starts `rundschau serve --no-fetch --port 0` in its own process, logs in with an
 * app password and measures the Google Reader calls sync apps make most, at each number of connections:
 * stream/items/ids of the unread reading list (n=10000), of one folder's unread items (n=10000), and
 * stream/items/contents of 250 unread ids (POST). Prints JSON: req/s, p50/p99 latency, the server's CPU time per
 * request (process.cpuUsage of the server: less load-dependent than latency) and the load average beside each.
 * Targets (issue 10): ids p99 ≤ 50 ms, contents p99 ≤ 100 ms, flat from 100k to 1M items.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { stringify } from 'yaml';
import { openStore } from '../src/store/index.ts';
import { createAppPassword } from '../src/web/api/app-passwords.ts';
import { fillStore, sourceUrl } from './fill.ts';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    sources: { type: 'string', default: '500' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '1,8' },
    database: { type: 'string' },
  },
});
const items = Number(values.items);
const sources = Number(values.sources);
const connections = values.connections!.split(',').map(Number);
const dir = mkdtempSync(join(tmpdir(), 'rundschau-apibench-'));
const database = values.database ?? join(dir, 'api.db');
const configPath = join(dir, 'rundschau.yaml');
const sourceConfigs = Array.from({ length: sources }, (_, i) => ({
  url: sourceUrl(i),
  title: `Source ${i}`,
  category: `Category ${i % 12}`,
}));
// No rate limit: the benchmark is one app asking as fast as it can.
writeFileSync(configPath, stringify({ sync: { requestsPerMinute: 0 }, sources: sourceConfigs }));

const store = await openStore(database);
await store.syncSources(sourceConfigs.map((s) => ({ ...s, tags: [], identity: 'auto' as const, enabled: true })));
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
  // A third read, in batches (a million items do not fit one array of rows comfortably).
  for (let after = 0, left = Math.floor(items / 3); left > 0; ) {
    const batch = await store.scanItems(after, Math.min(left, 10_000));
    if (batch.length === 0) break;
    await store.setRead(
      batch.map((i) => i.id),
      true,
    );
    after = batch.at(-1)!.id;
    left -= batch.length;
  }
  fillSeconds = (performance.now() - t0) / 1000;
  process.stderr.write('\n');
}
const listed = await store.listSources();
const total = listed.reduce((n, s) => n + s.itemCount, 0);
const unreadTotal = listed.reduce((n, s) => n + s.unreadCount, 0);
await store.revokeAppPassword('bench');
const { password } = await createAppPassword(store, 'bench');
const unread = (await store.listItemRefs({ unreadOnly: true }, 250)).items.map((r) => r.id);
await store.close();

// Through the shebang of bin/rundschau.js, which sets the server's V8 flags as `npx rundschau` runs it.
const server: ChildProcess = spawn(
  'bin/rundschau.js',
  ['serve', '--no-fetch', '--config', configPath, '--host', '127.0.0.1', '--port', '0'],
  {
    env: { ...process.env, DATABASE_URL: database, LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'ignore', 'pipe'],
  },
);
// --port 0: the port is in the "rundschau is serving" log line.
const origin = await new Promise<string>((resolve, reject) => {
  let seen = '';
  server.stderr!.on('data', (chunk: Buffer) => {
    seen += chunk.toString();
    const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)\/"/.exec(seen)?.[1];
    if (url) resolve(url);
  });
  server.once('exit', (code) => reject(new Error(`rundschau serve exited (${code}): ${seen.slice(-2000)}`)));
});
const login = await fetch(`${origin}/api/greader/accounts/ClientLogin`, {
  method: 'POST',
  body: new URLSearchParams({ Email: 'bench', Passwd: password }),
});
const auth = /Auth=(.+)/.exec(await login.text())?.[1];
if (!auth) throw new Error(`login failed: ${login.status}`);
const headers = { authorization: `GoogleLogin auth=${auth}` };

/** The server's CPU seconds so far (user + system, from /proc: the bench cannot call its process.cpuUsage). */
function serverCpuSeconds(): number {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function measure(path: string, opts: { method?: 'GET' | 'POST'; body?: string } = {}) {
  const init = {
    method: opts.method ?? 'GET',
    body: opts.body,
    headers: opts.body ? { ...headers, 'content-type': 'application/x-www-form-urlencoded' } : headers,
  };
  // One request first: its size, and that it answers at all.
  const probe = await fetch(origin + path, init);
  const text = await probe.text();
  if (!probe.ok) throw new Error(`${path}: ${probe.status}`);
  const answer = JSON.parse(text) as { itemRefs?: unknown[]; items?: unknown[] };
  const runs = [];
  for (const n of connections) {
    const cpu0 = serverCpuSeconds();
    const result = await autocannon({ url: origin + path, ...init, connections: n, duration: Number(values.duration) });
    const cpu = serverCpuSeconds() - cpu0;
    runs.push({
      connections: n,
      requests: result.requests.total,
      reqPerSec: Math.round(result.requests.average),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      maxMs: result.latency.max,
      serverCpuMsPerRequest: Number(((cpu * 1000) / Math.max(1, result.requests.total)).toFixed(2)),
      errors: result.errors,
      non2xx: result.non2xx,
      loadavg1: Number(loadavg()[0]!.toFixed(2)),
    });
  }
  return { path, responseBytes: text.length, entries: (answer.itemRefs ?? answer.items ?? []).length, runs };
}

const stream = (id: string) => encodeURIComponent(id);
const READ = stream('user/-/state/com.google/read');
const loadBefore = loadavg().map((n) => Number(n.toFixed(2)));
const calls = {
  unreadIds: await measure(
    `/api/greader/reader/api/0/stream/items/ids?output=json&s=${stream('user/-/state/com.google/reading-list')}&xt=${READ}&n=10000`,
  ),
  folderUnreadIds: await measure(
    `/api/greader/reader/api/0/stream/items/ids?output=json&s=${stream('user/-/label/Category 3')}&xt=${READ}&n=10000`,
  ),
  contents250: await measure('/api/greader/reader/api/0/stream/items/contents?output=json', {
    method: 'POST',
    body: unread.map((id) => `i=${id}`).join('&'),
  }),
};
server.kill('SIGTERM');
const targets = { idsP99Ms: 50, contentsP99Ms: 100 };
process.stdout.write(
  `${JSON.stringify(
    {
      items: total,
      unread: unreadTotal,
      sources,
      fillSeconds: Number(fillSeconds.toFixed(1)),
      duration: Number(values.duration),
      loadavgBefore: loadBefore,
      loadavgAfter: loadavg().map((n) => Number(n.toFixed(2))),
      targets,
      ...calls,
    },
    null,
    2,
  )}\n`,
);
// The config (and, without --database, the database) was in the temp dir.
rmSync(dir, { recursive: true, force: true });
process.exit(0);
