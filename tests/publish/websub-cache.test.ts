import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedCache } from '../../src/publish/cache.ts';
import { pingHub, topicFeedUrls } from '../../src/publish/websub.ts';
import { type FixtureServer, startFixtureServer } from '../support/fixture-server.ts';
import { type RecordingHub, recordingHub } from '../support/websub.ts';

describe('pingHub', () => {
  let hub: FixtureServer;
  let recorder: RecordingHub;

  beforeAll(async () => {
    hub = await startFixtureServer();
    recorder = recordingHub(hub);
    hub.route('/broken', { status: 500, body: 'no' });
  });
  afterAll(() => hub?.close());

  it('POSTs hub.mode=publish for each feed URL', async () => {
    const urls = topicFeedUrls('https://news.example/rundschau/', 'cloud');
    expect(urls).toEqual([
      'https://news.example/rundschau/feeds/cloud.rss',
      'https://news.example/rundschau/feeds/cloud.atom',
      'https://news.example/rundschau/feeds/cloud.json',
    ]);
    const results = await pingHub(recorder.url, urls);
    expect(results.every((r) => r.ok && r.status === 204)).toBe(true);
    expect(hub.requestsFor('/hub').every((r) => r.method === 'POST')).toBe(true);
    const params = recorder.requests.map((r) => Object.fromEntries(r.params));
    expect(recorder.requests.every((r) => r.contentType?.startsWith('application/x-www-form-urlencoded'))).toBe(true);
    expect(params.map((p) => p['hub.url']).sort()).toEqual([...urls].sort());
    expect(params.every((p) => p['hub.mode'] === 'publish')).toBe(true);
  });

  it('reports failures instead of throwing', async () => {
    const [failed] = await pingHub(hub.url('/broken'), ['https://x.example/feeds/a.rss']);
    expect(failed).toMatchObject({ ok: false, status: 500 });
    const [unreachable] = await pingHub('http://127.0.0.1:1/hub', ['https://x.example/feeds/a.rss'], 2000);
    expect(unreachable!.ok).toBe(false);
    expect(unreachable!.error).toBeTruthy();
  });
});

describe('FeedCache', () => {
  const entry = (size: number, lastModifiedMs = 0) => ({
    body: new Uint8Array(size),
    gzip: new Uint8Array(1),
    lastModifiedMs,
  });

  it('evicts the least recently used entry beyond its bounds', () => {
    const cache = new FeedCache({ maxEntries: 2 });
    cache.set('a', 'g1', 's', entry(1));
    cache.set('b', 'g2', 's', entry(1));
    cache.get('a');
    cache.set('c', 'g3', 's', entry(1));
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('b')).toBeUndefined();
    const bySize = new FeedCache({ maxBytes: 100 });
    bySize.set('x', 'g', 's', entry(60));
    bySize.set('y', 'h', 's', entry(60));
    expect(bySize.get('x')).toBeUndefined();
    expect(bySize.size).toBe(1);
  });

  it("drops a feed's entries when its stamp changes", () => {
    const cache = new FeedCache();
    cache.set('v1-rss', 'topic/cloud', 'v1', entry(1));
    cache.set('v1-atom', 'topic/cloud', 'v1', entry(1));
    cache.set('other', 'topic/other', 'v1', entry(1));
    cache.set('v2-rss', 'topic/cloud', 'v2', entry(1));
    expect(cache.get('v1-rss')).toBeUndefined();
    expect(cache.get('v1-atom')).toBeUndefined();
    expect(cache.get('other')).toBeDefined();
    expect(cache.size).toBe(2);
  });

  it('renders concurrent misses once', async () => {
    const cache = new FeedCache();
    let renders = 0;
    const render = async () => {
      renders++;
      await new Promise((r) => setTimeout(r, 10));
      return entry(3);
    };
    const results = await Promise.all([1, 2, 3].map(() => cache.getOrRender('k', 'g', 's', render)));
    expect(renders).toBe(1);
    expect(new Set(results).size).toBe(1);
  });
});
