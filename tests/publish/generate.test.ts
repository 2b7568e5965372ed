import { decodeHTML } from 'entities';
import { describe, expect, it } from 'vitest';
import type { FeedFormat } from '../../src/lib/links.ts';
import { renderFeed } from '../../src/publish/generate.ts';
import { itemTagId } from '../../src/publish/ids.ts';
import { feedparserParseText, feedparserSkip, validateFeed, validatorSkip } from './clients.ts';
import { feedDescription, publishedItem } from './fixtures.ts';

const RFC822 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const TRICKY_TITLE = 'Fish & Chips <3 "Quote" &amp; Grüße 🎉\u0007\u001b end';
const CLEAN_TITLE = 'Fish & Chips <3 "Quote" &amp; Grüße 🎉 end';
const TRICKY_CATEGORY = 'a<b & "c" Ünïcode';
const TRICKY_SOURCE = 'Heise & "Co" <News>';

function tricky() {
  return publishedItem({
    id: 1,
    title: TRICKY_TITLE,
    categories: [TRICKY_CATEGORY, 'Cloud'],
    author: 'Jörg "J" <jm>',
    sourceTitle: TRICKY_SOURCE,
    sourceUrl: 'https://news.example/feed?a=1&b=2',
    link: 'https://news.example/a?x=1&y="2"',
    contentHtml: '<p>Body &amp; soul \u0000 ]]> end 🎉</p>',
    enclosures: [{ url: 'https://cdn.example/ep.mp3?a=1&b=2', type: 'audio/mpeg', length: 1234 }],
  });
}

function tags(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}(?: [^>]*)?>([^<]*)</${name}>`, 'g'))].map((m) => m[1]!);
}

describe('renderFeed structure', () => {
  const items = [publishedItem({ id: 10 }), publishedItem({ id: 11, updatedAt: Date.UTC(2026, 2, 5) })];
  const entries = items.map((item) => ({ item, also: [] }));

  it('RSS 2.0 has the required elements and RFC 822 dates', () => {
    const xml = renderFeed(feedDescription({ selfUrl: 'http://127.0.0.1:9/feeds/cloud.rss' }), entries, 'rss');
    expect(xml).toMatch(/<rss version="2.0"/);
    for (const el of ['title', 'link', 'description', 'lastBuildDate']) expect(xml).toContain(`<${el}>`);
    const dates = [...tags(xml, 'pubDate'), ...tags(xml, 'lastBuildDate')];
    expect(dates).toHaveLength(3);
    for (const d of dates) expect(d).toMatch(RFC822);
    // The feed's date is its newest item's, not the time of rendering.
    expect(tags(xml, 'lastBuildDate')[0]).toBe(new Date(Date.UTC(2026, 2, 5)).toUTCString());
    expect(xml).toContain('<guid isPermaLink="false">tag:rundschau,2026:');
    expect(xml).toContain('rel="self"');
    expect(xml).toContain('rel="first"');
  });

  it('Atom 1.0 has the required elements and RFC 3339 dates', () => {
    const xml = renderFeed(feedDescription(), entries, 'atom');
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    const dates = [...tags(xml, 'updated'), ...tags(xml, 'published')];
    expect(dates).toHaveLength(5);
    for (const d of dates) expect(d).toMatch(RFC3339);
    expect(tags(xml, 'updated')[0]).toBe('2026-03-05T00:00:00.000Z');
    expect(tags(xml, 'id').filter((id) => id.startsWith('tag:rundschau,2026:'))).toHaveLength(3 + 2); // feed, entries, sources
    expect((xml.match(/<source>/g) ?? []).length).toBe(2);
    expect(xml).toContain('<author>');
  });

  it('JSON Feed 1.1 has version, authors, language, ids, content and _source', () => {
    const json = JSON.parse(renderFeed(feedDescription({ language: 'de' }), entries, 'json'));
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.author).toBeUndefined();
    expect(json.authors).toEqual([{ name: 'rundschau' }]);
    expect(json.language).toBe('de');
    expect(json.items).toHaveLength(2);
    for (const item of json.items) {
      expect(item.id).toMatch(/^tag:rundschau,2026:[0-9a-f]{40}$/);
      expect(item.url).toMatch(/^https:\/\/news\.example\/articles\/\d+$/);
      expect(item.content_html).toContain('<p>Body of article');
      expect(item.date_published).toMatch(RFC3339);
      expect(item.date_modified).toMatch(RFC3339);
      expect(item.authors).toEqual([{ name: 'Ada Autor' }]);
      expect(item.author).toBeUndefined();
      expect(item.language).toBe('de');
      expect(item._source).toMatchObject({
        title: 'Example News',
        feed_url: 'https://news.example/feed.xml',
        also: [],
      });
    }
  });

  it.each(['rss', 'atom', 'json'] as FeedFormat[])('an empty %s feed is still valid and dated', async (format) => {
    const out = renderFeed(feedDescription(), [], format);
    if (format === 'json') {
      expect(JSON.parse(out)).toMatchObject({ version: 'https://jsonfeed.org/version/1.1', items: [] });
      return;
    }
    expect(out).toContain(format === 'rss' ? 'Thu, 01 Jan 2026 00:00:00 GMT' : '2026-01-01T00:00:00.000Z');
    if (feedparserSkip) return;
    const parsed = await feedparserParseText(out);
    expect(parsed.bozo, parsed.bozoException ?? '').toBe(false);
    expect(parsed.entries).toHaveLength(0);
  });

  it('survives invalid and out-of-range dates', () => {
    const broken = publishedItem({ publishedAt: Number.NaN, updatedAt: 8.64e15 });
    for (const format of ['rss', 'atom', 'json'] as FeedFormat[]) {
      const out = renderFeed(feedDescription(), [{ item: broken, also: [] }], format);
      expect(out).not.toContain('Invalid Date');
    }
  });
});

describe('renderFeed escaping', () => {
  const entries = [{ item: tricky(), also: [] }];

  it.each(['rss', 'atom', 'json'] as FeedFormat[])(
    '%s removes control characters and keeps umlauts and emoji',
    (format) => {
      const out = renderFeed(feedDescription({ title: 'Grüße & <Cloud> 🎉\u0001' }), entries, format);
      expect(out).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
      expect(out).toContain('Grüße');
      expect(out).toContain('🎉');
    },
  );

  it('escapes &, < and " in XML attributes we and the feed package write', () => {
    const atom = renderFeed(feedDescription(), entries, 'atom');
    expect(atom).toContain('<category term="a&lt;b &amp; &quot;c&quot; Ünïcode"/>');
    expect(atom).toContain('<title>Heise &amp; &quot;Co&quot; &lt;News&gt;</title>');
    expect(atom).toContain('href="https://cdn.example/ep.mp3?a=1&amp;b=2" type="audio/mpeg" length="1234"');
    const rss = renderFeed(feedDescription(), entries, 'rss');
    expect(rss).toContain(
      '<source url="https://news.example/feed?a=1&amp;b=2">Heise &amp; &quot;Co&quot; &lt;News&gt;</source>',
    );
    expect(rss).toContain('<category>a&lt;b &amp; &quot;c&quot; Ünïcode</category>');
    expect(rss).toContain('<enclosure length="1234" type="audio/mpeg" url="https://cdn.example/ep.mp3?a=1&amp;b=2"/>');
    // CDATA cannot hold "]]>": the section is split there, the text itself unchanged.
    expect(rss).toContain(']]]]><![CDATA[> end');
  });

  it.skipIf(!!feedparserSkip)('feedparser reads titles, categories, authors and sources back unchanged', async () => {
    for (const format of ['rss', 'atom'] as FeedFormat[]) {
      const parsed = await feedparserParseText(renderFeed(feedDescription({ title: 'A & <B> "C"' }), entries, format));
      expect(parsed.bozo, `${format}: ${parsed.bozoException}`).toBe(false);
      expect(parsed.feed.title).toBe('A & <B> "C"');
      const [entry] = parsed.entries;
      // Atom titles are type="html": feedparser hands back HTML, which must decode to the plain title.
      const title = entry!.titleType === 'text/html' ? decodeHTML(entry!.title) : entry!.title;
      expect(title, format).toBe(CLEAN_TITLE);
      expect(entry!.tags).toEqual([TRICKY_CATEGORY, 'Cloud']);
      expect(entry!.author).toBe('Jörg "J" <jm>');
      expect(entry!.source?.title).toBe(TRICKY_SOURCE);
      expect(entry!.link).toBe('https://news.example/a?x=1&y=%222%22');
      expect(entry!.id).toBe(itemTagId('https://news.example/feed?a=1&b=2', 'uid-1'));
    }
  });

  const HOSTILE = '<img src=x onerror=alert(1)>';
  const hostile = [
    { item: publishedItem({ id: 31, title: HOSTILE }), also: [] },
    { item: publishedItem({ id: 32, title: 'a ]]> b ]]> c' }), also: [] },
    { item: publishedItem({ id: 33, title: 'x ]]> <b>y</b>' }), also: [] },
  ];

  it('writes every "]]>" of a title by splitting the CDATA section', () => {
    const rss = renderFeed(feedDescription(), hostile, 'rss');
    expect(rss).toContain('<title><![CDATA[a ]]]]><![CDATA[> b ]]]]><![CDATA[> c]]></title>');
    expect(rss).not.toContain(']] >');
  });

  it.skipIf(!!feedparserSkip)(
    'feedparser receives a markup title as escaped text and "]]>" exactly as written',
    async () => {
      for (const format of ['rss', 'atom'] as FeedFormat[]) {
        const parsed = await feedparserParseText(renderFeed(feedDescription(), hostile, format));
        expect(parsed.bozo, `${format}: ${parsed.bozoException}`).toBe(false);
        const [img, cdata, mixed] = parsed.entries;
        // HTML that shows the text: no element reaches the subscriber.
        expect(img!.titleType, format).toBe('text/html');
        expect(img!.title, format).toBe('&lt;img src=x onerror=alert(1)&gt;');
        expect(decodeHTML(img!.title)).toBe(HOSTILE);
        expect(cdata!.titleType === 'text/html' ? decodeHTML(cdata!.title) : cdata!.title, format).toBe(
          'a ]]> b ]]> c',
        );
        expect(mixed!.title, format).not.toContain('<b>');
        expect(decodeHTML(mixed!.title), format).toBe('x ]]> <b>y</b>');
      }
    },
  );

  it.skipIf(!!validatorSkip)('the W3C validator accepts feeds with such titles', { timeout: 60_000 }, async () => {
    const types = { rss: 'application/rss+xml', atom: 'application/atom+xml' } as const;
    for (const [format, type] of Object.entries(types)) {
      const { valid, report } = await validateFeed(renderFeed(feedDescription(), hostile, format as FeedFormat), type);
      expect(valid, `${format}:\n${report}`).toBe(true);
    }
  });

  it('JSON keeps plain strings', () => {
    const json = JSON.parse(renderFeed(feedDescription(), entries, 'json'));
    const [item] = json.items;
    expect(item.title).toBe(CLEAN_TITLE);
    expect(item.tags).toEqual([TRICKY_CATEGORY, 'Cloud']);
    expect(item.authors).toEqual([{ name: 'Jörg "J" <jm>' }]);
    expect(item._source.title).toBe(TRICKY_SOURCE);
    expect(item.attachments).toEqual([
      { url: 'https://cdn.example/ep.mp3?a=1&b=2', mime_type: 'audio/mpeg', size_in_bytes: 1234 },
    ]);
  });
});

describe('renderFeed identity and attribution', () => {
  it.each(['rss', 'atom', 'json'] as FeedFormat[])('%s: an item whose content changes keeps its id', (format) => {
    const before = publishedItem({ id: 5, uid: 'stable-uid' });
    const after = {
      ...before,
      id: 99,
      title: 'Changed title',
      contentHtml: '<p>new</p>',
      changedAt: before.changedAt + 3_600_000,
    };
    const id = itemTagId(before.sourceUrl, 'stable-uid');
    const first = renderFeed(feedDescription(), [{ item: before, also: [] }], format);
    const second = renderFeed(feedDescription(), [{ item: after, also: [] }], format);
    expect(first).toContain(id);
    expect(second).toContain(id);
    expect(second).not.toContain('/99');
  });

  it('lists the other reports of a story as "also reported by"', () => {
    const main = publishedItem({ id: 20, storyKey: 's1' });
    const other = publishedItem({ id: 21, storyKey: 's1', sourceTitle: 'Other & Co', link: 'https://other.example/x' });
    const entries = [{ item: main, also: [other] }];
    const atom = renderFeed(feedDescription(), entries, 'atom');
    expect(atom).toContain('Also reported by');
    expect(atom).toContain('<a href="https://other.example/x">Other &amp; Co: Article 21</a>');
    const json = JSON.parse(renderFeed(feedDescription(), entries, 'json'));
    expect(json.items[0]._source.also).toEqual([
      {
        id: itemTagId(other.sourceUrl, other.uid),
        title: 'Article 21',
        url: 'https://other.example/x',
        source: 'Other & Co',
        feed_url: other.sourceUrl,
      },
    ]);
  });

  it.each(['rss', 'atom', 'json'] as FeedFormat[])(
    '%s: an item without a link has none (not the source site or the reader page)',
    (format) => {
      const linkless = publishedItem({ id: 30, link: null });
      const other = publishedItem({ id: 31, storyKey: 's2', sourceTitle: 'Other', link: null });
      const out = renderFeed(feedDescription(), [{ item: linkless, also: [other] }], format);
      if (format === 'json') {
        const item = JSON.parse(out).items[0];
        expect(item.url).toBeUndefined();
        expect(item._source.also[0].url).toBeUndefined();
        expect(item.content_html).toContain('<li>Other: Article 31</li>');
      } else {
        const entryXml = out.slice(out.indexOf(format === 'rss' ? '<item>' : '<entry'));
        expect(entryXml).not.toMatch(/<link>|<link\/>|<link href=/);
        expect(entryXml).toContain('<li>Other: Article 31</li>');
      }
    },
  );

  it.skipIf(!!feedparserSkip)('feedparser reads an item without a link as linkless', async () => {
    const item = publishedItem({ id: 32, link: null });
    for (const format of ['rss', 'atom'] as FeedFormat[]) {
      const parsed = await feedparserParseText(renderFeed(feedDescription(), [{ item, also: [] }], format));
      expect(parsed.bozo, `${format}: ${parsed.bozoException}`).toBe(false);
      // feedparser offers an Atom entry's id as its link when it has none; RSS guids are not permalinks.
      expect(parsed.entries[0]?.link ?? null, format).toBe(
        format === 'atom' ? itemTagId(item.sourceUrl, item.uid) : null,
      );
    }
  });

  it('writes paging and hub links', () => {
    const desc = feedDescription({
      nextUrl: 'http://127.0.0.1:9/feeds/cloud.atom?before=abc&lang=de',
      hubUrl: 'https://hub.example/',
    });
    const atom = renderFeed(desc, [], 'atom');
    expect(atom).toContain('<link rel="next" href="http://127.0.0.1:9/feeds/cloud.atom?before=abc&amp;lang=de"/>');
    expect(atom).toContain('<link rel="hub" href="https://hub.example/"/>');
    const rss = renderFeed({ ...desc, selfUrl: desc.formatUrls.rss }, [], 'rss');
    expect(rss).toContain('<atom:link rel="next"');
    expect(rss).toContain('<atom:link href="https://hub.example/" rel="hub"/>');
    const json = JSON.parse(renderFeed(desc, [], 'json'));
    expect(json.next_url).toBe(desc.nextUrl);
    expect(json.hubs).toEqual([{ type: 'WebSub', url: 'https://hub.example/' }]);
  });
});
