import { describe, expect, it } from 'vitest';
import { FeedParseError, parseFeed } from '../../src/parse/index.ts';

const URL_ = 'https://example.org/feeds/main.xml';

async function reason(text: string): Promise<string | undefined> {
  try {
    await parseFeed(text, URL_);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(FeedParseError);
    return (error as FeedParseError).reason;
  }
}

describe('parseFeed', () => {
  it('reads Atom categories, enclosures, authors, dates, xml:base and self/hub links', async () => {
    const doc = await parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example/" xml:lang="de-DE">
        <title>B</title><link rel="self" href="/atom"/><link rel="hub" href="https://hub.example/"/>
        <entry xml:base="posts/"><id>tag:x,1</id><title type="html">A &lt;b&gt;bold&lt;/b&gt; move</title>
          <link href="one.html"/><link rel="enclosure" href="a.mp3" type="audio/mpeg" length="12"/>
          <category term="cloud"/><category term="k8s" label="Kubernetes"/>
          <author><name>Ann</name></author><author><name>Bob</name></author>
          <published>2024-03-01T10:00:00Z</published><updated>2024-03-02T10:00:00Z</updated>
          <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">First <b>bold</b> then <i>italic</i> end</div></content>
        </entry></feed>`,
      URL_,
    );
    expect(doc).toMatchObject({
      format: 'atom',
      language: 'de-DE',
      selfUrl: 'https://example.org/atom',
      hubUrl: 'https://hub.example/',
    });
    const [entry] = doc.entries;
    expect(entry).toMatchObject({
      guid: 'tag:x,1',
      link: 'https://blog.example/posts/one.html',
      author: 'Ann, Bob',
      categories: ['cloud', 'Kubernetes'],
      enclosures: [{ url: 'https://blog.example/posts/a.mp3', type: 'audio/mpeg', length: 12 }],
      published: '2024-03-01T10:00:00Z',
      updated: '2024-03-02T10:00:00Z',
      titleType: 'html',
    });
    // xhtml content keeps its word order (xml2js alone would scramble mixed content).
    expect(entry!.contentHtml).toMatch(/First <b>bold<\/b> then <i>italic<\/i> end/);
  });

  it('loses only the garbage date of an Atom entry, not the feed', async () => {
    const doc = await parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
        <entry><id>1</id><title>a</title><published>not a date</published></entry>
        <entry><id>2</id><title>b</title><published>2024-01-01T00:00:00Z</published></entry></feed>`,
      URL_,
    );
    expect(doc.entries).toHaveLength(2);
    expect(doc.entries[0]!.published).toBe('not a date');
    expect(doc.warnings.join()).toMatch(/Atom date/);
  });

  it('reads RSS with media, content:encoded, ttl, guid isPermaLink and relative links against the site', async () => {
    const doc = await parseFeed(
      `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/"
        xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
        <title>S</title><link>https://site.example/</link><ttl>30</ttl><language>en-us</language>
        <atom:link rel="self" href="https://site.example/rss"/>
        <item><title>One</title><link>/p/1</link><guid isPermaLink="false">id-1</guid>
          <description>short</description><content:encoded><![CDATA[<p>long</p>]]></content:encoded>
          <dc:creator>Ann</dc:creator><category>A</category><category>B</category>
          <media:thumbnail url="/t.jpg"/><enclosure url="/e.mp3" type="audio/mpeg" length="99"/></item>
      </channel></rss>`,
      URL_,
    );
    expect(doc).toMatchObject({
      format: 'rss',
      ttlMinutes: 30,
      language: 'en-us',
      selfUrl: 'https://site.example/rss',
    });
    expect(doc.entries[0]).toMatchObject({
      guid: 'id-1',
      guidIsPermaLink: false,
      link: 'https://site.example/p/1',
      summaryHtml: 'short',
      contentHtml: '<p>long</p>',
      author: 'Ann',
      categories: ['A', 'B'],
      imageUrl: 'https://site.example/t.jpg',
      enclosures: [{ url: 'https://site.example/e.mp3', type: 'audio/mpeg', length: 99 }],
    });
  });

  it('repairs bare ampersands and HTML entities and records it', async () => {
    const doc = await parseFeed(
      '<rss version="2.0"><channel><title>A & B &eacute;</title><item><title>x</title></item></channel></rss',
      URL_,
    );
    expect(doc.title).toBe('A & B é');
    expect(doc.warnings.some((w) => /repaired/.test(w))).toBe(true);
  });

  it('reads JSON Feed 1.1 by content', async () => {
    const doc = await parseFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'J',
        home_page_url: 'https://j.example/',
        language: 'de',
        items: [
          {
            id: '1',
            url: '/a',
            content_text: 'Hallo <Welt>',
            authors: [{ name: 'Ann' }],
            tags: ['x'],
            attachments: [{ url: '/f.mp3', mime_type: 'audio/mpeg', size_in_bytes: 5 }],
          },
        ],
      }),
      URL_,
    );
    expect(doc.format).toBe('json');
    expect(doc.entries[0]).toMatchObject({
      guid: '1',
      link: 'https://j.example/a',
      contentHtml: '<p>Hallo &lt;Welt&gt;</p>',
      author: 'Ann',
      categories: ['x'],
      enclosures: [{ url: 'https://j.example/f.mp3', type: 'audio/mpeg', length: 5 }],
    });
  });

  it('reads Atom 0.3 dates: issued (else created) as published, modified as updated', async () => {
    const doc = await parseFeed(
      `<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old</title>
        <tagline>An Atom 0.3 feed</tagline><link rel="alternate" type="text/html" href="https://old.example/"/>
        <entry><id>tag:old,1</id><title>One</title><link rel="alternate" type="text/html" href="/1"/>
          <issued>2004-12-31T10:00:00+01:00</issued><created>2004-12-30T00:00:00Z</created>
          <modified>2005-01-02T00:00:00Z</modified></entry>
        <entry><id>tag:old,2</id><title>Two</title><created>2004-12-29T00:00:00Z</created></entry>
      </feed>`,
      URL_,
    );
    expect(doc.description).toBe('An Atom 0.3 feed');
    expect(doc.entries).toMatchObject([
      { link: 'https://old.example/1', published: '2004-12-31T10:00:00+01:00', updated: '2005-01-02T00:00:00Z' },
      { published: '2004-12-29T00:00:00Z' },
    ]);
  });

  it('takes a permalink guid as the link only when <link> is missing; an item without either has no link', async () => {
    const doc = await parseFeed(
      `<rss version="2.0"><channel><title>S</title><link>https://site.example/</link>
        <item><title>none</title><description>no link, no guid</description></item>
        <item><title>declared</title><guid isPermaLink="true">/posts/2</guid></item>
        <item><title>default</title><guid>https://site.example/posts/3</guid></item>
        <item><title>not a URL</title><guid>12345</guid></item>
        <item><title>declared, not a URL</title><guid isPermaLink="true">12346</guid></item>
        <item><title>not a permalink</title><guid isPermaLink="false">https://site.example/posts/4</guid></item>
        <item><title>both</title><link>https://site.example/posts/5</link><guid isPermaLink="true">https://x.example/5</guid></item>
      </channel></rss>`,
      URL_,
    );
    expect(doc.entries.map((e) => e.link)).toEqual([
      undefined,
      'https://site.example/posts/2',
      'https://site.example/posts/3',
      undefined,
      undefined,
      undefined,
      'https://site.example/posts/5',
    ]);
  });

  it('refuses what is not a feed with a reason', async () => {
    expect(await reason('')).toBe('empty');
    expect(await reason('  \n')).toBe('empty');
    expect(await reason('<!DOCTYPE html><html><body>Moved</body></html>')).toBe('not_a_feed');
    expect(await reason('<html><body><p>Moved<p></body>')).toBe('not_a_feed');
    expect(await reason('<?xml version="1.0"?><note><to>x</to></note>')).toBe('not_a_feed');
    expect(await reason('{"rss": {"channel": {}}}')).toBe('not_a_feed');
    // Repaired, but nothing is left: not an "ok" empty feed.
    expect(await reason('<rss version="2.0"><channel><title>x</ti')).toBe('truncated');
    expect(await reason('<rss version="2.0"><channel><title>x</title><item><title>half')).toBe('truncated');
    expect(await reason('<rss version="2.0"><channel><title>A & B</title></channel></rss>')).toBe('malformed_xml');
    expect(await reason('{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "title": "ha')).toBe(
      'truncated',
    );
    expect(await reason('{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1"}')).toBe('truncated');
    expect(await reason('{"version" 1}')).toBe('not_a_feed');
    // Well-formed and empty is a feed with nothing in it yet.
    expect(await reason('<rss version="2.0"><channel><title>x</title></channel></rss>')).toBeUndefined();
    expect(await reason('<rss><channel><item><title>a</item></foo></bar>')).toBe('malformed_xml');
  });
});
