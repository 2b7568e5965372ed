import { lookup } from 'node:dns/promises';
import { createServer as createNetServer } from 'node:net';
import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSharedAgents, DEFAULT_USER_AGENT, type FetchResult, fetchFeed } from '../../src/fetch/http.ts';
import {
  corpusPath,
  type FixtureServer,
  hasCorpus,
  serveBody,
  serveFile,
  sleep,
  startFixtureServer,
  trickle,
} from '../support/fixture-server.ts';

const RSS = '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>';

// This machine's name stands in for a public host name that points at a private address.
const localName = hostname();
const localNameIsLoopback = (await lookup(localName).catch(() => undefined))?.address.startsWith('127.') ?? false;

function expectKind<K extends FetchResult['kind']>(r: FetchResult, kind: K): Extract<FetchResult, { kind: K }> {
  if (r.kind !== kind) throw new Error(`expected ${kind}, got ${JSON.stringify({ ...r, body: undefined })}`);
  return r as Extract<FetchResult, { kind: K }>;
}

describe('fetchFeed', () => {
  let srv: FixtureServer;
  beforeAll(async () => {
    srv = await startFixtureServer();
  });
  afterAll(async () => {
    await srv.close();
    await closeSharedAgents();
  });

  it('sends feed headers and returns body, validators and cache hints', async () => {
    srv.route(
      '/plain',
      serveBody(RSS, {
        contentType: 'application/rss+xml; charset=utf-8',
        etag: '"abc"',
        lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT',
        headers: { 'cache-control': 'public, max-age=900' },
      }),
    );
    const r = expectKind(await fetchFeed({ url: srv.url('/plain') }), 'ok');
    expect(r.body.toString()).toBe(RSS);
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/rss+xml; charset=utf-8');
    expect(r.etag).toBe('"abc"');
    expect(r.lastModified).toBe('Wed, 01 Jan 2025 00:00:00 GMT');
    expect(r.cacheControlMaxAge).toBe(900);
    expect(r.finalUrl).toBe(srv.url('/plain'));
    expect(r.redirects).toEqual([]);
    expect(r.permanentRedirectUrl).toBeUndefined();
    expect(r.bytes).toBe(Buffer.byteLength(RSS));
    const sent = srv.requestsFor('/plain')[0]?.headers ?? {};
    expect(sent['user-agent']).toBe(DEFAULT_USER_AGENT);
    expect(sent['user-agent']).toMatch(/^rundschau\/\d+\.\d+\.\d+ \(\+https:\/\/github\.com\/rundschau\/rundschau\)$/);
    expect(sent.accept).toMatch(/^application\/rss\+xml/);
    expect(sent['accept-encoding']).toBe('gzip, deflate, br');
    expect(sent['if-none-match']).toBeUndefined();
  });

  it('200 with ETag, then 304 on If-None-Match', async () => {
    srv.route('/etag', serveBody(RSS, { etag: '"v1"' }));
    const first = expectKind(await fetchFeed({ url: srv.url('/etag') }), 'ok');
    const second = expectKind(await fetchFeed({ url: srv.url('/etag'), etag: first.etag }), 'not_modified');
    expect(second.status).toBe(304);
    expect(second.etag).toBe('"v1"');
    expect(srv.requestsFor('/etag')[1]?.headers['if-none-match']).toBe('"v1"');
  });

  it('304 on If-Modified-Since with Last-Modified', async () => {
    const lm = 'Tue, 07 Jan 2025 10:00:00 GMT';
    srv.route('/lm', serveBody(RSS, { lastModified: lm }));
    const first = expectKind(await fetchFeed({ url: srv.url('/lm') }), 'ok');
    expect(first.lastModified).toBe(lm);
    expectKind(await fetchFeed({ url: srv.url('/lm'), lastModified: lm, etag: null }), 'not_modified');
    expect(srv.requestsFor('/lm')[1]?.headers['if-modified-since']).toBe(lm);
  });

  for (const encoding of ['gzip', 'deflate', 'br'] as const) {
    it(`decodes ${encoding} bodies`, async () => {
      const xml = RSS.repeat(50);
      srv.route(`/enc-${encoding}`, serveBody(xml, { encoding }));
      const r = expectKind(await fetchFeed({ url: srv.url(`/enc-${encoding}`) }), 'ok');
      expect(r.body.toString()).toBe(xml);
      expect(r.wireBytes).toBeLessThan(r.bytes);
    });
  }

  it('fails cleanly on a corrupt gzip body', async () => {
    srv.route('/bad-gzip', { headers: { 'content-encoding': 'gzip' }, body: 'this is not gzip at all' });
    const r = expectKind(await fetchFeed({ url: srv.url('/bad-gzip') }), 'error');
    expect(r.reason).toBe('http_error');
    expect(r.message).toMatch(/gzip/);
  });

  it.skipIf(!hasCorpus)('serves a corpus feed gzipped (skipped: corpus ../shared/corpus/feeds absent)', async () => {
    const path = corpusPath('codehollow-feedreader/Rss20HubSpot.xml');
    srv.route('/corpus', serveFile(path, { encoding: 'gzip', contentType: 'application/rss+xml' }));
    const r = expectKind(await fetchFeed({ url: srv.url('/corpus') }), 'ok');
    expect(r.bytes).toBeGreaterThan(700_000);
    expect(r.body.subarray(0, 200).toString()).toContain('<rss');
  });

  it('follows a 301 → 308 chain and reports it as permanent', async () => {
    srv.route('/p1', { status: 301, headers: { location: '/p2' } });
    srv.route('/p2', { status: 308, headers: { location: srv.url('/p-final') } });
    srv.route('/p-final', serveBody(RSS));
    const r = expectKind(await fetchFeed({ url: srv.url('/p1') }), 'ok');
    expect(r.finalUrl).toBe(srv.url('/p-final'));
    expect(r.redirects.map((h) => h.status)).toEqual([301, 308]);
    expect(r.redirects[0]).toEqual({ status: 301, url: srv.url('/p1'), location: srv.url('/p2') });
    expect(r.permanentRedirectUrl).toBe(srv.url('/p-final'));
  });

  it('a 302 in the chain makes it not permanent', async () => {
    srv.route('/m1', { status: 301, headers: { location: '/m2' } });
    srv.route('/m2', { status: 302, headers: { location: '/m-final' } });
    srv.route('/m-final', serveBody(RSS));
    const r = expectKind(await fetchFeed({ url: srv.url('/m1') }), 'ok');
    expect(r.finalUrl).toBe(srv.url('/m-final'));
    expect(r.redirects.map((h) => h.status)).toEqual([301, 302]);
    expect(r.permanentRedirectUrl).toBeUndefined();
  });

  it('keeps redirect info on a 304 after a redirect', async () => {
    srv.route('/r304', { status: 308, headers: { location: '/r304-target' } });
    srv.route('/r304-target', serveBody(RSS, { etag: '"e"' }));
    const r = expectKind(await fetchFeed({ url: srv.url('/r304'), etag: '"e"' }), 'not_modified');
    expect(r.permanentRedirectUrl).toBe(srv.url('/r304-target'));
  });

  it('detects a redirect loop', async () => {
    srv.route('/loop-a', { status: 302, headers: { location: '/loop-b' } });
    srv.route('/loop-b', { status: 302, headers: { location: '/loop-a' } });
    const r = expectKind(await fetchFeed({ url: srv.url('/loop-a') }), 'error');
    expect(r.reason).toBe('bad_redirect');
    expect(r.message).toMatch(/loop/);
  });

  it('gives up after 5 redirects', async () => {
    for (let i = 0; i < 7; i++) srv.route(`/hop${i}`, { status: 301, headers: { location: `/hop${i + 1}` } });
    srv.route('/hop7', serveBody(RSS));
    const r = expectKind(await fetchFeed({ url: srv.url('/hop0') }), 'error');
    expect(r.reason).toBe('bad_redirect');
    expect(r.redirects).toHaveLength(6);
    // exactly five hops are fine
    srv.route('/hop5', serveBody(RSS));
    expectKind(await fetchFeed({ url: srv.url('/hop0') }), 'ok');
  });

  it.skipIf(!localNameIsLoopback)(
    'publicOnly: a redirect to a private address is refused before it is requested (needs the host name on loopback)',
    async () => {
      srv.route('/to-private', { status: 302, headers: { location: srv.url('/private-secret') } });
      srv.route('/private-secret', serveBody('secret'));
      // The first hop goes by name through a plain agent: it stands in for a public site that redirects inwards.
      const plain = new Agent();
      const first = srv.url('/to-private').replace('127.0.0.1', localName);
      const r = expectKind(await fetchFeed({ url: first }, { publicOnly: true, dispatcher: plain }), 'error');
      await plain.close();
      expect(r.reason).toBe('blocked');
      expect(srv.requestsFor('/to-private')).toHaveLength(1);
      expect(srv.requestsFor('/private-secret')).toHaveLength(0);
    },
  );

  it.skipIf(!localNameIsLoopback)(
    'publicOnly: a host name that resolves to a private address is not connected to (needs the host name on loopback)',
    async () => {
      srv.route('/by-name', serveBody(RSS));
      const url = srv.url('/by-name').replace('127.0.0.1', localName);
      const r = expectKind(await fetchFeed({ url }, { publicOnly: true }), 'error');
      expect(r.message).toMatch(/private address/);
      expect(srv.requestsFor('/by-name')).toHaveLength(0);
      // without the guard the same URL is fetched
      expectKind(await fetchFeed({ url }), 'ok');
    },
  );

  it('rejects a redirect without Location or to a non-http scheme', async () => {
    srv.route('/noloc', { status: 301 });
    srv.route('/ftp', { status: 301, headers: { location: 'ftp://example.org/feed' } });
    expect(expectKind(await fetchFeed({ url: srv.url('/noloc') }), 'error').reason).toBe('bad_redirect');
    expect(expectKind(await fetchFeed({ url: srv.url('/ftp') }), 'error').reason).toBe('bad_redirect');
  });

  it.each([
    [410, 'gone'],
    [404, 'not_found'],
    [403, 'blocked'],
    [401, 'blocked'],
    [400, 'http_error'],
    [500, 'server_error'],
    [502, 'server_error'],
  ] as const)('classifies HTTP %i as %s', async (status, reason) => {
    srv.route(`/status-${status}`, { status, body: 'nope' });
    const r = expectKind(await fetchFeed({ url: srv.url(`/status-${status}`) }), 'error');
    expect(r.reason).toBe(reason);
    expect(r.status).toBe(status);
    expect(r.retryAfterMs).toBeUndefined();
  });

  it('429 with Retry-After in seconds', async () => {
    srv.route('/429s', { status: 429, headers: { 'retry-after': '120' } });
    const r = expectKind(await fetchFeed({ url: srv.url('/429s') }), 'error');
    expect(r.reason).toBe('rate_limited');
    expect(r.retryAfterMs).toBe(120_000);
  });

  it('429 with Retry-After as an HTTP date', async () => {
    const at = new Date(Date.now() + 3_600_000).toUTCString();
    srv.route('/429d', { status: 429, headers: { 'retry-after': at } });
    const r = expectKind(await fetchFeed({ url: srv.url('/429d') }), 'error');
    expect(r.retryAfterMs).toBeGreaterThan(3_500_000);
    expect(r.retryAfterMs).toBeLessThanOrEqual(3_600_000);
  });

  it('503 with Retry-After', async () => {
    srv.route('/503', { status: 503, headers: { 'retry-after': '30' } });
    const r = expectKind(await fetchFeed({ url: srv.url('/503') }), 'error');
    expect(r.reason).toBe('server_error');
    expect(r.status).toBe(503);
    expect(r.retryAfterMs).toBe(30_000);
  });

  it('slow headers time out', async () => {
    srv.route('/slow-headers', { delayMs: 3000, body: RSS });
    const r = expectKind(await fetchFeed({ url: srv.url('/slow-headers') }, { timeoutMs: 300 }), 'error');
    expect(r.reason).toBe('timeout');
    expect(r.durationMs).toBeLessThan(2000);
  });

  it('a trickling body hits the total timeout', async () => {
    srv.route('/trickle', trickle({ intervalMs: 50, chunks: 200 }));
    const started = Date.now();
    const r = expectKind(await fetchFeed({ url: srv.url('/trickle') }, { timeoutMs: 500 }), 'error');
    expect(r.reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('the caller can abort', async () => {
    srv.route('/abort', { delayMs: 3000, body: RSS });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = expectKind(await fetchFeed({ url: srv.url('/abort') }, { signal: ac.signal }), 'error');
    expect(r.reason).toBe('timeout');
    expect(r.message).toBe('aborted');
  });

  it('refuses an oversized body declared by Content-Length', async () => {
    srv.route('/big', { body: Buffer.alloc(2 * 1024 * 1024, 'a') });
    const r = expectKind(await fetchFeed({ url: srv.url('/big') }, { maxBodyBytes: 1024 * 1024 }), 'error');
    expect(r.reason).toBe('too_large');
  });

  it('stops an oversized chunked body without Content-Length', async () => {
    srv.route('/big-chunked', async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      for (let i = 0; i < 64 && !res.destroyed; i++) {
        res.write(Buffer.alloc(64 * 1024, 'b'));
        await sleep(1);
      }
      res.end();
    });
    const r = expectKind(await fetchFeed({ url: srv.url('/big-chunked') }, { maxBodyBytes: 1024 * 1024 }), 'error');
    expect(r.reason).toBe('too_large');
    expect(r.message).toMatch(/as received/);
  });

  it('stops a gzip bomb (50 MB of zeros) at the decompressed cap', async () => {
    let sentBytes = 0;
    srv.route('/bomb', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' });
      // Stream 50 MB of zeros through gzip without holding it in memory.
      const zeros = Readable.from(
        (function* () {
          const chunk = Buffer.alloc(1024 * 1024);
          for (let i = 0; i < 50; i++) yield chunk;
        })(),
      );
      const gz = zeros.pipe(createGzip());
      gz.on('data', (c: Buffer) => {
        sentBytes += c.length;
      });
      gz.pipe(res);
      res.on('close', () => gz.destroy());
    });
    const r = expectKind(await fetchFeed({ url: srv.url('/bomb') }, { maxBodyBytes: 1024 * 1024 }), 'error');
    expect(r.reason).toBe('too_large');
    expect(r.message).toMatch(/after decompression/);
    // Compressed, the whole bomb is ~50 KB: the wire cap alone would not have caught it.
    expect(sentBytes).toBeLessThan(1024 * 1024);
  });

  it('connection refused', async () => {
    const port = await freePort();
    const r = expectKind(await fetchFeed({ url: `http://127.0.0.1:${port}/feed` }), 'error');
    expect(r.reason).toBe('connection');
    expect(r.message).toMatch(/ECONNREFUSED/);
  });

  it('connection reset mid-response', async () => {
    srv.route('/reset', (req) => {
      req.socket.destroy();
    });
    const r = expectKind(await fetchFeed({ url: srv.url('/reset') }), 'error');
    expect(r.reason).toBe('connection');
  });

  it('DNS failure on a .invalid host', async () => {
    const r = expectKind(await fetchFeed({ url: 'http://feeds.rundschau.invalid/rss' }, { timeoutMs: 5000 }), 'error');
    expect(r.reason).toBe('dns');
  });

  it('an HTML page for a feed URL passes through as ok with its content type', async () => {
    srv.route('/html', {
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: '<!doctype html><title>Hi</title>',
    });
    const r = expectKind(await fetchFeed({ url: srv.url('/html') }), 'ok');
    expect(r.contentType).toBe('text/html; charset=utf-8');
    expect(r.body.toString()).toContain('<title>Hi</title>');
  });

  it('rejects a non-http URL without a request', async () => {
    const r = expectKind(await fetchFeed({ url: 'file:///etc/passwd' }), 'error');
    expect(r.reason).toBe('http_error');
  });

  it('Expires is reported in epoch ms corrected for server clock skew', async () => {
    const serverNow = Date.now() - 3_600_000; // server clock one hour behind
    srv.route('/expires', {
      headers: { date: new Date(serverNow).toUTCString(), expires: new Date(serverNow + 600_000).toUTCString() },
      body: RSS,
    });
    const r = expectKind(await fetchFeed({ url: srv.url('/expires') }), 'ok');
    expect(r.expires).toBeDefined();
    expect(Math.abs((r.expires ?? 0) - (Date.now() + 600_000))).toBeLessThan(3000);
  });
});

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}
