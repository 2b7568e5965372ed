/**
 * Several real processes on one database: two `serve` started at once on a fresh PostgreSQL database, a `serve`
 * killed with -9 mid-cycle and restarted, and `fetch --all` run beside a running `serve`.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorkspace,
  jsonOf,
  logLines,
  runCli,
  type SpawnedCli,
  spawnCli,
  type Workspace,
  waitFor,
} from '../support/cli.ts';
import { pgSkipReason, postgresDatabase, type TestDatabase } from '../support/databases.ts';
import { rss, sourceEntries } from '../support/feeds.ts';
import {
  type FixtureHandler,
  type FixtureServer,
  serveBody,
  sleep,
  startFixtureServer,
} from '../support/fixture-server.ts';
import { fastDefaults } from '../support/runtime.ts';

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

interface SourceState {
  configUrl: string;
  items: number;
  leaseUntil: number | null;
}

const STATES_SQL = `select s.config_url as "configUrl", s.lease_until as "leaseUntil", count(i.id) as items
   from sources s left join items i on i.source_id = s.id group by s.id order by s.id`;

/** Every source's item count and lease, read straight from the workspace's database (SQLite file or PostgreSQL). */
async function sourceStates(databaseUrl: string): Promise<SourceState[]> {
  try {
    let rows: Record<string, unknown>[];
    if (databaseUrl.startsWith('postgres')) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        rows = (await client.query(STATES_SQL)).rows;
      } finally {
        await client.end();
      }
    } else {
      // WAL: readers do not block the CLI writing it.
      const db = new Database(databaseUrl, { readonly: true, fileMustExist: true });
      try {
        db.pragma('busy_timeout = 2000');
        rows = db.prepare(STATES_SQL).all() as Record<string, unknown>[];
      } finally {
        db.close();
      }
    }
    return rows.map((r) => ({
      configUrl: String(r.configUrl),
      items: Number(r.items),
      leaseUntil: r.leaseUntil == null ? null : Number(r.leaseUntil),
    }));
  } catch {
    return []; // not created/migrated yet
  }
}

/** The workspace's database: its SQLite file, or a fresh PostgreSQL database (dropped by the returned function). */
async function useDatabase(ws: Workspace, dialect: 'sqlite' | 'pg'): Promise<() => Promise<void>> {
  if (dialect === 'sqlite') return async () => undefined;
  const database = await postgresDatabase();
  ws.env.DATABASE_URL = database.url;
  return () => database.drop();
}

/** A feed that answers after `delayMs()` (0: at once); a request cut by a killed client is dropped. */
function delayed(handler: FixtureHandler, delayMs: () => number): FixtureHandler {
  return async (req, res) => {
    const ms = delayMs();
    if (ms > 0) await sleep(ms);
    if (!res.destroyed) await handler(req, res);
  };
}

for (const dialect of ['sqlite', 'pg'] as const) {
  const skip = dialect === 'pg' ? pgSkipReason : '';

  describe.skipIf(skip !== '')(
    `serve killed with -9 mid-cycle, then restarted (${dialect}, 200 sources) ${skip}`,
    () => {
      const SOURCES = 200;
      const isSlow = (i: number) => i % 8 === 3;
      let slowMs = 20_000;
      let server: FixtureServer;
      let ws: Workspace;
      let victim: SpawnedCli | undefined;
      let restarted: SpawnedCli | undefined;
      let dropDatabase: (() => Promise<void>) | undefined;
      let lastStates: SourceState[] = [];
      const states = async () => {
        lastStates = await sourceStates(ws.env.DATABASE_URL!);
        return lastStates;
      };

      beforeAll(async () => {
        server = await startFixtureServer();
        for (let i = 0; i < SOURCES; i++) {
          const body = serveBody(rss(`Source ${i}`, sourceEntries(i, 2)));
          server.route(`/feed-${i}.xml`, isSlow(i) ? delayed(body, () => slowMs) : body);
        }
        ws = createWorkspace({
          defaults: { ...fastDefaults, concurrency: 8, perHostConcurrency: 8 },
          sources: Array.from({ length: SOURCES }, (_, i) => ({
            url: server.url(`/feed-${i}.xml`),
            category: 'Crash',
          })),
          topics: [],
        });
        dropDatabase = await useDatabase(ws, dialect);
      });
      afterAll(async () => {
        await stop(victim);
        await stop(restarted);
        await dropDatabase?.();
        ws?.cleanup();
        await server?.close();
      });

      it('the restarted process fetches every source in its first cycle, not after the old leases lapse', async () => {
        // A tick far away: only the cycle each process runs as it starts can fetch.
        const env = { RUNDSCHAU_TICK: '0 0 1 1 *' };
        victim = (await startServe(ws, env)).child;
        await waitFor(
          async () =>
            (await states()).filter((s) => s.items > 0).length >= 20 && server.requestsFor('/feed-3.xml').length > 0,
          {
            timeoutMs: 60_000,
            intervalMs: 50,
            what: () => `some sources stored, a slow one in flight; ${victim?.stderr}`,
          },
        );
        victim.child.kill('SIGKILL');
        await victim.exited;
        slowMs = 0;

        const afterCrash = await states();
        const leased = afterCrash.filter((s) => s.leaseUntil !== null).length;
        expect(leased, 'the killed process held leases on sources it had not fetched (precondition)').toBeGreaterThan(
          0,
        );
        // A process claims what it works on now (its concurrency), so a crash strands no more than that.
        expect(leased).toBeLessThanOrEqual(8);
        expect(afterCrash.filter((s) => s.items === 0).length, 'sources left to fetch (precondition)').toBeGreaterThan(
          50,
        );

        const t0 = Date.now();
        restarted = (await startServe(ws, env)).child;
        await waitFor(
          async () => {
            const now = await states();
            return now.length === SOURCES && now.every((s) => s.items === 2 && s.leaseUntil === null);
          },
          {
            timeoutMs: 30_000,
            what: () =>
              `every source fetched after the restart: ${lastStates.filter((s) => s.items === 2).length}/${SOURCES} ` +
              `stored, ${lastStates.filter((s) => s.leaseUntil !== null).length} leased; ${restarted?.stderr}`,
          },
        );
        expect(Date.now() - t0).toBeLessThan(60_000);
        expect(restarted.stderr).toContain('released the source leases of processes that are gone');
      }, 150_000);
    },
  );

  describe.skipIf(skip !== '')(`fetch --all beside a running serve (${dialect}) ${skip}`, () => {
    const FAST = 10;
    const SLOW = 3;
    const SLOW_MS = 8000;
    let server: FixtureServer;
    let ws: Workspace;
    let serve: SpawnedCli | undefined;
    let dropDatabase: (() => Promise<void>) | undefined;
    const slowPath = (i: number) => `/slow-${i}.xml`;

    beforeAll(async () => {
      server = await startFixtureServer();
      for (let i = 0; i < FAST; i++) server.route(`/fast-${i}.xml`, serveBody(rss(`Fast ${i}`, sourceEntries(i, 2))));
      for (let i = 0; i < SLOW; i++) {
        server.route(
          slowPath(i),
          delayed(serveBody(rss(`Slow ${i}`, sourceEntries(100 + i, 2))), () => SLOW_MS),
        );
      }
      ws = createWorkspace({
        defaults: { ...fastDefaults, timeout: 30 },
        sources: [
          ...Array.from({ length: FAST }, (_, i) => ({ url: server.url(`/fast-${i}.xml`), category: 'Fast' })),
          ...Array.from({ length: SLOW }, (_, i) => ({ url: server.url(slowPath(i)), category: 'Slow' })),
        ],
        topics: [],
      });
      dropDatabase = await useDatabase(ws, dialect);
    });
    afterAll(async () => {
      await stop(serve);
      await dropDatabase?.();
      ws?.cleanup();
      await server?.close();
    });

    it('skips the sources serve is fetching, reports them, and fetches each of them once', async () => {
      serve = (await startServe(ws, { RUNDSCHAU_TICK: '0 0 1 1 *' })).child;
      await waitFor(
        () => Array.from({ length: SLOW }, (_, i) => server.requestsFor(slowPath(i)).length === 1).every(Boolean),
        { timeoutMs: 30_000, what: () => `serve fetching every slow source; ${serve?.stderr}` },
      );
      const result = await runCli(['fetch', '--all', '--config', ws.configPath, '--json'], {
        env: ws.env,
        timeoutMs: 60_000,
      });
      expect(result.code, result.stderr).toBe(0);
      const summary = jsonOf<{ sources: number; failed: number; skipped: { url: string; heldBy: string }[] }>(result);
      const slowUrls = Array.from({ length: SLOW }, (_, i) => server.url(slowPath(i)));
      expect(summary.skipped.map((s) => s.url).sort()).toEqual(slowUrls.sort());
      expect(summary.skipped[0]!.heldBy).toContain(`/${serve.child.pid}/`);
      expect(summary.sources).toBe(FAST);
      expect(summary.failed).toBe(0);

      // serve finishes its slow fetches; nobody asked those feeds twice.
      await waitFor(
        async () => (await sourceStates(ws.env.DATABASE_URL!)).every((s) => s.items === 2 && s.leaseUntil === null),
        {
          timeoutMs: 30_000,
          what: () => `serve finishing the slow sources; ${serve?.stderr}`,
        },
      );
      for (let i = 0; i < SLOW; i++) expect(server.requestsFor(slowPath(i)), slowPath(i)).toHaveLength(1);
    }, 120_000);
  });
}

describe.skipIf(pgSkipReason !== '')('two serve processes started at once on a fresh PostgreSQL database', () => {
  const SOURCES = 200;
  let server: FixtureServer;
  let ws: Workspace;
  let database: TestDatabase;
  const serves: SpawnedCli[] = [];

  beforeAll(async () => {
    server = await startFixtureServer();
    for (let i = 0; i < SOURCES; i++)
      server.route(`/feed-${i}.xml`, serveBody(rss(`Source ${i}`, sourceEntries(i, 2))));
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
