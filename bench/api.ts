/**
 * npm run bench:api [-- --items 100000 --sources 500 --duration 10 --connections 8 --database FILE]
 * Fills a SQLite database (kept and reused when --database names an existing file; a third of the items read),
 * starts `rundschau serve` without fetching in its own process, logs in with an app password and measures the
 * Google Reader calls sync apps make most: stream/items/ids of the unread reading list (n=10000) and
 * stream/items/contents of 250 ids (POST). Prints JSON. Targets: ids p99 ≤ 50 ms, contents p99 ≤ 100 ms.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
    connections: { type: 'string', default: '8' },
    port: { type: 'string', default: '18182' },
    database: { type: 'string' },
  },
});
const items = Number(values.items);
const sources = Number(values.sources);
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
  const some = await store.scanItems(0, Math.floor(items / 3));
  await store.setRead(
    some.map((i) => i.id),
    true,
  );
  fillSeconds = (performance.now() - t0) / 1000;
  process.stderr.write('\n');
}
const total = (await store.listSources()).reduce((n, s) => n + s.itemCount, 0);
await store.revokeAppPassword('bench');
const { password } = await createAppPassword(store, 'bench');
const unread = (await store.listItemRefs({ unreadOnly: true }, 250)).items.map((r) => r.id);
await store.close();

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
const login = await fetch(`${origin}/api/greader/accounts/ClientLogin`, {
  method: 'POST',
  body: new URLSearchParams({ Email: 'bench', Passwd: password }),
});
const auth = /Auth=(.+)/.exec(await login.text())?.[1];
if (!auth) throw new Error(`login failed: ${login.status}`);
const headers = { authorization: `GoogleLogin auth=${auth}` };

async function measure(path: string, opts: { method?: 'GET' | 'POST'; body?: string } = {}) {
  const init = {
    method: opts.method ?? 'GET',
    body: opts.body,
    headers: opts.body ? { ...headers, 'content-type': 'application/x-www-form-urlencoded' } : headers,
  };
  // One request first: its size, and that it answers at all.
  const probe = await fetch(origin + path, init);
  const bytes = (await probe.arrayBuffer()).byteLength;
  if (!probe.ok) throw new Error(`${path}: ${probe.status}`);
  const result = await autocannon({
    url: origin + path,
    ...init,
    connections: Number(values.connections),
    duration: Number(values.duration),
  });
  return {
    path,
    responseBytes: bytes,
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

const READING_LIST = encodeURIComponent('user/-/state/com.google/reading-list');
const READ = encodeURIComponent('user/-/state/com.google/read');
const calls = {
  unreadIds: await measure(
    `/api/greader/reader/api/0/stream/items/ids?output=json&s=${READING_LIST}&xt=${READ}&n=10000`,
  ),
  contents250: await measure('/api/greader/reader/api/0/stream/items/contents?output=json', {
    method: 'POST',
    body: unread.map((id) => `i=${id}`).join('&'),
  }),
};
server.kill('SIGTERM');
process.stdout.write(
  `${JSON.stringify({ items: total, sources, fillSeconds: Number(fillSeconds.toFixed(1)), ...calls }, null, 2)}\n`,
);
if (!values.database || !existsSync(values.database)) rmSync(dir, { recursive: true, force: true });
process.exit(0);
