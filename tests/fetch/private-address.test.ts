/**
 * The address guard against the IANA IPv4 and IPv6 Special-Purpose Address Registries (and the multicast
 * registries), written out here independently of the source's table: the first and last address of each range,
 * in every spelling a URL or a socket can give it, must be refused; the neighbours just outside stay public.
 */

import { hostname } from 'node:os';
import { buildConnector } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFeed } from '../../src/cli/commands/add.ts';
import { fetchFeed } from '../../src/fetch/http.ts';
import {
  guardConnectedAddress,
  isPrivateHost,
  isPublicAddress,
  resolvesToPublicAddress,
} from '../../src/fetch/private-address.ts';
import { rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';

/** [range, first, last, neighbours outside it that are public] */
const IPV4_SPECIAL: [string, string, string, string[]][] = [
  ['0.0.0.0/8 "this network"', '0.0.0.0', '0.255.255.255', ['1.0.0.0']],
  ['10.0.0.0/8 private-use', '10.0.0.0', '10.255.255.255', ['9.255.255.255', '11.0.0.0']],
  ['100.64.0.0/10 shared address space', '100.64.0.0', '100.127.255.255', ['100.63.255.255', '100.128.0.0']],
  ['127.0.0.0/8 loopback', '127.0.0.0', '127.255.255.255', ['126.255.255.255', '128.0.0.0']],
  ['169.254.0.0/16 link-local', '169.254.0.0', '169.254.255.255', ['169.253.255.255', '169.255.0.0']],
  ['172.16.0.0/12 private-use', '172.16.0.0', '172.31.255.255', ['172.15.255.255', '172.32.0.0']],
  ['192.0.0.0/24 IETF protocol assignments', '192.0.0.0', '192.0.0.255', ['191.255.255.255', '192.0.1.0']],
  ['192.0.0.8/32 IPv4 dummy address', '192.0.0.8', '192.0.0.8', []],
  ['192.0.0.170/31 NAT64/DNS64 discovery', '192.0.0.170', '192.0.0.171', []],
  ['192.0.2.0/24 TEST-NET-1', '192.0.2.0', '192.0.2.255', ['192.0.3.0']],
  ['192.88.99.0/24 deprecated 6to4 relay anycast', '192.88.99.0', '192.88.99.255', ['192.88.98.255', '192.88.100.0']],
  ['192.168.0.0/16 private-use', '192.168.0.0', '192.168.255.255', ['192.167.255.255', '192.169.0.0']],
  ['198.18.0.0/15 benchmarking', '198.18.0.0', '198.19.255.255', ['198.17.255.255', '198.20.0.0']],
  ['198.51.100.0/24 TEST-NET-2', '198.51.100.0', '198.51.100.255', ['198.51.99.255', '198.51.101.0']],
  ['203.0.113.0/24 TEST-NET-3', '203.0.113.0', '203.0.113.255', ['203.0.112.255', '203.0.114.0']],
  ['224.0.0.0/4 multicast', '224.0.0.0', '239.255.255.255', ['223.255.255.255']],
  ['240.0.0.0/4 reserved', '240.0.0.0', '255.255.255.254', []],
  ['255.255.255.255/32 limited broadcast', '255.255.255.255', '255.255.255.255', []],
];

const IPV6_SPECIAL: [string, string, string][] = [
  ['::1/128 loopback', '::1', '::1'],
  ['::/128 unspecified', '::', '::'],
  ['::/96 IPv4-compatible (deprecated)', '::7f00:1', '::ffff:ffff'],
  ['::ffff:0:0/96 IPv4-mapped', '::ffff:0:0', '::ffff:ffff:ffff'],
  ['64:ff9b:1::/48 local-use translation', '64:ff9b:1::', '64:ff9b:1:ffff:ffff:ffff:ffff:ffff'],
  ['100::/64 discard-only', '100::', '100::ffff:ffff:ffff:ffff'],
  ['100:0:0:1::/64 dummy prefix', '100:0:0:1::', '100:0:0:1:ffff:ffff:ffff:ffff'],
  ['2001::/23 IETF protocol assignments', '2001::', '2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['2001::/32 Teredo', '2001::1', '2001:0:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['2001:2::/48 benchmarking', '2001:2::', '2001:2:0:ffff:ffff:ffff:ffff:ffff'],
  ['2001:db8::/32 documentation', '2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['2002::/16 6to4', '2002:7f00:1::', '2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['3fff::/20 documentation', '3fff::', '3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['5f00::/16 SRv6 SIDs', '5f00::', '5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['fc00::/7 unique-local', 'fc00::', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['fe80::/10 link-local', 'fe80::', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['fec0::/10 site-local (deprecated)', 'fec0::', 'feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['ff00::/8 multicast', 'ff00::', 'ff02::1'],
];

const PUBLIC = [
  '93.184.216.34',
  '8.8.8.8',
  '1.1.1.1',
  '192.31.196.1',
  '2606:4700:4700::1111',
  '2a00:1450::1',
  '2620:4f:8000::1',
];

/** The spellings an IPv4 address can take inside an IPv6 URL host or socket address. */
function ipv6Spellings(v4: string): string[] {
  const [a = 0, b = 0, c = 0, d = 0] = v4.split('.').map(Number);
  const hex = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  return [`::ffff:${v4}`, `::ffff:${hex}`, `::${v4}`, `::${hex}`, `64:ff9b::${v4}`, `64:ff9b::${hex}`];
}

/** As a URL's host comes out of the URL parser (what the fetch path and the media proxy check). */
const urlHost = (address: string) => new URL(`http://${address.includes(':') ? `[${address}]` : address}/`).hostname;

describe('address guard: IANA special-purpose IPv4 ranges', () => {
  it.each(IPV4_SPECIAL)('%s is refused in every spelling', (_range, first, last, outside) => {
    for (const address of [first, last]) {
      expect(isPublicAddress(address), address).toBe(false);
      expect(isPrivateHost(urlHost(address)), urlHost(address)).toBe(true);
      for (const spelling of ipv6Spellings(address)) {
        expect(isPublicAddress(spelling), spelling).toBe(false);
        expect(isPrivateHost(urlHost(spelling)), `${spelling} → ${urlHost(spelling)}`).toBe(true);
      }
    }
    for (const address of outside) expect(isPublicAddress(address), `${address} (outside)`).toBe(true);
  });

  it('IPv4 in the other spellings the URL parser accepts (decimal, hex, octal, short) is refused', () => {
    for (const host of ['2130706433', '0x7f.1', '0177.0.0.1', '127.1', '0xa9fea9fe', '169.254.43518']) {
      expect(isPrivateHost(urlHost(host)), `${host} → ${urlHost(host)}`).toBe(true);
    }
  });
});

describe('address guard: IANA special-purpose IPv6 ranges', () => {
  it.each(IPV6_SPECIAL)('%s is refused', (_range, first, last) => {
    for (const address of [first, last]) {
      expect(isPublicAddress(address), address).toBe(false);
      expect(isPrivateHost(urlHost(address)), urlHost(address)).toBe(true);
    }
  });

  it('anything outside global unicast 2000::/3 is refused; zone ids are refused', () => {
    for (const address of ['1::1', '4000::1', 'e000::1', 'fe80::1%eth0', '[fe80::1%25eth0]']) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });
});

describe('address guard: public addresses and names', () => {
  it('public addresses pass, also behind the NAT64 well-known prefix', () => {
    for (const address of [...PUBLIC, '64:ff9b::8.8.8.8', '[64:ff9b::808:808]']) {
      expect(isPublicAddress(address), address).toBe(true);
      expect(isPrivateHost(urlHost(address.replace(/^\[|\]$/g, ''))), address).toBe(false);
    }
  });

  it('reserved names are private, other names are left to the DNS and connect checks', () => {
    for (const name of ['localhost', 'a.localhost', 'metadata.google.internal', 'printer.local', 'nas.home.arpa']) {
      expect(isPrivateHost(name), name).toBe(true);
    }
    for (const name of ['example.org', 'localhost.example.org', 'internal.example']) {
      expect(isPrivateHost(name), name).toBe(false);
    }
  });
});

describe('publicOnly fetching', () => {
  let srv: FixtureServer;
  beforeAll(async () => {
    srv = await startFixtureServer();
    srv.route('/secret', serveBody('secret'));
  });
  afterAll(() => srv.close());

  it('resolvesToPublicAddress judges literals as written and names by what they resolve to', async () => {
    expect(await resolvesToPublicAddress('https://93.184.216.34/feed')).toBe(true);
    expect(await resolvesToPublicAddress('http://[2606:4700:4700::1111]/')).toBe(true);
    for (const url of ['http://127.0.0.1/', 'http://[::ffff:7f00:1]/', 'http://localhost/', `http://${hostname()}/`]) {
      expect(await resolvesToPublicAddress(url), url).toBe(false);
    }
    expect(await resolvesToPublicAddress('not a url')).toBe(false);
  });

  it('add: a public page cannot steer discovery to a feed on a private address; a LAN page can', async () => {
    srv.route('/inner.xml', serveBody(rss('Inner', [{ id: 'i-1', title: 'internal' }])));
    srv.route(
      '/site.html',
      serveBody(`<html><head><link rel="alternate" type="application/rss+xml" href="${srv.url('/inner.xml')}">`),
    );
    // Judged public (a test machine has no public host to serve from), every fetch of the discovery is publicOnly:
    // the page, its redirects and the feeds it names. Here even the loopback page is refused, and nothing is fetched.
    await expect(resolveFeed(srv.url('/site.html'), { isPublic: async () => true })).rejects.toThrow(/private address/);
    expect(srv.requestsFor('/site.html')).toHaveLength(0);
    expect(srv.requestsFor('/inner.xml')).toHaveLength(0);
    // The user's own LAN page (judged by its address) may name a LAN feed.
    await expect(resolveFeed(srv.url('/site.html'))).resolves.toMatchObject({ url: srv.url('/inner.xml'), items: 1 });
  });

  it('a feed on a public address cannot redirect the fetcher to a private one; a LAN feed may redirect on the LAN', async () => {
    srv.route('/inside', serveBody('inside'));
    srv.route('/moved', { status: 301, headers: { location: srv.url('/inside') } });
    srv.route('/moved-by-name', {
      status: 302,
      headers: { location: srv.url('/inside').replace('127.0.0.1', 'localhost') },
    });
    // Judged public (there is no public host to serve from here): the redirect inward is refused, not followed.
    for (const path of ['/moved', '/moved-by-name']) {
      const r = await fetchFeed({ url: srv.url(path) }, { isPublicUrl: async () => true });
      expect(r.kind, path).toBe('error');
      expect(r.kind === 'error' && r.reason).toBe('blocked');
      expect(r.kind === 'error' && r.message).toMatch(/private address \(redirected to from the public/);
    }
    expect(srv.requestsFor('/inside')).toHaveLength(0);
    // A feed on the LAN (judged by its address) may redirect within it.
    expect((await fetchFeed({ url: srv.url('/moved') })).kind).toBe('ok');
    expect(srv.requestsFor('/inside')).toHaveLength(1);
  });

  it('refuses loopback written as IPv4-mapped IPv6 (which the URL parser turns into [::ffff:7f00:1])', async () => {
    for (const host of ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::127.0.0.1]', '[64:ff9b::127.0.0.1]']) {
      const url = `http://${host}:${srv.port}/secret`;
      const r = await fetchFeed({ url }, { publicOnly: true });
      expect(r.kind, url).toBe('error');
      expect(r.kind === 'error' && r.reason, url).toBe('blocked');
    }
    expect(srv.requestsFor('/secret')).toHaveLength(0);
  });

  it('judges the address actually connected, not only names and literals before the connection', async () => {
    // A connector that checks nothing before connecting (as if a DNS answer had changed after it was checked):
    // the guard still refuses the socket once it sees the peer is loopback, before any request is written.
    const { Agent } = await import('undici');
    const agent = new Agent({ connect: guardConnectedAddress(buildConnector({ timeout: 2000 })) });
    try {
      const r = await fetchFeed({ url: srv.url('/secret') }, { dispatcher: agent });
      expect(r.kind).toBe('error');
      expect(r.kind === 'error' && r.reason).toBe('blocked');
      expect(r.kind === 'error' && r.message).toMatch(/private address \(127\.0\.0\.1\)/);
      expect(srv.requestsFor('/secret')).toHaveLength(0);
      // The same request through an unguarded connector is answered: the refusal above is the guard's.
      const plain = new Agent();
      expect((await fetchFeed({ url: srv.url('/secret') }, { dispatcher: plain })).kind).toBe('ok');
      await plain.close();
    } finally {
      await agent.close();
    }
  });
});
