/**
 * WebSub: each public feed that advertises rel="hub" (all, categories, topics) is announced to the hub when it
 * changes — after a serve cycle and after a `rundschau fetch` run as cron starts it — and only then.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCycle } from '../../src/app/cycle.ts';
import { createWorkspace, runCli, type SpawnedCli, spawnCli, type Workspace, waitFor } from '../support/cli.ts';
import { type FeedEntry, rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults, type TestRuntime, testRuntime } from '../support/runtime.ts';
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

beforeAll(async () => {
  fixtures = await startFixtureServer();
  hub = recordingHub(fixtures);
});
afterAll(() => fixtures?.close());

function config(extra: { server?: object; topics?: object[] } = {}) {
  return {
    defaults: fastDefaults,
    server: { baseUrl: `${BASE}/`, websubHub: hub.url, ...extra.server },
    sources: [
      { url: fixtures.url('/tech.xml'), category: 'Tech' },
      { url: fixtures.url('/chat.xml'), category: 'Chatter' },
    ],
    topics: extra.topics ?? [{ slug: 'cloud', title: 'Cloud', rules: { terms: { any: { cloud: 2 } }, threshold: 1 } }],
  };
}

const entry = (id: string, title: string, date: string): FeedEntry => ({ id, title, date });

/** Every feed of `config()` that advertises the hub: all, both categories, the topic. */
const EVERY_FEED = new Set([
  ...urlsOf('/feeds/all'),
  ...urlsOf('/feeds/category/Tech'),
  ...urlsOf('/feeds/category/Chatter'),
  ...urlsOf('/feeds/cloud'),
]);

/** The distinct feeds announced since the last look. */
const announced = () => new Set(hub.take());

function resetFeeds() {
  hub.take();
  setFeed('/tech.xml', [entry('t1', 'Cloud prices fall', '2026-11-01T10:00:00Z')]);
  setFeed('/chat.xml', [entry('c1', 'Weekend chatter', '2026-11-01T09:00:00Z')]);
}

describe('after each fetch cycle in the serving process', () => {
  let rt: TestRuntime;
  beforeEach(() => resetFeeds());
  afterEach(async () => {
    await rt?.cleanup();
  });

  it('announces exactly the feeds that changed, and nothing when nothing did', async () => {
    rt = await testRuntime(config());
    await runCycle(rt.runtime, { force: true });
    const first = hub.take();
    expect(new Set(first)).toEqual(EVERY_FEED);
    expect(first).toHaveLength(12);

    await runCycle(rt.runtime, { force: true });
    expect(hub.take(), 'nothing changed').toEqual([]);

    // An older item outside the topic: everything, Tech, but neither Chatter nor the topic.
    setFeed('/tech.xml', [...feeds.get('/tech.xml')!, entry('t0', 'Printer news', '2026-10-01T10:00:00Z')]);
    await runCycle(rt.runtime, { force: true });
    expect(announced()).toEqual(new Set([...urlsOf('/feeds/all'), ...urlsOf('/feeds/category/Tech')]));

    // An edit of an item in the topic: the topic's feed too.
    setFeed('/tech.xml', [
      entry('t1', 'Cloud prices fall again', '2026-11-01T10:00:00Z'),
      entry('t0', 'Printer news', '2026-10-01T10:00:00Z'),
    ]);
    await runCycle(rt.runtime, { force: true });
    expect(announced()).toEqual(
      new Set([...urlsOf('/feeds/all'), ...urlsOf('/feeds/category/Tech'), ...urlsOf('/feeds/cloud')]),
    );
  });

  it("an editor's decision is announced at once, for the topic only", async () => {
    rt = await testRuntime(config());
    await runCycle(rt.runtime, { force: true });
    hub.take();
    const { store } = rt.runtime;
    const item = (await store.listItems({}, 10)).items.find((i) => i.title === 'Weekend chatter')!;
    await store.setTopicDecision('cloud', item.id, 'pinned');
    await rt.runtime.feedAnnouncer.announce();
    expect(announced()).toEqual(new Set(urlsOf('/feeds/cloud')));
  });

  it('with private reading only the public topic feeds are announced', async () => {
    rt = await testRuntime(
      config({
        server: { reading: 'private', passwordHash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==' },
        topics: [
          { slug: 'cloud', title: 'Cloud', rules: { terms: { any: { cloud: 2 } } } },
          { slug: 'secret', title: 'Secret', public: false, rules: { terms: { any: { cloud: 2 } } } },
        ],
      }),
    );
    await runCycle(rt.runtime, { force: true });
    expect(announced()).toEqual(new Set(urlsOf('/feeds/cloud')));
  });
});

describe('real processes', () => {
  let ws: Workspace;
  let serve: SpawnedCli | undefined;
  beforeEach(() => resetFeeds());
  afterEach(async () => {
    if (serve && serve.child.exitCode === null) {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    serve = undefined;
    ws?.cleanup();
  });

  it('a `rundschau fetch` run from cron announces what it changed before it exits', { timeout: 60_000 }, async () => {
    ws = createWorkspace(config());
    const first = await runCli(['fetch', '--config', ws.configPath, '--json'], { env: ws.env });
    expect(first.code, first.stderr).toBe(0);
    expect(announced()).toEqual(EVERY_FEED);
    setFeed('/chat.xml', [...feeds.get('/chat.xml')!, entry('c0', 'Older chatter', '2026-10-01T09:00:00Z')]);
    const second = await runCli(['fetch', '--all', '--config', ws.configPath, '--json'], { env: ws.env });
    expect(second.code, second.stderr).toBe(0);
    expect(announced()).toEqual(new Set([...urlsOf('/feeds/all'), ...urlsOf('/feeds/category/Chatter')]));
  });

  it('`rundschau serve` announces after its own cycles', { timeout: 60_000 }, async () => {
    ws = createWorkspace(config());
    serve = spawnCli(['serve', '--config', ws.configPath, '--port', '0'], { env: ws.env });
    const pinged: string[] = [];
    await waitFor(() => pinged.push(...hub.take()) >= 12, {
      timeoutMs: 30_000,
      what: () => `12 pings (got ${pinged.length}); stderr:\n${serve?.stderr}`,
    });
    expect(new Set(pinged)).toContain(`${BASE}/feeds/cloud.atom`);
    expect(new Set(pinged)).toContain(`${BASE}/feeds/category/Chatter.rss`);
  });
});
