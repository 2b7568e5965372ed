/**
 * WebSub across processes on the local PostgreSQL: however many processes notice a change of a published feed,
 * the hub is told once (`websub_marks`, moved under a cluster-wide advisory lock; see publish/websub.ts). First
 * several runtimes in this process, each with its own pool and lock sessions, announcing at the same instant;
 * then three real `rundschau worker` processes that each announce after every one-second cycle.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCycle } from '../../src/app/cycle.ts';
import { createWorkspace, logLines, type SpawnedCli, spawnCli, type Workspace, waitFor } from '../support/cli.ts';
import { pgSkipReason, postgresDatabase, type TestDatabase } from '../support/databases.ts';
import { type FeedEntry, rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults, type TestRuntime, testRuntime } from '../support/runtime.ts';
import { sleep } from '../support/wait.ts';
import { type RecordingHub, recordingHub } from '../support/websub.ts';

const BASE = 'https://news.example/rs';
const urlsOf = (path: string) => ['rss', 'atom', 'json'].map((ext) => `${BASE}${path}.${ext}`);

let fixtures: FixtureServer;
let hub: RecordingHub;
const feeds = new Map<string, FeedEntry[]>();

function setFeed(path: string, entries: FeedEntry[]) {
  feeds.set(path, entries);
  fixtures.route(path, serveBody(rss(path, entries), { contentType: 'application/rss+xml' }));
}
const entry = (id: string, title: string, date: string): FeedEntry => ({ id, title, date });

function config() {
  return {
    defaults: fastDefaults,
    server: { baseUrl: `${BASE}/`, websubHub: hub.url },
    sources: [
      { url: fixtures.url('/tech.xml'), category: 'Tech' },
      { url: fixtures.url('/chat.xml'), category: 'Chatter' },
    ],
    topics: [{ slug: 'cloud', title: 'Cloud', rules: { terms: { any: { cloud: 2 } }, threshold: 1 } }],
  };
}

/** Every feed of `config()` that advertises the hub: all, both categories, the topic (3 formats each). */
const EVERY_FEED = [
  ...urlsOf('/feeds/all'),
  ...urlsOf('/feeds/category/Tech'),
  ...urlsOf('/feeds/category/Chatter'),
  ...urlsOf('/feeds/cloud'),
].sort();
const TECH_CHANGED = [...urlsOf('/feeds/all'), ...urlsOf('/feeds/category/Tech')].sort();

beforeAll(async () => {
  fixtures = await startFixtureServer();
  hub = recordingHub(fixtures);
});
afterAll(() => fixtures?.close());

function resetFeeds() {
  hub.take();
  setFeed('/tech.xml', [entry('t1', 'Cloud prices fall', '2026-11-01T10:00:00Z')]);
  setFeed('/chat.xml', [entry('c1', 'Weekend chatter', '2026-11-01T09:00:00Z')]);
}

/** Adds an older entry outside the topic to the Tech feed: all and Tech change, nothing else. */
function addToTech(n: number) {
  setFeed('/tech.xml', [...feeds.get('/tech.xml')!, entry(`t-old-${n}`, `Printer news ${n}`, '2026-10-01T10:00:00Z')]);
}

describe.skipIf(pgSkipReason !== '')(`each change is announced once across processes ${pgSkipReason}`, () => {
  let database: TestDatabase | undefined;
  beforeEach(async () => {
    resetFeeds();
    database = await postgresDatabase();
  });
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  it('four runtimes on one database announcing at the same instant ping each changed feed once', async () => {
    const runtimes: TestRuntime[] = [];
    try {
      for (let i = 0; i < 4; i++) runtimes.push(await testRuntime(config(), { databaseUrl: database!.url }));
      // Every process takes its baseline before the first cycle, as a serve/worker start does.
      await Promise.all(runtimes.map((r) => r.runtime.feedAnnouncer.remember()));
      // Fetching without announcing, so that all four notice the change at once.
      const fetchQuietly = (rt: TestRuntime) => runCycle({ ...rt.runtime, feedAnnouncer: undefined }, { force: true });
      await fetchQuietly(runtimes[0]!);
      await Promise.all(runtimes.map((r) => r.runtime.feedAnnouncer.announce()));
      expect(hub.take().sort(), 'the first cycle').toEqual(EVERY_FEED);
      await Promise.all(runtimes.map((r) => r.runtime.feedAnnouncer.announce()));
      expect(hub.take(), 'nothing changed since').toEqual([]);

      for (let round = 1; round <= 3; round++) {
        addToTech(round);
        await fetchQuietly(runtimes[round % 4]!);
        await Promise.all(runtimes.map((r) => r.runtime.feedAnnouncer.announce()));
        expect(hub.take().sort(), `round ${round}`).toEqual(TECH_CHANGED);
      }
    } finally {
      for (const r of runtimes) await r.cleanup();
    }
  }, 60_000);

  describe('three `rundschau worker` processes', () => {
    let ws: Workspace | undefined;
    const workers: SpawnedCli[] = [];
    afterEach(async () => {
      for (const w of workers) {
        if (w.child.exitCode === null && w.child.signalCode === null) {
          w.child.kill('SIGTERM');
          await w.exited;
        }
      }
      workers.length = 0;
      ws?.cleanup();
    });

    it('ping the hub once per change, whichever of them fetched it', async () => {
      ws = createWorkspace(config());
      ws.env.DATABASE_URL = database!.url;
      for (let i = 0; i < 3; i++) {
        workers.push(
          spawnCli(['worker', '--config', ws.configPath, '--host', '127.0.0.1', '--port', '0'], {
            env: { ...ws.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info', RUNDSCHAU_TICK: '* * * * * *' },
          }),
        );
      }
      for (const w of workers) {
        await waitFor(
          () => {
            if (w.child.exitCode !== null) throw new Error(`worker exited: ${w.stderr}`);
            return logLines(w).some((l) => l.msg === 'rundschau worker is running') || undefined;
          },
          { timeoutMs: 60_000, what: () => `the worker to start; ${w.stderr}` },
        );
      }
      const pinged: string[] = [];
      await waitFor(() => pinged.push(...hub.take()) >= EVERY_FEED.length || undefined, {
        timeoutMs: 30_000,
        what: () => `the first cycle's pings (got ${pinged.length})`,
      });
      // Each worker runs a cycle and announces every second: a few seconds more would show any second ping.
      await sleep(4_000);
      pinged.push(...hub.take());
      expect(pinged.sort()).toEqual(EVERY_FEED);

      const db = new pg.Client({ connectionString: database!.url });
      await db.connect();
      try {
        for (let round = 1; round <= 3; round++) {
          addToTech(round);
          await db.query('update sources set next_fetch_at = 0');
          const again: string[] = [];
          await waitFor(() => again.push(...hub.take()) >= TECH_CHANGED.length || undefined, {
            timeoutMs: 30_000,
            what: () => `round ${round}'s pings (got ${again.length})`,
          });
          await sleep(4_000);
          again.push(...hub.take());
          expect(again.sort(), `round ${round}`).toEqual(TECH_CHANGED);
        }
      } finally {
        await db.end();
      }
    }, 180_000);
  });
});
