/**
 * Each workaround in src/parse/rss-parser-adapter.ts, twice: the raw library still shows the loss (when an upgrade
 * fixes it, the "rss-parser …" test fails and says the workaround can go), and parseFeed, which goes through the
 * adapter, reads the document right (fails when the workaround is removed).
 */
import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { FeedParseError, parseFeed } from '../../src/parse/index.ts';
import { classifyRssParserError, runRssParser } from '../../src/parse/rss-parser-adapter.ts';

const URL_ = 'https://example.org/feed.xml';
const rawParse = (text: string) => new Parser().parseString(text);
const atom = (entry: string) =>
  `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:x:feed</id>${entry}</feed>`;

async function failure(text: string): Promise<unknown> {
  try {
    await rawParse(text);
  } catch (error) {
    return error;
  }
  throw new Error('rss-parser read the document');
}

async function parseReason(text: string): Promise<string> {
  try {
    await parseFeed(text, URL_);
  } catch (error) {
    expect(error).toBeInstanceOf(FeedParseError);
    return (error as FeedParseError).reason;
  }
  throw new Error('parseFeed read the document');
}

describe('1. raw pass-through fields', () => {
  const ATOM_ENTRY = atom(`<entry><id>urn:x:1</id><title>E</title>
    <author><name>Ann</name></author><author><name>Bob</name></author>
    <category term="cloud"/><link rel="enclosure" href="https://example.org/a.mp3" type="audio/mpeg"/>
    <updated>2024-03-02T10:00:00Z</updated></entry>`);
  const RSS_ITEM = `<rss version="2.0"><channel><title>T</title><item><title>I</title>
    <category domain="https://example.org/tags">news</category><description>Short</description>
    <content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">&lt;p&gt;Full&lt;/p&gt;</content:encoded>
    </item></channel></rss>`;

  it('rss-parser keeps only the first Atom author and drops Atom categories and enclosures', async () => {
    const [item] = (await rawParse(ATOM_ENTRY)).items;
    expect(item?.author).toBe('Ann');
    expect(item?.categories).toBeUndefined();
    expect(item?.enclosure).toBeUndefined();
  });

  it('rss-parser returns RSS categories as {_, $} objects and <description> as `content`', async () => {
    const [item] = (await rawParse(RSS_ITEM)).items;
    expect(item?.categories).toEqual([{ _: 'news', $: { domain: 'https://example.org/tags' } }]);
    // `content` is the short description; the body is only under 'content:encoded'.
    expect(item?.content).toBe('Short');
    expect((item as Record<string, unknown>)['content:encoded']).toBe('<p>Full</p>');
  });

  it('the adapter hands the raw nodes over: every author, category, enclosure; summary and body apart', async () => {
    const [atomEntry] = (await parseFeed(ATOM_ENTRY, URL_)).entries;
    expect(atomEntry).toMatchObject({
      author: 'Ann, Bob',
      categories: ['cloud'],
      enclosures: [{ url: 'https://example.org/a.mp3', type: 'audio/mpeg' }],
      updated: '2024-03-02T10:00:00Z',
    });
    const [rssEntry] = (await parseFeed(RSS_ITEM, URL_)).entries;
    expect(rssEntry).toMatchObject({ categories: ['news'], summaryHtml: 'Short', contentHtml: '<p>Full</p>' });
  });
});

describe('2. Atom type="xhtml" becomes CDATA before parsing', () => {
  const XHTML = atom(`<entry><id>urn:x:1</id><title>E</title><content type="xhtml">
    <div xmlns="http://www.w3.org/1999/xhtml">one <b>two</b> three <i>four</i> five</div></content></entry>`);

  it('rss-parser (xml2js) scrambles mixed content: text first, then the elements', async () => {
    const [item] = (await rawParse(XHTML)).items;
    expect(item?.content).toMatch(/one\s+three\s+five<b>two<\/b><i>four<\/i>/);
  });

  it('the adapter keeps the word order', async () => {
    const [entry] = (await parseFeed(XHTML, URL_)).entries;
    expect(entry?.contentHtml).toContain('one <b>two</b> three <i>four</i> five');
  });
});

describe('3. unparsable Atom dates are renamed before parsing', () => {
  const BAD_DATE = atom(`<entry><id>urn:x:1</id><title>E</title><published>gestern, 10 Uhr</published></entry>
    <entry><id>urn:x:2</id><title>F</title><published>2024-03-01T10:00:00Z</published></entry>`);

  it('rss-parser loses the whole feed to one bad <published> (RangeError)', async () => {
    expect(await failure(BAD_DATE)).toBeInstanceOf(RangeError);
  });

  it('the adapter reads every entry and hands the bad date on as raw text', async () => {
    const doc = await parseFeed(BAD_DATE, URL_);
    expect(doc.entries.map((e) => e.published)).toEqual(['gestern, 10 Uhr', '2024-03-01T10:00:00Z']);
    expect(doc.warnings.join('\n')).toMatch(/1 Atom date/);
  });
});

describe('4. defaultRSS: 2', () => {
  const NO_VERSION = '<rss><channel><title>T</title><item><title>I</title></item></channel></rss>';

  it('rss-parser refuses <rss> without a version attribute', async () => {
    expect(String(await failure(NO_VERSION))).toMatch(/not recognized as RSS/);
  });

  it('the adapter reads it as RSS 2.0', async () => {
    const doc = await parseFeed(NO_VERSION, URL_);
    expect(doc.format).toBe('rss');
    expect(doc.entries.map((e) => e.title)).toEqual(['I']);
  });
});

describe('5. rss-parser errors are classified', () => {
  it('rss-parser throws a TypeError for an <rss> without <channel>', async () => {
    expect(await failure('<rss version="2.0"></rss>')).toBeInstanceOf(TypeError);
  });

  it('the adapter calls that empty, a non-feed root not_a_feed, broken XML worth a repair', async () => {
    expect(classifyRssParserError(new TypeError('x'))).toBe('empty');
    expect(classifyRssParserError(await failure('<?xml version="1.0"?><opml version="2.0"/>'))).toBe('not_a_feed');
    expect(classifyRssParserError(await failure('<rss version="2.0"><channel><title>T</b>'))).toBe('xml');
    expect(await parseReason('<rss version="2.0"></rss>')).toBe('empty');
  });
});

describe('6. no contentSnippet', () => {
  const BODY = atom(
    '<entry><id>urn:x:1</id><title>I</title><content type="html">&lt;p&gt;One &amp;amp; two&lt;/p&gt;&lt;p&gt;three&lt;/p&gt;</content></entry>',
  );

  it('rss-parser makes a plain-text snippet of every body', async () => {
    const feed = await rawParse(BODY);
    expect(feed.items[0]?.contentSnippet).toBe('One & two\nthree');
  });

  it('the adapter does not make it, reads the body the same, and leaves the library as it was', async () => {
    const raw = await runRssParser(BODY);
    const item = (raw.items ?? [])[0]!;
    expect(item.contentSnippet).toBe('');
    expect(item.content).toBe('<p>One &amp; two</p><p>three</p>');
    const doc = await parseFeed(BODY, URL_);
    expect(doc.entries[0]?.contentHtml).toBe('<p>One &amp; two</p><p>three</p>');
    expect((await rawParse(BODY)).items[0]?.contentSnippet).toBe('One & two\nthree');
  });
});

describe('not worked around in the adapter: JSON Feed', () => {
  const JSON_FEED = JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: 'J',
    items: [{ id: '1', content_text: 'x' }],
  });

  it('rss-parser cannot read JSON Feed (rbren/rss-parser#197)', async () => {
    expect(await failure(JSON_FEED)).toBeInstanceOf(Error);
  });

  it('parse/ reads it with its own reader (json-feed.ts)', async () => {
    const doc = await parseFeed(JSON_FEED, URL_);
    expect(doc.format).toBe('json');
    expect(doc.entries).toHaveLength(1);
  });
});
