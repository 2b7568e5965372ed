import { gunzipSync } from 'node:zlib';
import { decodeHTML } from 'entities';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemTagId } from '../../src/publish/ids.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';
import { makeItem, makeSource } from '../support/items.ts';
import { type ServedApp, serveFeeds } from './app.ts';
import { feedparserParse, feedparserSkip, newsboatErrors, newsboatRead, newsboatSkip } from './clients.ts';

const A = 'https://a.example/feed.xml?x=1&y=2';
const B = 'https://b.example/feed.xml';
const C = 'https://c.example/chatty.xml';
const TRICKY = 'Fish & Chips <3 "Quote" Grüße 🎉\u0007';
const TRICKY_CLEAN = 'Fish & Chips <3 "Quote" Grüße 🎉';
const T0 = Date.UTC(2026, 3, 1, 12);
const minutes = (n: number) => T0 - n * 60_000;

const config = {
  sources: [
    makeSource(A, { title: 'Alpha & <Söhne>', category: 'Tech' }),
    makeSource(B, { title: 'Beta "News"', category: 'Tech' }),
    makeSource(C, { title: 'Chatty', category: 'Chatter' }),
  ],
  topics: [
    { slug: 'cloud', title: 'Cloud & <Co>', description: 'Wolken', perSourceCap: 3 },
    { slug: 'empty', title: 'Empty', languages: ['en'] },
  ],
};

let store: Store;
let app: ServedApp;
const ids = new Map<string, number>(); // uid -> row id

async function fetchText(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(app.url(path), { headers });
  return { res, text: await res.text() };
}

beforeAll(async () => {
  store = await openStore(':memory:');
  await store.syncSources(config.sources as never, T0);
  const sources = new Map((await store.listSources()).map((s) => [s.configUrl, s.id]));
  const batches: [string, ReturnType<typeof makeItem>[]][] = [
    [
      A,
      [
        makeItem({
          uid: 'a1',
          title: TRICKY,
          language: 'de',
          publishedAt: minutes(1),
          categories: ['a<b & "c"', 'Wolke'],
        }),
        makeItem({ uid: 'a2', language: 'de', publishedAt: minutes(20), author: 'Jörg' }),
        makeItem({ uid: 'a3', language: 'de', publishedAt: minutes(30) }),
        makeItem({ uid: 'a4', language: 'de', publishedAt: minutes(40) }),
      ],
    ],
    [B, ['b1', 'b2', 'b3'].map((uid, i) => makeItem({ uid, publishedAt: minutes(5 + i * 10) }))],
    [C, Array.from({ length: 8 }, (_, i) => makeItem({ uid: `c${i + 1}`, publishedAt: minutes(2 + i * 5) }))],
  ];
  for (const [url, items] of batches) {
    const result = await store.upsertItems(sources.get(url)!, items, T0);
    for (const row of result.inserted) ids.set(row.uid, row.id);
  }
  // b2 (15 min ago) reports the same story as a2 (20 min ago): a2 is the earlier report.
  await store.setStoryKeys([
    { itemId: ids.get('a2')!, storyKey: 'story-1' },
    { itemId: ids.get('b2')!, storyKey: 'story-1' },
  ]);
  for (const t of config.topics)
    await store.upsertTopic({ ...t, description: t.description ?? '', rulesHash: 'r1' }, T0);
  await scoreAll(1);
  app = await serveFeeds(store, config);
});

afterAll(async () => {
  await app?.close();
  await store?.close();
});

async function scoreAll(score: number) {
  const all = await store.listItems({}, 1000);
  await store.saveTopicScores(
    'cloud',
    all.items.map((i) => ({ itemId: i.id, score, included: true, evidence: {}, publishedAt: i.publishedAt })),
    T0,
  );
}

const idOf = (url: string, uid: string) => itemTagId(url, uid);
/** The cloud topic's first page: story b2 hidden behind a2, at most 3 per source. */
const CLOUD_FIRST_PAGE = [
  [A, 'a1'],
  [C, 'c1'],
  [B, 'b1'],
  [C, 'c2'],
  [C, 'c3'],
  [A, 'a2'],
  [B, 'b3'],
  [A, 'a3'],
].map(([url, uid]) => idOf(url!, uid!));

describe.skipIf(!!feedparserSkip)(`feeds read by feedparser ${feedparserSkip}`, () => {
  it.each(['rss', 'atom'])('/feeds/cloud.%s parses cleanly with the right items', async (format) => {
    const parsed = await feedparserParse(app.url(`/feeds/cloud.${format}`));
    expect(parsed.bozo, parsed.bozoException ?? '').toBe(false);
    expect(parsed.status).toBe(200);
    expect(parsed.version).toBe(format === 'rss' ? 'rss20' : 'atom10');
    expect(parsed.feed.title).toBe('Cloud & <Co>');
    expect(parsed.entries.map((e) => e.id)).toEqual(CLOUD_FIRST_PAGE);
    const first = parsed.entries[0]!;
    expect(first.titleType === 'text/html' ? decodeHTML(first.title) : first.title).toBe(TRICKY_CLEAN);
    expect(first.tags).toEqual(['a<b & "c"', 'Wolke']);
    expect(first.source?.title).toBe('Alpha & <Söhne>');
    expect(first.publishedIso).toBe(new Date(minutes(1)).toISOString().replace('.000Z', '+00:00'));
    const links = Object.fromEntries(parsed.feed.links.map((l) => [l.rel, l.href]));
    expect(links.self).toBe(app.url(`/feeds/cloud.${format}`));
    expect(links.alternate).toBe(app.url('/topics/cloud'));
    expect(links.first).toBe(app.url(`/feeds/cloud.${format}`));
    expect(links.next).toBeUndefined();
  });

  it('the story is published once, with "also reported by"', async () => {
    const parsed = await feedparserParse(app.url('/feeds/cloud.atom'));
    const a2 = parsed.entries.find((e) => e.id === idOf(A, 'a2'))!;
    expect(a2.content.join('')).toContain('Also reported by');
    expect(a2.content.join('')).toContain('https://example.org/b2');
    expect(parsed.entries.some((e) => e.id === idOf(B, 'b2'))).toBe(false);
  });

  it('an empty topic is a valid feed', async () => {
    for (const format of ['rss', 'atom']) {
      const parsed = await feedparserParse(app.url(`/feeds/empty.${format}`));
      expect(parsed.bozo, parsed.bozoException ?? '').toBe(false);
      expect(parsed.entries).toEqual([]);
      expect(parsed.feed.title).toBe('Empty');
    }
  });

  it('rel="next" links walk every item once', async () => {
    for (const format of ['atom', 'rss']) {
      const seen: string[] = [];
      let url: string | undefined = app.url(`/feeds/all.${format}?limit=4`);
      let pages = 0;
      while (url && pages++ < 20) {
        const parsed = await feedparserParse(url);
        expect(parsed.bozo, parsed.bozoException ?? '').toBe(false);
        seen.push(...parsed.entries.map((e) => e.id));
        const links = Object.fromEntries(parsed.feed.links.map((l) => [l.rel, l.href]));
        expect(links.first).toBe(app.url(`/feeds/all.${format}?limit=4`));
        url = links.next;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toHaveLength(14); // 15 items, b2 folded into a2's story
    }
  });
});

describe.skipIf(!!newsboatSkip)(`feeds read by newsboat ${newsboatSkip}`, () => {
  it.each(['rss', 'atom'])('newsboat reads /feeds/cloud.%s', async (format) => {
    const { items, log } = await newsboatRead([app.url(`/feeds/cloud.${format}`)]);
    expect(newsboatErrors(log)).toEqual([]);
    expect(items.map((i) => i.guid).sort()).toEqual([...CLOUD_FIRST_PAGE].sort());
    const tricky = items.find((i) => i.guid === idOf(A, 'a1'))!;
    expect(tricky.title).toBe(TRICKY_CLEAN);
    expect(tricky.pubDate).toBe(minutes(1) / 1000);
    expect(items.find((i) => i.guid === idOf(A, 'a2'))!.author).toBe('Jörg');
  });

  it('newsboat reads the all and category feeds', async () => {
    const { items, log } = await newsboatRead([app.url('/feeds/all.rss'), app.url('/feeds/category/Chatter.atom')]);
    expect(newsboatErrors(log)).toEqual([]);
    expect(new Set(items.map((i) => i.guid)).size).toBe(14);
  });
});

describe('HTTP behaviour', () => {
  it('answers with content type, caching headers and gzip', async () => {
    const expected = { rss: 'application/rss+xml', atom: 'application/atom+xml', json: 'application/feed+json' };
    for (const [format, type] of Object.entries(expected)) {
      const res = await fetch(app.url(`/feeds/cloud.${format}`), { headers: { 'accept-encoding': 'gzip' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(`${type}; charset=utf-8`);
      expect(res.headers.get('cache-control')).toBe('public, max-age=300');
      expect(res.headers.get('content-encoding')).toBe('gzip');
      expect(res.headers.get('etag')).toMatch(/^W\/".+"$/);
      // The later of the newest entry (a minute before T0) and the topic's last change (scored at T0).
      expect(res.headers.get('last-modified')).toBe(new Date(T0).toUTCString());
      await res.arrayBuffer();
    }
    const raw = await new Promise<Buffer>((resolve, reject) => {
      import('node:http').then(({ get }) =>
        get(app.url('/feeds/cloud.atom'), { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        }).on('error', reject),
      );
    });
    expect(gunzipSync(raw).toString()).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
  });

  it('answers 304 for a matching ETag or an unchanged If-Modified-Since', async () => {
    const { res } = await fetchText('/feeds/cloud.atom');
    const etag = res.headers.get('etag')!;
    const lastModified = res.headers.get('last-modified')!;
    const byEtag = await fetch(app.url('/feeds/cloud.atom'), { headers: { 'if-none-match': etag } });
    expect(byEtag.status).toBe(304);
    expect(byEtag.headers.get('etag')).toBe(etag);
    const byDate = await fetch(app.url('/feeds/cloud.atom'), { headers: { 'if-modified-since': lastModified } });
    expect(byDate.status).toBe(304);
    const older = new Date(Date.parse(lastModified) - 1000).toUTCString();
    expect((await fetch(app.url('/feeds/cloud.atom'), { headers: { 'if-modified-since': older } })).status).toBe(200);
    // Another format or query is another representation with its own ETag.
    const other = await fetch(app.url('/feeds/cloud.atom?limit=3'), { headers: { 'if-none-match': etag } });
    expect(other.status).toBe(200);
    await other.text();
  });

  it('a cached feed costs one getTopic query', async () => {
    await fetchText('/feeds/cloud.json');
    app.calls.length = 0;
    const { res } = await fetchText('/feeds/cloud.json');
    expect(res.status).toBe(200);
    expect(app.calls).toEqual(['getTopic']);
  });

  it('an item whose content changes keeps its id in all three formats, and the ETag changes', async () => {
    const formats = ['rss', 'atom', 'json'] as const;
    const before = await Promise.all(formats.map((f) => fetchText(`/feeds/cloud.${f}`)));
    const a3 = idOf(A, 'a3');
    for (const { text } of before) expect(text).toContain(a3);
    const sourceId = (await store.findSourceByUrl(A))!.id;
    const changed = await store.upsertItems(sourceId, [
      makeItem({ uid: 'a3', language: 'de', publishedAt: minutes(30), contentHtml: '<p>Rewritten body</p>' }),
    ]);
    expect(changed.updated).toHaveLength(1);
    await scoreAll(2); // re-scoring after ingest bumps the topic's version
    const after = await Promise.all(
      formats.map((f, i) => fetchText(`/feeds/cloud.${f}`, { 'if-none-match': before[i]!.res.headers.get('etag')! })),
    );
    for (const [i, { res, text }] of after.entries()) {
      expect(res.status, formats[i]).toBe(200);
      expect(text).toContain('Rewritten body');
      expect(text).toContain(a3);
      expect(text.split(a3).length).toBe(before[i]!.text.split(a3).length);
    }
  });

  it('serves JSON Feed 1.1', async () => {
    const json = JSON.parse((await fetchText('/feeds/cloud.json')).text);
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.feed_url).toBe(app.url('/feeds/cloud.json'));
    expect(json.home_page_url).toBe(app.url('/topics/cloud'));
    expect(json.items.map((i: { id: string }) => i.id)).toEqual(CLOUD_FIRST_PAGE);
    const a2 = json.items.find((i: { id: string }) => i.id === idOf(A, 'a2'));
    expect(a2._source).toMatchObject({ title: 'Alpha & <Söhne>', feed_url: A });
    expect(a2._source.also).toEqual([expect.objectContaining({ id: idOf(B, 'b2'), source: 'Beta "News"' })]);
    expect(a2).toMatchObject({ language: 'de', authors: [{ name: 'Jörg' }] });
    expect(a2.date_published).toBe(new Date(minutes(20)).toISOString());
  });

  it('filters by language and bounds the limit', async () => {
    const de = JSON.parse((await fetchText('/feeds/cloud.json?lang=de')).text);
    expect(de.language).toBe('de');
    expect(de.items.every((i: { language: string }) => i.language === 'de')).toBe(true);
    expect(de.items).toHaveLength(3);
    const one = JSON.parse((await fetchText('/feeds/all.json?limit=1')).text);
    expect(one.items).toHaveLength(1);
    expect(one.next_url).toContain('limit=1');
    const capped = await fetchText('/feeds/all.atom?limit=100000');
    expect(capped.res.status).toBe(200);
    expect(capped.text).toContain(
      '<link rel="self" href="' + app.url('/feeds/all.atom?limit=200').replace(/&/g, '&amp;'),
    );
    expect((await fetchText('/feeds/all.atom?limit=0')).res.status).toBe(400);
    expect((await fetchText('/feeds/all.atom?lang=<x>')).res.status).toBe(400);
    expect((await fetchText('/feeds/all.atom?before=nonsense')).res.status).toBe(400);
  });

  it('serves category feeds and 404s for unknown feeds', async () => {
    const chatter = JSON.parse((await fetchText('/feeds/category/Chatter.json')).text);
    expect(chatter.items).toHaveLength(8);
    expect((await fetchText('/feeds/category/Nope.rss')).res.status).toBe(404);
    expect((await fetchText('/feeds/nope.rss')).res.status).toBe(404);
    expect((await fetchText('/feeds/cloud.xml')).res.status).toBe(404);
  });

  it('uses the configured baseUrl and announces the WebSub hub', async () => {
    app.setConfig(
      (await import('../../src/config/schema.ts')).configSchema.parse({
        ...config,
        server: { baseUrl: 'https://news.example.org/rundschau/', websubHub: 'https://hub.example/' },
      }),
    );
    try {
      const { res, text } = await fetchText('/feeds/cloud.atom');
      expect(text).toContain('<link rel="hub" href="https://hub.example/"/>');
      expect(text).toContain('<link rel="self" href="https://news.example.org/rundschau/feeds/cloud.atom"/>');
      expect(res.headers.get('link')).toBe(
        '<https://news.example.org/rundschau/feeds/cloud.atom>; rel="self", <https://hub.example/>; rel="hub"',
      );
      const rss = (await fetchText('/feeds/cloud.rss')).text;
      expect(rss).toContain('<atom:link href="https://hub.example/" rel="hub"/>');
      const json = JSON.parse((await fetchText('/feeds/cloud.json')).text);
      expect(json.hubs).toEqual([{ type: 'WebSub', url: 'https://hub.example/' }]);
    } finally {
      app.setConfig((await import('../../src/config/schema.ts')).configSchema.parse(config));
    }
  });

  it('serves all sources as OPML by category, with 304', async () => {
    const { res, text } = await fetchText('/opml.xml');
    expect(res.headers.get('content-type')).toBe('text/x-opml; charset=utf-8');
    expect(text).toContain('<outline text="Chatter" title="Chatter">');
    expect(text).toContain('xmlUrl="https://a.example/feed.xml?x=1&amp;y=2"');
    const again = await fetch(app.url('/opml.xml'), { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });
});
