import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FEED_FORMATS, paths } from '../../src/lib/links.ts';
import { ORIGIN, seed, type WebHarness, webHarness } from '../support/web.ts';

/**
 * Every link the app emits resolves: a crawl of every page of a seeded app, and of every link in the published
 * RSS, Atom and JSON feeds and the OPML, asserts that each same-origin link answers 2xx/3xx. And a feed's link to
 * "the same selection in the reader" lands on that selection, not on some page that merely answers 200.
 */

const MAX_PAGES = 400;

function decodeAttr(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Same-origin targets as path+query, or undefined for foreign links, fragments and non-http schemes. */
function local(href: string): string | undefined {
  if (href.startsWith('#') || href === '') return undefined;
  const url = new URL(href, `${ORIGIN}/`);
  if (url.origin !== ORIGIN) return undefined;
  return url.pathname + url.search;
}

/** GET links of an HTML page: anchors, `<link>`, scripts and images, and GET forms' actions. */
function htmlLinks(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<(a|link|script|img)\b[^>]*?\s(?:href|src)="([^"]*)"/g)) out.push(decodeAttr(m[2]!));
  for (const m of html.matchAll(/<form\b[^>]*method="get"[^>]*action="([^"]*)"/g)) out.push(decodeAttr(m[1]!));
  return out;
}

/** Every URL in a feed or OPML document: attributes named like URLs, `<link>` text, JSON `*url` members. */
function documentLinks(body: string, json: boolean): string[] {
  if (json) {
    const out: string[] = [];
    const walk = (v: unknown, key = ''): void => {
      if (typeof v === 'string' && /url$/i.test(key)) out.push(v);
      else if (Array.isArray(v)) for (const x of v) walk(x, key);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    walk(JSON.parse(body));
    return out;
  }
  const out = [...body.matchAll(/\s(?:href|url|xmlUrl|htmlUrl)="([^"]*)"/g)].map((m) => decodeAttr(m[1]!));
  for (const m of body.matchAll(/<link>([^<]+)<\/link>/g)) out.push(decodeAttr(m[1]!));
  return out;
}

/** The reader page a feed names as its HTML alternate. */
function alternateOf(body: string, format: string): string {
  if (format === 'json') return (JSON.parse(body) as { home_page_url: string }).home_page_url;
  if (format === 'rss') return decodeAttr(/<channel>[\s\S]*?<link>([^<]+)<\/link>/.exec(body)![1]!);
  return decodeAttr(/<link rel="alternate" href="([^"]+)"/.exec(body)![1]!);
}

describe('links', () => {
  let h: WebHarness;
  beforeEach(async () => {
    h = await webHarness({
      sources: [
        { url: 'https://heise.example/feed', title: 'Heise', category: 'Tech' },
        { url: 'https://cloud.example/feed', title: 'Cloud Blog', category: 'Cloud & Ops' },
      ],
      topics: [{ slug: 'cloud-native', title: 'Cloud Native' }],
    });
  });
  afterEach(() => h.close());

  it('every page and feed links only to what answers', async () => {
    await seed(h.store, 60);
    // The seed's categories as configured, so a category name needing escapes is among them.
    await h.store.syncSources(
      h.config.sources.map((s) => ({ ...s })),
      Date.now(),
    );
    const get = (path: string) => h.app.request(ORIGIN + path, { headers: { 'sec-fetch-site': 'same-origin' } });
    const feeds = [
      ...FEED_FORMATS.map((f) => paths.feed('all', f)),
      ...FEED_FORMATS.map((f) => paths.feed('cloud-native', f)),
      ...FEED_FORMATS.map((f) => paths.categoryFeed('Cloud & Ops', f)),
      paths.opml(),
    ];
    const queue = [paths.unread(), paths.sources(), paths.topics(), paths.help(), paths.search('item'), ...feeds];
    const seen = new Set(queue);
    const broken: string[] = [];
    let pages = 0;
    while (queue.length > 0 && pages < MAX_PAGES) {
      const path = queue.shift()!;
      const res = await get(path);
      pages++;
      if (res.status >= 400) {
        broken.push(`${path} → ${res.status}`);
        continue;
      }
      const type = res.headers.get('content-type') ?? '';
      const body = res.status === 200 ? await res.text() : '';
      const links = type.startsWith('text/html')
        ? htmlLinks(body)
        : /xml|json/.test(type)
          ? documentLinks(body, type.includes('json'))
          : [];
      for (const href of links) {
        const target = local(href);
        // Item pages of every item are alike: a few are enough once each list and pager has been followed.
        if (target && !seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
      }
    }
    expect(broken).toEqual([]);
    // The crawl went everywhere: sources, categories, items, pagers and the feeds' next pages.
    for (const kind of ['/sources/', '/categories/', '/items/', '?before=', '/feeds/all.atom?before=']) {
      expect(
        [...seen].some((p) => p.includes(kind)),
        kind,
      ).toBe(true);
    }
  });

  it("a feed's link to the reader opens the same selection", async () => {
    await seed(h.store, 3);
    await h.store.syncSources(
      h.config.sources.map((s) => ({ ...s })),
      Date.now(),
    );
    const expected: [string, string, string][] = [];
    for (const format of FEED_FORMATS) {
      expected.push([paths.feed('all', format), paths.all(), 'All items']);
      expected.push([paths.categoryFeed('Cloud & Ops', format), paths.category('Cloud & Ops'), 'Cloud &amp; Ops']);
      expected.push([paths.feed('cloud-native', format), paths.topic('cloud-native'), 'Cloud Native']);
    }
    for (const [feed, page, heading] of expected) {
      const format = feed.split('.').pop()!;
      const body = await (await h.app.request(ORIGIN + feed)).text();
      const alternate = alternateOf(body, format);
      expect(local(alternate), feed).toBe(page);
      const html = await (await h.app.request(alternate)).text();
      expect(/<h1>([^<]*)<\/h1>/.exec(html)?.[1], feed).toBe(heading);
    }
  });
});
