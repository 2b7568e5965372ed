import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscoveryError, discoverFeeds, feedLinksInHtml } from '../../src/fetch/discover.ts';
import { closeSharedAgents } from '../../src/fetch/http.ts';
import { sniffFeed, sniffTitle } from '../../src/fetch/sniff.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';

const RSS =
  '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Blog &amp; News</title></channel></rss>';
const ATOM =
  '<?xml version="1.0"?><!-- generated --><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom T</title></feed>';
const JSON_FEED = JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'JSON T', items: [] });
const SOFT_404 = '<!doctype html><html><head><title>Not found</title></head><body>Sorry</body></html>';
const html = (head: string) => `<!DOCTYPE html><html><head>${head}</head><body><p>hello</p></body></html>`;
const HTML_TYPE = { contentType: 'text/html; charset=utf-8' };

describe('sniffFeed', () => {
  it.each([
    [RSS, 'rss'],
    [ATOM, 'atom'],
    ['\ufeff<?xml version="1.0"?><rdf:RDF xmlns:rdf="x"></rdf:RDF>', 'rdf'],
    ['<!DOCTYPE rss [<!ENTITY x "y">]>\n<rss version="0.91"></rss>', 'rss'],
    [JSON_FEED, 'json'],
    [SOFT_404, undefined],
    ['{"version":"1.0","items":[]}', undefined],
    ['<feedback/>', undefined],
    ['', undefined],
  ] as const)('%#: %s', (body, kind) => {
    expect(sniffFeed(Buffer.from(body))).toBe(kind);
  });

  it('reads UTF-16 documents', () => {
    expect(sniffFeed(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ATOM, 'utf16le')]))).toBe('atom');
  });

  it('extracts titles', () => {
    expect(sniffTitle(Buffer.from(RSS), 'rss')).toBe('Blog & News');
    expect(sniffTitle(Buffer.from('<rss><channel><title><![CDATA[A <b>]]></title></channel></rss>'), 'rss')).toBe(
      'A <b>',
    );
    expect(sniffTitle(Buffer.from(JSON_FEED), 'json')).toBe('JSON T');
  });
});

describe('feedLinksInHtml', () => {
  it('resolves relative hrefs, honours <base>, ignores non-feed alternates and duplicates', () => {
    const page = html(`
      <base href="https://cdn.example.org/blog/">
      <LINK REL="alternate" TYPE="application/rss+xml" title="Posts" href="feed.xml">
      <link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts">
      <link rel="alternate" hreflang="de" href="/de/">
      <link rel="alternate" type="application/atom+xml" href="https://other.example/atom">
      <link rel="alternate" type="application/rss+xml" href="feed.xml">
      <link rel="stylesheet" type="text/css" href="x.css">`);
    expect(feedLinksInHtml(page, 'https://www.example.org/post/1')).toEqual([
      { url: 'https://cdn.example.org/blog/feed.xml', type: 'application/rss+xml', title: 'Posts' },
      { url: 'https://other.example/atom', type: 'application/atom+xml' },
    ]);
  });
});

describe('discoverFeeds', () => {
  let srv: FixtureServer;
  beforeAll(async () => {
    srv = await startFixtureServer();
  });
  afterAll(async () => {
    await srv.close();
    await closeSharedAgents();
  });

  it('returns the URL itself when it is a feed (even with a wrong content type)', async () => {
    srv.route('/direct.xml', serveBody(RSS, { contentType: 'text/plain' }));
    expect(await discoverFeeds(srv.url('/direct.xml'))).toEqual([
      { url: srv.url('/direct.xml'), type: 'application/rss+xml', title: 'Blog & News' },
    ]);
  });

  it('follows redirects and reports the final feed URL', async () => {
    srv.route('/old-feed', { status: 301, headers: { location: '/direct.xml' } });
    const found = await discoverFeeds(srv.url('/old-feed'));
    expect(found.map((f) => f.url)).toEqual([srv.url('/direct.xml')]);
  });

  it('finds <link rel="alternate"> feeds of an HTML page without probing', async () => {
    srv.route(
      '/site-a/',
      serveBody(
        html(
          '<link rel="alternate" type="application/atom+xml" title="Atom" href="/site-a/atom">' +
            '<link rel="alternate" type="application/feed+json" href="feed.json">',
        ),
        HTML_TYPE,
      ),
    );
    const before = srv.requests.length;
    expect(await discoverFeeds(srv.url('/site-a/'))).toEqual([
      { url: srv.url('/site-a/atom'), type: 'application/atom+xml', title: 'Atom' },
      { url: srv.url('/site-a/feed.json'), type: 'application/feed+json' },
    ]);
    expect(srv.requests.length - before).toBe(1);
  });

  it('falls back to well-known paths and ignores HTML 404 pages answered with 200', async () => {
    srv.route('/site-b/', serveBody(html('<title>No feed links</title>'), HTML_TYPE));
    // Soft 404s: everything under /site-b/ that is not a feed answers 200 with HTML.
    for (const p of ['feed', 'rss', 'atom.xml', 'feed.xml', 'index.xml', 'feed.json']) {
      srv.route(`/site-b/${p}`, serveBody(SOFT_404, HTML_TYPE));
    }
    srv.route('/site-b/rss.xml', serveBody(RSS, { contentType: 'application/rss+xml' }));
    srv.route('/feed.json', serveBody(JSON_FEED, { contentType: 'application/feed+json' }));
    const found = await discoverFeeds(srv.url('/site-b/'));
    expect(found).toEqual([
      { url: srv.url('/site-b/rss.xml'), type: 'application/rss+xml', title: 'Blog & News' },
      { url: srv.url('/feed.json'), type: 'application/feed+json', title: 'JSON T' },
    ]);
  });

  it('returns nothing when every candidate is an HTML page', async () => {
    const soft = serveBody(SOFT_404, HTML_TYPE);
    srv.route('/site-c/', serveBody(html(''), HTML_TYPE));
    for (const p of ['feed', 'rss', 'rss.xml', 'atom.xml', 'feed.xml', 'index.xml', 'feed.json']) {
      srv.route(`/site-c/${p}`, soft);
      srv.route(`/${p}`, soft);
    }
    expect(await discoverFeeds(srv.url('/site-c/'))).toEqual([]);
  });

  it('dedupes well-known paths that redirect to the same feed', async () => {
    const other = await startFixtureServer();
    try {
      other.route('/', serveBody(html(''), HTML_TYPE));
      other.route('/feed', { status: 301, headers: { location: '/atom.xml' } });
      other.route('/atom.xml', serveBody(ATOM, { contentType: 'application/atom+xml' }));
      const found = await discoverFeeds(other.url('/'));
      expect(found).toEqual([{ url: other.url('/atom.xml'), type: 'application/atom+xml', title: 'Atom T' }]);
    } finally {
      await other.close();
    }
  });

  it('throws DiscoveryError when the page cannot be fetched', async () => {
    srv.route('/gone', { status: 410 });
    await expect(discoverFeeds(srv.url('/gone'))).rejects.toBeInstanceOf(DiscoveryError);
  });
});
