/**
 * Several real processes on one database: two `serve` started at once on a fresh PostgreSQL database, a `serve`
 * killed with -9 mid-cycle and restarted, and `fetch --all` run beside a running `serve`.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, type SpawnedCli, spawnCli, type Workspace, waitFor } from '../support/cli.ts';
import { pgSkipReason, postgresDatabase, type TestDatabase } from '../support/databases.ts';
import { type FeedEntry, rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults } from '../support/runtime.ts';

const entries = (i: number, n = 2): FeedEntry[] =>
  Array.from({ length: n }, (_, k) => ({
    id: `s${i}-item-${k}`,
    title: `Source ${i} item ${k}`,
    date: new Date(Date.UTC(2026, 10, 20, 12, k)).toISOString(),
  }));

interface LogLine {
  msg?: string;
  url?: string;
  [key: string]: unknown;
}

function logLines(child: SpawnedCli): LogLine[] {
  return child.stderr
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        return { msg: line };
      }
    });
}

/** Starts `serve` on a free port and waits until it says where it serves; returns its base URL. */
async function startServe(
  ws: Workspace,
  env: Record<string, string> = {},
): Promise<{ child: SpawnedCli; baseUrl: string }> {
  const child = spawnCli(['serve', '--config', ws.configPath, '--host', '127.0.0.1', '--port', '0'], {
    env: { ...ws.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env },
  });
  const serving = await waitFor(
    () => {
      if (child.child.exitCode !== null) return { msg: 'exited', url: '' };
      return logLines(child).find((l) => l.msg === 'rundschau is serving');
    },
    { timeoutMs: 60_000, what: () => `"rundschau is serving"; ${child.stderr}` },
  );
  if (child.child.exitCode !== null) throw new Error(`serve exited ${child.child.exitCode}: ${child.stderr}`);
  return { child, baseUrl: String(serving.url).replace(/\/$/, '') };
}

async function stop(child: SpawnedCli | undefined): Promise<void> {
  if (child && child.child.exitCode === null && child.child.signalCode === null) {
    child.child.kill('SIGKILL');
    await child.exited;
  }
}

describe.skipIf(pgSkipReason !== '')('two serve processes started at once on a fresh PostgreSQL database', () => {
  const SOURCES = 200;
  let server: FixtureServer;
  let ws: Workspace;
  let database: TestDatabase;
  const serves: SpawnedCli[] = [];

  beforeAll(async () => {
    server = await startFixtureServer();
    for (let i = 0; i < SOURCES; i++) server.route(`/feed-${i}.xml`, serveBody(rss(`Source ${i}`, entries(i))));
    database = await postgresDatabase();
    ws = createWorkspace({
      defaults: fastDefaults,
      sources: Array.from({ length: SOURCES }, (_, i) => ({ url: server.url(`/feed-${i}.xml`), category: 'Twins' })),
      topics: [{ slug: 'twins', title: 'Twins', rules: { terms: { any: { source: 1 } } } }],
    });
    ws.env.DATABASE_URL = database.url;
  });
  afterAll(async () => {
    for (const child of serves) await stop(child);
    ws?.cleanup();
    await database?.drop();
    await server?.close();
  });

  it('both stay up and answer /healthz; every source is there once', async () => {
    const started = await Promise.allSettled([startServe(ws), startServe(ws)]);
    for (const s of started) if (s.status === 'fulfilled') serves.push(s.value.child);
    const failures = started.filter((s) => s.status === 'rejected').map((s) => String(s.reason));
    expect(failures, failures.join('\n')).toEqual([]);
    for (const s of started) {
      const { baseUrl } = (s as PromiseFulfilledResult<{ baseUrl: string }>).value;
      const res = await fetch(`${baseUrl}/healthz`);
      expect(res.status).toBe(200);
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string; distinct: string }>(
        'select count(*) as n, count(distinct config_url) as distinct from sources',
      );
      expect(rows[0]).toEqual({ n: String(SOURCES), distinct: String(SOURCES) });
      const topics = await client.query<{ n: string }>('select count(*) as n from topics');
      expect(topics.rows[0]!.n).toBe('1');
    } finally {
      await client.end();
    }
    for (const child of serves) expect(child.child.exitCode, child.stderr).toBeNull();
  }, 120_000);
});
