/**
 * npm run bench:ingest [-- --feeds 1000 --items 50 --hosts 250 --latency 0] [--one-host] [--teasers] [--profile DIR]
 * A cold cycle and a 304 cycle over a local farm of generated feeds (bench/farm.ts: gzip, ETag and Last-Modified, rich
 * HTML, dates over weeks in several zones); prints JSON. `--one-host`: every feed on one host, with the default
 * politeness (2 at a time per host, 200 ms apart) instead of the many-hosts mode's 2 at a time without a gap.
 * Memory: RSS is one figure for the whole process (threads share it); what each thread holds is its V8 heap, given
 * per thread beside CPU seconds per thread (Linux). `--teasers`: the feeds carry
 * one-sentence teasers and link to article pages, so the cold cycle extracts every item's page (`fullText: auto`,
 * the default); the result then says how long extraction took and how many pages per second it did.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { runCycle } from '../src/app/cycle.ts';
import { openRuntime } from '../src/app/runtime.ts';
import { notePeakHeap, threadStats } from '../src/app/thread-stats.ts';
import { loadConfigFile } from '../src/config/load.ts';
import { closeSharedAgents } from '../src/fetch/http.ts';
import { createLogger } from '../src/lib/log.ts';
import { hostOfFeed } from './farm.ts';
import { type MemoryBreakdown, memoryBreakdown } from './memory.ts';

const mb = (bytes: number) => Math.round(bytes / 1048576);
const startRssMB = mb(process.memoryUsage.rss());
const breakdown: Record<string, MemoryBreakdown | undefined> = { start: memoryBreakdown() };

const { values } = parseArgs({
  options: {
    feeds: { type: 'string', default: '1000' },
    items: { type: 'string', default: '50' },
    hosts: { type: 'string', default: '250' },
    latency: { type: 'string', default: '0' },
    port: { type: 'string', default: '0' },
    'one-host': { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '64' },
    database: { type: 'string' },
    teasers: { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
});
const feeds = Number(values.feeds);
const items = Number(values.items);
const oneHost = values['one-host'];
const hosts = oneHost ? 1 : Number(values.hosts);
const latencyMs = Number(values.latency);
let port = Number(values.port);

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
      const ready = /ready(?: (\d+))?/.exec(chunk.toString());
      if (ready) {
        if (ready[1]) port = Number(ready[1]);
        resolve();
      }
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
      perHostGapMs: oneHost ? 200 : 0,
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
// Workers end this soon after their last job here (30 s in production), so the figure after the cycles shows them gone.
process.env.RUNDSCHAU_WORKER_IDLE_MS ??= '1000';
const importedRssMB = mb(process.memoryUsage.rss());
const runtime = await openRuntime({ configPath, databaseUrl: values.database ?? join(dir, 'bench.db'), log });
const loop = monitorEventLoopDelay({ resolution: 10 });
// Idle as a process waits between cycles: workers start at the first job (and end when idle), so none runs yet.
const idleRssMB = mb(process.memoryUsage.rss());
breakdown.idle = memoryBreakdown();
const idleMainHeapMB = threadStats().heapMB;
// The same with one worker warmed by a job (what "idle" meant before workers ended when idle).
await runtime.pool.run({
  body: Buffer.from('<rss version="2.0"><channel><title>x</title></channel></rss>'),
  url: 'http://x/',
  identity: 'auto',
  now: Date.now(),
});
const idleWithWorkerRssMB = mb(process.memoryUsage.rss());
breakdown.idleWithWorker = memoryBreakdown();
const idleThreads = await threads();

let peakRss = 0;
let lastBreakdownAt = 0;
const sampler = setInterval(() => {
  const rss = process.memoryUsage.rss();
  peakRss = Math.max(peakRss, rss);
  // Where the memory is at the peak: read again whenever the peak has grown by 2 MB (reading smaps takes a few ms).
  if (rss > lastBreakdownAt + 2 * 1048576) {
    lastBreakdownAt = rss;
    breakdown.peak = memoryBreakdown();
  }
  notePeakHeap();
}, 50);

loop.enable();
const cpuBefore = process.cpuUsage();
const threadsBefore = await threads();
const profiler = await startProfile();
let t0 = performance.now();
const cold = await runCycle(runtime, { force: true });
const coldSeconds = (performance.now() - t0) / 1000;
await profiler?.save('cold');
const coldCpu = process.cpuUsage(cpuBefore);
const threadsAfter = await threads();
loop.disable();
const coldLoop = { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
const coldPeakRss = Math.max(peakRss, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);

const warmCpuBefore = process.cpuUsage();
await profiler?.restart();
t0 = performance.now();
const warm = await runCycle(runtime, { force: true });
const warmSeconds = (performance.now() - t0) / 1000;
await profiler?.save('not-modified');
const warmCpu = process.cpuUsage(warmCpuBefore);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
// What the process keeps between cycles once its workers have ended (idle time) and V8 has had a moment.
await new Promise((r) => setTimeout(r, Number(process.env.RUNDSCHAU_WORKER_IDLE_MS) + 1500));
const afterCyclesRssMB = mb(process.memoryUsage.rss());
breakdown.afterCycles = memoryBreakdown();
const afterCyclesWorkers = runtime.pool.running;

/**
 * `--profile DIR`: a V8 CPU profile of the main thread per cycle (DIR/main-cold.cpuprofile, main-not-modified…),
 * taken in-process so that each covers exactly one cycle (workers: run node with --cpu-prof --cpu-prof-dir).
 */
async function startProfile() {
  const dir = values.profile;
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async save(name: string) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(join(dir, `main-${name}.cpuprofile`), JSON.stringify(profile));
    },
    async restart() {
      await session.post('Profiler.start');
    },
  };
}

/** Main thread and each worker: V8 heap now and at its peak, CPU seconds so far. */
async function threads() {
  return { main: threadStats(), workers: await runtime.pool.threadStats() };
}
const cpuOf = (t: { cpuSeconds: number | null }) => t.cpuSeconds ?? Number.NaN;
const oneDecimal = (n: number) => Math.round(n * 10) / 10;

const result = {
  mode: oneHost ? 'one-host' : 'many-hosts',
  feeds,
  itemsPerFeed: items,
  hosts,
  latencyMs,
  coldCycleSeconds: Number(coldSeconds.toFixed(2)),
  // All threads of this process (main, parse workers, V8's helpers); the farm runs in its own process.
  coldCycleCpuSeconds: Number(((coldCpu.user + coldCpu.system) / 1e6).toFixed(1)),
  // The same per thread: main (HTTP, database), each worker (decode/parse/normalise/score); the rest is V8's and
  // libuv's helper threads (GC, compilation, zlib, file I/O).
  coldCycleCpuSecondsByThread: {
    main: oneDecimal(cpuOf(threadsAfter.main) - cpuOf(threadsBefore.main)),
    workers: threadsAfter.workers.map((w, i) => oneDecimal(cpuOf(w) - cpuOf(threadsBefore.workers[i] ?? w))),
  },
  notModifiedCycleSeconds: Number(warmSeconds.toFixed(2)),
  notModifiedCycleCpuSeconds: Number(((warmCpu.user + warmCpu.system) / 1e6).toFixed(2)),
  itemsPerSecond: Math.round(cold.itemsNew / coldSeconds),
  itemsStored: (await runtime.store.listSources()).reduce((n, s) => n + s.itemCount, 0),
  peakRssMB: mb(peakRss),
  coldCyclePeakRssMB: mb(coldPeakRss),
  idleRssMB,
  idleWithWorkerRssMB,
  idleAfterCyclesRssMB: afterCyclesRssMB,
  // Idle by stage: node with the bench's imports, the runtime open (store, config synced; no worker), one worker
  // warmed; after both cycles once the workers ended (workersRunning says how many still ran).
  rssByStageMB: {
    start: startRssMB,
    imported: importedRssMB,
    idle: idleRssMB,
    idleWithWorker: idleWithWorkerRssMB,
    afterCycles: afterCyclesRssMB,
  },
  // The same split by kind of memory (bench/memory.ts): code, glibc's main arena, other anonymous memory (V8 heaps,
  // thread arenas), and the main thread's V8 heap and memory outside it; "peak" is read near the cycles' peak RSS.
  memoryBreakdownMB: breakdown,
  workersRunningAfterCycles: afterCyclesWorkers,
  // V8 heap (physical MB) per thread: idle (main alone, then with a warm worker), and the most each held in the cycles.
  heapByThreadMB: {
    idle: { main: idleMainHeapMB, workers: idleThreads.workers.map((w) => w.heapMB) },
    peak: { main: threadsAfter.main.peakHeapMB, workers: threadsAfter.workers.map((w) => w.peakHeapMB) },
  },
  workers: runtime.pool.size,
  eventLoopDelayP50Ms: Number(coldLoop.p50.toFixed(1)),
  eventLoopDelayP99Ms: Number(coldLoop.p99.toFixed(1)),
  eventLoopDelayMaxMs: Number(coldLoop.max.toFixed(1)),
  loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number),
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
