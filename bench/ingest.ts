/**
 * npm run bench:ingest [-- --feeds 1000 --items 50 --hosts 250 --latency 0] [--teasers]
 * A cold cycle and a 304 cycle over a local farm of generated feeds; prints JSON. `--teasers`: the feeds carry
 * one-sentence teasers and link to article pages, so the cold cycle extracts every item's page (`fullText: auto`,
 * the default); the result then says how long extraction took and how many pages per second it did.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { runCycle } from '../src/app/cycle.ts';
import { openRuntime } from '../src/app/runtime.ts';
import { loadConfigFile } from '../src/config/load.ts';
import { closeSharedAgents } from '../src/fetch/http.ts';
import { createLogger } from '../src/lib/log.ts';
import { hostOfFeed } from './farm.ts';

const { values } = parseArgs({
  options: {
    feeds: { type: 'string', default: '1000' },
    items: { type: 'string', default: '50' },
    hosts: { type: 'string', default: '250' },
    latency: { type: 'string', default: '0' },
    port: { type: 'string', default: '18080' },
    concurrency: { type: 'string', default: '64' },
    database: { type: 'string' },
    teasers: { type: 'boolean', default: false },
  },
});
const feeds = Number(values.feeds);
const items = Number(values.items);
const hosts = Number(values.hosts);
const latencyMs = Number(values.latency);
const port = Number(values.port);

async function startFarm(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      'bin/run-ts.js',
      'bench/farm.ts',
      String(feeds),
      String(items),
      String(hosts),
      String(latencyMs),
      String(port),
      values.teasers ? '1' : '0',
    ],
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

const farm = await startFarm();
const dir = mkdtempSync(join(tmpdir(), 'rundschau-bench-'));
const configPath = join(dir, 'rundschau.yaml');
// The bundled topics take part, as in production: scoring is part of the ingest cost.
const bundled = await loadConfigFile('rundschau.yaml');
if (!bundled.ok) throw new Error('the bundled rundschau.yaml is invalid');
writeFileSync(
  configPath,
  stringify({
    defaults: {
      concurrency: Number(values.concurrency),
      perHostConcurrency: 2,
      perHostGapMs: 0,
      timeout: 60,
      minInterval: 600,
      fullText: 'auto',
    },
    sources: Array.from({ length: feeds }, (_, i) => ({
      url: `http://${hostOfFeed(i, hosts)}:${port}/feed/${i}`,
      category: `Farm ${i % 10}`,
    })),
    topics: bundled.config.topics,
  }),
);

const log = createLogger('warn');
const runtime = await openRuntime({ configPath, databaseUrl: values.database ?? join(dir, 'bench.db'), log });
const loop = monitorEventLoopDelay({ resolution: 10 });
// Workers start lazily on their first job: give them one so the idle figure includes them.
await runtime.pool.run({
  body: Buffer.from('<rss version="2.0"><channel><title>x</title></channel></rss>'),
  url: 'http://x/',
  identity: 'auto',
  now: Date.now(),
});
const idleRssMB = Math.round(process.memoryUsage.rss() / 1024 / 1024);

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 50);

loop.enable();
const cpuBefore = process.cpuUsage();
let t0 = performance.now();
const cold = await runCycle(runtime, { force: true });
const coldSeconds = (performance.now() - t0) / 1000;
const coldCpu = process.cpuUsage(cpuBefore);
loop.disable();
const coldLoopP99 = loop.percentile(99) / 1e6;
const coldLoopMax = loop.max / 1e6;

t0 = performance.now();
const warm = await runCycle(runtime, { force: true });
const warmSeconds = (performance.now() - t0) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);

const result = {
  feeds,
  itemsPerFeed: items,
  hosts,
  latencyMs,
  coldCycleSeconds: Number(coldSeconds.toFixed(2)),
  // All threads of this process (main, parse workers, V8's helpers); the farm runs in its own process.
  coldCycleCpuSeconds: Number(((coldCpu.user + coldCpu.system) / 1e6).toFixed(1)),
  notModifiedCycleSeconds: Number(warmSeconds.toFixed(2)),
  itemsPerSecond: Math.round(cold.itemsNew / coldSeconds),
  itemsStored: (await runtime.store.listSources()).reduce((n, s) => n + s.itemCount, 0),
  peakRssMB: Math.round(peakRss / 1024 / 1024),
  idleRssMB,
  eventLoopDelayP99Ms: Number(coldLoopP99.toFixed(1)),
  eventLoopDelayMaxMs: Number(coldLoopMax.toFixed(1)),
  cold: { ok: cold.ok, notModified: cold.notModified, failed: cold.failed, itemsNew: cold.itemsNew },
  notModifiedCycle: { ok: warm.ok, notModified: warm.notModified, failed: warm.failed },
  failures: cold.outcomes.filter((o) => o.outcome === 'error').slice(0, 3),
  ...(values.teasers
    ? {
        fullText: {
          ...cold.fullTexts,
          feedsPhaseSeconds: Number((coldSeconds - (cold.fullTexts?.durationMs ?? 0) / 1000).toFixed(2)),
          extractionSeconds: Number(((cold.fullTexts?.durationMs ?? 0) / 1000).toFixed(2)),
          pagesPerSecond: Math.round((cold.fullTexts?.done ?? 0) / ((cold.fullTexts?.durationMs ?? 1) / 1000)),
        },
      }
    : {}),
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

await runtime.close();
await closeSharedAgents();
farm.kill();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
