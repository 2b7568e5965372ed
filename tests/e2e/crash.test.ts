/**
 * Crash safety of a fetch cycle: `kill -9` the real CLI in the middle of `fetch --all`, run it again, and every
 * source's items are there exactly once — nothing lost, nothing duplicated, no source left leased to a dead process.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, jsonOf, runCli, spawnCli, type Workspace, waitFor } from '../support/cli.ts';
import { rss, sourceEntries } from '../support/feeds.ts';
import { type FixtureServer, serveBody, sleep, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults } from '../support/runtime.ts';

const SOURCES = 30;
/** These answer only after SLOW_MS: the kill lands while they are in flight, their leases held. */
const SLOW = new Set([3, 11, 19, 27]);
const SLOW_MS = 2500;
const itemCount = (i: number) => 3 + (i % 5);
const feedPath = (i: number) => `/feed-${i}.xml`;

interface Row {
  configUrl: string;
  items: number;
  distinctGuids: number;
  leaseUntil: number | null;
}

/** Reads the workspace's SQLite file directly (WAL: readers do not block the CLI writing it). */
function readDb(path: string): Row[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 2000');
    return db
      .prepare(
        `select s.config_url as configUrl, s.lease_until as leaseUntil,
                count(i.id) as items, count(distinct i.guid) as distinctGuids
           from sources s left join items i on i.source_id = s.id
          group by s.id order by s.id`,
      )
      .all() as Row[];
  } finally {
    db.close();
  }
}

function sourcesWithItems(path: string): number {
  try {
    return readDb(path).filter((r) => r.items > 0).length;
  } catch {
    return 0; // not created/migrated yet
  }
}

describe('kill -9 during fetch --all, then fetch --all again (real CLI, SQLite)', () => {
  let server: FixtureServer;
  let ws: Workspace;

  beforeAll(async () => {
    server = await startFixtureServer();
    for (let i = 0; i < SOURCES; i++) {
      const serve = serveBody(rss(`Source ${i}`, sourceEntries(i, itemCount(i))), { etag: `"s${i}"` });
      server.route(
        feedPath(i),
        SLOW.has(i)
          ? async (req, res) => {
              await sleep(SLOW_MS);
              if (!res.destroyed) await serve(req, res);
            }
          : serve,
      );
    }
    ws = createWorkspace({
      defaults: { ...fastDefaults, concurrency: 8, perHostConcurrency: 8, timeout: 10 },
      sources: Array.from({ length: SOURCES }, (_, i) => ({ url: server.url(feedPath(i)), category: 'Crash' })),
      topics: [],
    });
  });
  afterAll(async () => {
    ws?.cleanup();
    await server?.close();
  });

  it('loses nothing, duplicates nothing, and no lease of the dead process blocks the rerun', async () => {
    const victim = spawnCli(['fetch', '--all', '--config', ws.configPath, '--json'], { env: ws.env });
    try {
      await waitFor(
        () =>
          SLOW.size > 0 &&
          [...SLOW].some((i) => server.requestsFor(feedPath(i)).length > 0) &&
          sourcesWithItems(ws.databasePath) >= 3,
        {
          timeoutMs: 20_000,
          intervalMs: 50,
          what: () => `a slow request in flight and some items stored; stderr: ${victim.stderr}`,
        },
      );
    } finally {
      victim.child.kill('SIGKILL');
    }
    const died = await victim.exited;
    expect(died.signal).toBe('SIGKILL');
    expect(victim.stdout, 'the killed run must not have finished').toBe('');

    const afterCrash = readDb(ws.databasePath);
    const partial = afterCrash.filter((r) => r.items > 0).length;
    expect(partial, 'the kill came mid-cycle: some sources stored, not all').toBeLessThan(SOURCES);
    expect(partial).toBeGreaterThan(0);
    const orphanedLeases = afterCrash.filter((r) => r.leaseUntil !== null).map((r) => r.configUrl);
    expect(orphanedLeases.length, 'the dead process left leases behind (precondition)').toBeGreaterThan(0);

    const rerun = await runCli(['fetch', '--all', '--config', ws.configPath, '--json'], {
      env: ws.env,
      timeoutMs: 30_000,
    });
    expect(rerun.code, rerun.stderr).toBe(0);
    const summary = jsonOf<{ sources: number; failed: number }>(rerun);

    const rows = readDb(ws.databasePath);
    const mismatches = rows
      .map((r, i) => ({ ...r, expected: itemCount(i) }))
      .filter((r) => r.items !== r.expected || r.distinctGuids !== r.expected || r.leaseUntil !== null);
    expect(
      mismatches,
      `after the rerun (which fetched ${summary.sources} sources; ${orphanedLeases.length} were leased by the ` +
        `killed process): source, items stored / expected, distinct guids, lease\n` +
        mismatches
          .map((m) => `${m.configUrl}  ${m.items}/${m.expected}  ${m.distinctGuids}  ${m.leaseUntil ?? '-'}`)
          .join('\n'),
    ).toEqual([]);
    expect(summary.failed).toBe(0);
  }, 60_000);
});
