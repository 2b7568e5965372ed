/**
 * node bin/run-ts.js bench/startup.ts -- --database FILE [--runs 5] [--bin bin/rundschau.js] [--web-processes N]
 * Start-up on an existing database (make one with bench:web --items 1000000 --database FILE): the wall time from
 * spawn to the first /healthz 200 of `rundschau serve`, and of `rundschau items --limit 10` (spawn to exit). Runs
 * the bundle when it is fresh (`npm run build` first), as `npm start` does. Prints JSON: each run and the median.
 * The config names the database's sources (bench/fill.ts's URLs; nothing is fetched before the port is bound).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { sourceUrl } from './fill.ts';

const { values } = parseArgs({
  options: {
    database: { type: 'string' },
    sources: { type: 'string', default: '500' },
    runs: { type: 'string', default: '5' },
    bin: { type: 'string', default: 'bin/rundschau.js' },
    port: { type: 'string', default: '18191' },
    'web-processes': { type: 'string' },
  },
});
if (!values.database) throw new Error('--database FILE (an existing database)');
const dir = mkdtempSync(join(tmpdir(), 'rundschau-startup-'));
const configPath = join(dir, 'rundschau.yaml');
writeFileSync(
  configPath,
  stringify({
    sources: Array.from({ length: Number(values.sources) }, (_, i) => ({
      url: sourceUrl(i),
      title: `Source ${i}`,
      category: `Category ${i % 12}`,
    })),
  }),
);
const env = { ...process.env, DATABASE_URL: resolve(values.database), LOG_LEVEL: 'warn', LOG_FORMAT: 'json' };
const bin = resolve(values.bin);

/** CPU seconds (user + system) of a process and its children so far, from /proc: start-up cost beside the load. */
function cpuSecondsOf(pid: number): number {
  const stat = (p: number) => {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return 0;
    }
  };
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    /* none */
  }
  return stat(pid) + children.reduce((n, c) => n + stat(c), 0);
}

const serveCpu: number[] = [];
async function serveReady(): Promise<number> {
  const started = performance.now();
  const child = spawn(
    bin,
    [
      'serve',
      '--no-fetch',
      ...(values['web-processes'] ? ['--web-processes', values['web-processes']] : []),
      '--config',
      configPath,
      '--host',
      '127.0.0.1',
      '--port',
      values.port!,
    ],
    { env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  let ready = Number.NaN;
  for (let i = 0; i < 3000; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${values.port}/healthz`)).ok) {
        ready = performance.now() - started;
        serveCpu.push(Number(cpuSecondsOf(child.pid!).toFixed(2)));
        break;
      }
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return Math.round(ready);
}

async function itemsWall(): Promise<number> {
  const started = performance.now();
  const child = spawn(bin, ['items', '--limit', '10', '--config', configPath], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const code = await new Promise((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`items exited ${code}`);
  return Math.round(performance.now() - started);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const serve: number[] = [];
const items: number[] = [];
for (let i = 0; i < Number(values.runs); i++) {
  serve.push(await serveReady());
  items.push(await itemsWall());
}
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify(
    {
      bin: values.bin,
      webProcesses: values['web-processes'] ?? 'default',
      serveReadyMs: { runs: serve, median: median(serve) },
      serveCpuSecondsAtReady: { runs: serveCpu, median: median(serveCpu) },
      itemsLimit10Ms: { runs: items, median: median(items) },
      loadavg: readFileSync('/proc/loadavg', 'utf8').trim(),
    },
    null,
    2,
  )}\n`,
);
