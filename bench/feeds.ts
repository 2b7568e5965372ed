/**
 * npm run bench:feeds [-- --items 100000 --sources 500 --duration 10]
 * Fills a temp SQLite store, serves the feed routes from a child process on 127.0.0.1 and measures with autocannon
 * (8 connections) a cached /feeds/cloud.atom and its 304 answer; prints JSON.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { TopicCurator } from '../src/app/curator.ts';
import { ParsePool } from '../src/app/pool.ts';
import { loadConfigFile } from '../src/config/load.ts';
import { type Config, configSchema } from '../src/config/schema.ts';
import { silentLogger } from '../src/lib/log.ts';
import type { NewItem } from '../src/normalize/types.ts';
import { feedRoutes } from '../src/publish/routes.ts';
import { openStore } from '../src/store/index.ts';

interface AutocannonResult {
  requests: { average: number };
  latency: { p99: number };
  statusCodeStats: Record<string, { count: number }>;
  errors: number;
}
// autocannon ships no types; this is the part of its programmatic API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    items: { type: 'string', default: '100000' },
    sources: { type: 'string', default: '500' },
    duration: { type: 'string', default: '10' },
  },
});

function benchConfig(sources: number): Config {
  return configSchema.parse({
    sources: Array.from({ length: sources }, (_, i) => ({
      url: `https://s${i}.example/feed.xml`,
      category: `Cat ${i % 10}`,
    })),
    topics: [{ slug: 'cloud', title: 'Cloud', description: 'Cloud computing', perSourceCap: 5 }],
  });
}

function benchItem(source: number, n: number, publishedAt: number): NewItem {
  const uid = `s${source}-i${n}`;
  const title = `Kubernetes und Cloud: Meldung ${n} von Quelle ${source} – Grüße & mehr`;
  const body = `<p>${'Ein Absatz über Rechenzentren, Container und Preise. '.repeat(20)}</p>`;
  return {
    uid,
    guid: uid,
    link: `https://s${source}.example/articles/${n}`,
    title,
    author: `Autor ${source}`,
    summary: 'Ein Absatz über Rechenzentren, Container und Preise.',
    contentHtml: body,
    language: n % 3 ? 'de' : 'en',
    publishedAt,
    dateEstimated: false,
    updatedAt: null,
    categories: ['Cloud', `Tag ${n % 7}`],
    enclosures: [],
    imageUrl: null,
    contentHash: createHash('sha1')
      .update(uid + title + body)
      .digest('hex'),
  };
}

/** Child mode: serve the feed routes over the given database and print the port. */
async function serveMode(databaseUrl: string, sources: number): Promise<void> {
  const store = await openStore(databaseUrl);
  const config = benchConfig(sources);
  const app = new Hono();
  app.route('/', feedRoutes({ store, config: () => config }));
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => {
    process.stdout.write(`port ${(server.address() as AddressInfo).port}\n`);
  });
  process.on('SIGTERM', () => {
    server.close();
    void store.close().then(() => process.exit(0));
  });
}

async function fill(databaseUrl: string, items: number, sources: number): Promise<number> {
  const started = performance.now();
  const store = await openStore(databaseUrl);
  const config = benchConfig(sources);
  await store.syncSources(config.sources);
  const rows = await store.listSources();
  const perSource = Math.ceil(items / sources);
  const now = Date.now();
  const scores: { itemId: number; score: number; included: boolean; evidence: unknown; publishedAt: number }[] = [];
  for (const [s, row] of rows.entries()) {
    const batch = Array.from({ length: perSource }, (_, n) => benchItem(s, n, now - (n * sources + s) * 60_000));
    const { inserted } = await store.upsertItems(row.id, batch, now);
    // ~5% of items belong to the topic.
    for (const item of inserted) {
      if (item.id % 20 === 0)
        scores.push({ itemId: item.id, score: 2, included: true, evidence: {}, publishedAt: item.publishedAt });
    }
  }
  await store.upsertTopic({ slug: 'cloud', title: 'Cloud', description: 'Cloud computing', rulesHash: 'bench' });
  for (let i = 0; i < scores.length; i += 1000) await store.saveTopicScores('cloud', scores.slice(i, i + 1000));
  await store.close();
  return (performance.now() - started) / 1000;
}

/**
 * A topic change as an operator makes it: the bundled `cloud` topic replaces the bench's, its rules hash differs,
 * so every stored item is scored again (in the worker pool, as `serve` does).
 */
async function rescore(databaseUrl: string): Promise<number> {
  const loaded = await loadConfigFile('rundschau.yaml');
  if (!loaded.ok) throw new Error('bundled rundschau.yaml is invalid');
  const store = await openStore(databaseUrl);
  const pool = new ParsePool();
  const curator = new TopicCurator(store, silentLogger, pool);
  const started = performance.now();
  const rescored = await curator.configure(loaded.config.topics.filter((t) => t.slug === 'cloud'));
  const seconds = (performance.now() - started) / 1000;
  if (!rescored.includes('cloud')) throw new Error('the topic change did not re-score');
  await pool.close();
  await store.close();
  return Math.round(seconds * 10) / 10;
}

async function startServer(databaseUrl: string, sources: number): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, ['bin/run-ts.js', 'bench/feeds.ts', 'serve', databaseUrl, String(sources)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`feed server exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      const m = /port (\d+)/.exec(chunk.toString());
      if (m) resolve(m[1]!);
    });
  });
  return { child, origin: `http://127.0.0.1:${port}` };
}

function summary(result: AutocannonResult, expectedStatus: string) {
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  const unexpected = Object.keys(statuses).filter((code) => code !== expectedStatus);
  if (unexpected.length || result.errors)
    throw new Error(`unexpected answers: ${JSON.stringify(statuses)}, errors ${result.errors}`);
  return { reqPerSec: Math.round(result.requests.average), p99Ms: result.latency.p99 };
}

async function main(): Promise<void> {
  const items = Number(values.items);
  const sources = Number(values.sources);
  const duration = Number(values.duration);
  const dir = mkdtempSync(join(tmpdir(), 'rundschau-bench-feeds-'));
  const databaseUrl = join(dir, 'feeds.db');
  let child: ChildProcess | undefined;
  try {
    const fillSeconds = await fill(databaseUrl, items, sources);
    const server = await startServer(databaseUrl, sources);
    child = server.child;
    const url = `${server.origin}/feeds/cloud.atom`;
    const warm = await fetch(url, { headers: { 'accept-encoding': 'gzip' } });
    if (warm.status !== 200) throw new Error(`warm-up answered ${warm.status}`);
    const atomBytes = (await warm.arrayBuffer()).byteLength;
    const etag = warm.headers.get('etag')!;
    const cachedAtom = summary(
      await autocannon({ url, connections: 8, duration, headers: { 'accept-encoding': 'gzip' } }),
      '200',
    );
    const notModified = summary(
      await autocannon({
        url,
        connections: 8,
        duration,
        headers: { 'accept-encoding': 'gzip', 'if-none-match': etag },
      }),
      '304',
    );
    child.kill('SIGTERM');
    child = undefined;
    const rescoreSeconds = await rescore(databaseUrl);
    process.stdout.write(
      `${JSON.stringify({ items, sources, fillSeconds: Math.round(fillSeconds * 10) / 10, atomBytes, cachedAtom, notModified, rescoreSeconds }, null, 2)}\n`,
    );
  } finally {
    child?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (positionals[0] === 'serve') await serveMode(positionals[1]!, Number(positionals[2]));
else await main();
