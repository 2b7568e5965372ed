import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPrivateHost } from '../../src/fetch/private-address.ts';
import { sanitizeContent } from '../../src/normalize/sanitize.ts';
import { createApp } from '../../src/web/app.ts';
import { mediaRoutes, mediaUrl, proxyMediaInHtml } from '../../src/web/media.ts';
import { type FixtureServer, startFixtureServer } from '../support/fixture-server.ts';
import { type WebHarness, webHarness } from '../support/web.ts';

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

describe('media proxy', () => {
  let server: FixtureServer;
  let h: WebHarness;
  const secret = 'test-secret';

  beforeAll(async () => {
    server = await startFixtureServer();
    server.route('/pic.png', { status: 200, headers: { 'content-type': 'image/png' }, body: PNG });
    server.route('/evil.svg', {
      status: 200,
      headers: { 'content-type': 'image/svg+xml' },
      body: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    });
    server.route('/page.html', { status: 200, headers: { 'content-type': 'text/html' }, body: '<p>secret</p>' });
    h = await webHarness({ server: { mediaProxy: 'allow-private' } });
  });
  afterAll(async () => {
    await h?.close();
    await server?.close();
  });

  const app = () => mediaRoutes(h.deps, secret);

  it('web replicas with one session secret accept each other’s media URLs (one proxy in front of both)', async () => {
    h.setConfig({ server: { mediaProxy: 'allow-private', sessionSecret: 'replicas-share-this-secret-0123' } });
    const [replicaA, replicaB] = [createApp(h.deps), createApp(h.deps)];
    const signed = mediaUrl(server.url('/pic.png'), 'replicas-share-this-secret-0123');
    expect((await replicaA.request(signed)).status).toBe(200);
    expect((await replicaB.request(signed)).status).toBe(200);
    expect((await replicaB.request(mediaUrl(server.url('/pic.png'), 'another-secret'))).status).toBe(403);
    h.setConfig({ server: { mediaProxy: 'allow-private' } });
  });

  it('serves an image it signed, with a strict policy and long caching', async () => {
    const res = await app().request(mediaUrl(server.url('/pic.png'), secret));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(res.headers.get('cache-control')).toContain('max-age');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
  });

  it('refuses unsigned URLs, SVG, non-images, and private hosts unless allowed', async () => {
    const unsigned = `/media?u=${encodeURIComponent(server.url('/pic.png'))}&s=forged`;
    expect((await app().request(unsigned)).status).toBe(403);
    expect((await app().request(mediaUrl(server.url('/evil.svg'), secret))).status).toBe(415);
    expect((await app().request(mediaUrl(server.url('/page.html'), secret))).status).toBe(415);
    h.setConfig({ server: { mediaProxy: 'on' } });
    expect((await app().request(mediaUrl(server.url('/pic.png'), secret))).status).toBe(403);
    h.setConfig({ server: { mediaProxy: 'allow-private' } });
  });

  it('does not reach private addresses through a public-looking name when private hosts are not allowed', async () => {
    h.setConfig({ server: { mediaProxy: 'on' } });
    // This machine's name resolves to loopback here: the URL passes the host-name check, the connection must not.
    const viaName = server.url('/pic.png').replace('127.0.0.1', hostname());
    const before = server.requestsFor('/pic.png').length;
    expect((await app().request(mediaUrl(viaName, secret))).status).not.toBe(200);
    expect(server.requestsFor('/pic.png')).toHaveLength(before);
    h.setConfig({ server: { mediaProxy: 'allow-private' } });
  });

  it('refuses loopback and metadata addresses written as IPv4-mapped or NAT64 IPv6, without a request', async () => {
    h.setConfig({ server: { mediaProxy: 'on' } });
    const before = server.requestsFor('/pic.png').length;
    for (const host of ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::7f00:1]', '[64:ff9b::7f00:1]']) {
      const url = `http://${host}:${server.port}/pic.png`;
      expect((await app().request(mediaUrl(url, secret))).status, url).toBe(403);
    }
    for (const url of [
      'http://[::ffff:169.254.169.254]/latest/meta-data/',
      'http://100.100.100.200/',
      'http://[fec0::1]/',
    ]) {
      expect((await app().request(mediaUrl(url, secret))).status, url).toBe(403);
    }
    expect(server.requestsFor('/pic.png')).toHaveLength(before);
    h.setConfig({ server: { mediaProxy: 'allow-private' } });
  });

  it('rewrites images and posters of sanitised HTML, nothing else', () => {
    const html = sanitizeContent(
      '<p><img src="https://img.example/a.png?x=1&amp;y=2"><a href="https://site.example/">link</a></p><video poster="https://img.example/p.jpg" src="https://cdn.example/v.mp4"></video>',
    );
    const out = proxyMediaInHtml(html, secret);
    expect(out).toContain(`src="${mediaUrl('https://img.example/a.png?x=1&y=2', secret).replace(/&/g, '&amp;')}"`);
    expect(out).toContain('href="https://site.example/"');
    expect(out).not.toContain('src="https://img.example');
  });

  it('knows private and loopback hosts', () => {
    for (const host of [
      '127.0.0.1',
      'localhost',
      '10.1.2.3',
      '192.168.0.1',
      '172.20.0.1',
      '169.254.169.254',
      '[::1]',
    ]) {
      expect(isPrivateHost(host), host).toBe(true);
    }
    for (const host of ['93.184.216.34', 'example.org', '172.32.0.1']) expect(isPrivateHost(host), host).toBe(false);
  });
});
