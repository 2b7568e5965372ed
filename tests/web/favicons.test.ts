import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { silentLogger } from '../../src/lib/log.ts';
import { createMetrics } from '../../src/lib/metrics.ts';
import { createApp } from '../../src/web/app.ts';
import { Favicons, ICON_MAX_AGE_MS, MISSING_ICON_MAX_AGE_MS } from '../../src/web/favicons.ts';
import { dialects, type TestDatabase } from '../support/databases.ts';
import { type FixtureServer, startFixtureServer } from '../support/fixture-server.ts';
import { makeSource } from '../support/items.ts';
import { Client, type WebHarness, webHarness } from '../support/web.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

let h: WebHarness | undefined;
let srv: FixtureServer | undefined;
afterEach(async () => {
  await h?.close();
  await srv?.close();
  h = srv = undefined;
});

async function setup(mediaProxy: string) {
  srv = await startFixtureServer();
  h = await webHarness({ server: { mediaProxy } });
  await h.store.syncSources([
    makeSource(srv.url('/a.xml'), { title: 'A' }),
    makeSource(srv.url('/b.xml'), { title: 'B (same site)' }),
  ]);
  return { sources: await h.store.listSources(), client: new Client(h.app) };
}

describe('site icons', () => {
  it('fetches a site’s icon once, sniffs its type, and serves it for every source of the site', async () => {
    const { sources, client } = await setup('allow-private');
    srv!.route('/favicon.ico', { headers: { 'content-type': 'text/plain' }, body: PNG });
    const first = await client.request(`/favicons/${sources[0]!.id}`);
    expect(first.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await first.arrayBuffer())).toEqual(PNG);
    const second = await client.request(`/favicons/${sources[1]!.id}`);
    expect(second.headers.get('content-type')).toBe('image/png');
    await client.request(`/favicons/${sources[0]!.id}`);
    expect(srv!.requestsFor('/favicon.ico')).toHaveLength(1);
  });

  it('answers a neutral placeholder when the site has no usable icon (404, HTML, unknown source)', async () => {
    const { sources, client } = await setup('allow-private');
    srv!.route('/favicon.ico', { headers: { 'content-type': 'text/html' }, body: '<html>not an icon</html>' });
    const res = await client.request(`/favicons/${sources[0]!.id}`);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(await res.text()).toMatch(/^<svg [^>]*><rect [^>]*\/><\/svg>$/);
    expect((await client.request('/favicons/99999')).headers.get('content-type')).toBe('image/svg+xml');
  });

  it('keeps to the media proxy’s address guard: a loopback site is not fetched unless private media is allowed', async () => {
    const { sources, client } = await setup('on');
    srv!.route('/favicon.ico', { headers: { 'content-type': 'image/png' }, body: PNG });
    const res = await client.request(`/favicons/${sources[0]!.id}`);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(srv!.requestsFor('/favicon.ico')).toHaveLength(0);
  });
});

const localName = hostname();
const localNameIsLoopback = (await lookup(localName).catch(() => undefined))?.address.startsWith('127.') ?? false;

/** A reader process on `database`: its own app and store connection (as a second replica, or after a restart). */
async function instance(database: TestDatabase, mediaProxy: string, now: () => number = Date.now) {
  const store = await database.open();
  const config = configSchema.parse({ server: { mediaProxy } });
  const app = createApp({ store, config: () => config, metrics: createMetrics(false), log: silentLogger, now });
  return { store, client: new Client(app), close: () => store.close() };
}

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== '')(`site icons kept in the database (${dialect.name}) ${dialect.skip}`, () => {
    it('one fetch per site across two server processes and a restart; a missing icon is asked again a day later', async () => {
      const database = await dialect.create();
      const fixture = await startFixtureServer();
      srv = fixture;
      let clock = Date.now();
      const now = () => clock;
      const a = await instance(database, 'allow-private', now);
      const b = await instance(database, 'allow-private', now);
      try {
        await a.store.syncSources([makeSource(fixture.url('/a.xml')), makeSource(fixture.url('/b.xml'))]);
        const [one, two] = await a.store.listSources();
        fixture.route('/favicon.ico', { headers: { 'content-type': 'image/png' }, body: PNG });
        const first = await a.client.request(`/favicons/${one!.id}`);
        expect(Buffer.from(await first.arrayBuffer())).toEqual(PNG);
        // The other process (another replica on the same database) serves it without fetching.
        const other = await b.client.request(`/favicons/${two!.id}`);
        expect(other.headers.get('content-type')).toBe('image/png');
        expect(Buffer.from(await other.arrayBuffer())).toEqual(PNG);
        await a.close();
        // A restart: a new process on the same database.
        const restarted = await instance(database, 'allow-private', now);
        expect(Buffer.from(await (await restarted.client.request(`/favicons/${one!.id}`)).arrayBuffer())).toEqual(PNG);
        await restarted.close();
        expect(fixture.requestsFor('/favicon.ico')).toHaveLength(1);
        // A month on, the icon is fetched again (once).
        clock += ICON_MAX_AGE_MS + 1;
        const later = await instance(database, 'allow-private', now);
        await later.client.request(`/favicons/${one!.id}`);
        await later.client.request(`/favicons/${two!.id}`);
        await later.close();
        expect(fixture.requestsFor('/favicon.ico')).toHaveLength(2);

        // The negative cache: a site without an icon is not asked on every page, in any process.
        await b.store.syncSources([makeSource(fixture.url('/a.xml').replace('127.0.0.1', 'localhost'))]);
        const third = (await b.store.listSources()).find((s) => s.fetchUrl.includes('localhost'))!;
        fixture.route('/favicon.ico', { status: 404, body: 'no' });
        const c = await instance(database, 'allow-private', now);
        for (const client of [b.client, c.client, b.client]) {
          const res = await client.request(`/favicons/${third.id}`);
          expect(res.headers.get('content-type')).toBe('image/svg+xml');
        }
        expect(fixture.requestsFor('/favicon.ico')).toHaveLength(3);
        clock += MISSING_ICON_MAX_AGE_MS + 1;
        await c.client.request(`/favicons/${third.id}`);
        await c.close();
        expect(fixture.requestsFor('/favicon.ico')).toHaveLength(4);
      } finally {
        await b.close();
        await database.drop();
      }
    });
  });
}

describe('hostile icon addresses', () => {
  it('refuses loopback in any spelling (IPv6, IPv4-mapped, short and hex IPv4) when private media is not allowed', async () => {
    srv = await startFixtureServer();
    h = await webHarness({ server: { mediaProxy: 'on' } });
    const port = new URL(srv.url('/')).port;
    const spellings = [
      `http://[::1]:${port}/a.xml`,
      `http://[0:0:0:0:0:0:0:1]:${port}/b.xml`,
      `http://[::ffff:127.0.0.1]:${port}/c.xml`,
      `http://[::ffff:7f00:1]:${port}/d.xml`,
      `http://[0000::1]:${port}/e.xml`,
      `http://127.1:${port}/f.xml`,
      `http://0x7f000001:${port}/g.xml`,
      `http://2130706433:${port}/h.xml`,
      `http://localhost:${port}/i.xml`,
    ];
    await h.store.syncSources(spellings.map((url) => makeSource(url)));
    srv.route('/favicon.ico', { headers: { 'content-type': 'image/png' }, body: PNG });
    const client = new Client(h.app);
    for (const source of await h.store.listSources()) {
      const res = await client.request(`/favicons/${source.id}`);
      expect(res.headers.get('content-type'), source.fetchUrl).toBe('image/svg+xml');
    }
    expect(srv.requestsFor('/favicon.ico')).toHaveLength(0);
    // Refusals by the configuration are not stored: allowing private media later makes them work.
    expect(await h.store.siteIcon(`http://[::1]:${port}`)).toBeUndefined();
  });

  it.skipIf(!localNameIsLoopback)(
    'refuses a public site’s icon that redirects to a private address (needs the host name on loopback)',
    async () => {
      srv = await startFixtureServer();
      h = await webHarness({ server: { mediaProxy: 'on' } });
      const site = srv.url('/feed.xml').replace('127.0.0.1', localName);
      await h.store.syncSources([makeSource(site)]);
      srv.route('/favicon.ico', { status: 302, headers: { location: srv.url('/secret.png') } });
      srv.route('/secret.png', { headers: { 'content-type': 'image/png' }, body: PNG });
      // The first hop goes by name through a plain agent: it stands in for a public site that redirects inwards.
      const plain = new Agent();
      const [source] = await h.store.listSources();
      try {
        expect(await new Favicons(h.deps, { dispatcher: plain }).forSource(source!.id)).toBeNull();
      } finally {
        await plain.close();
      }
      expect(srv.requestsFor('/favicon.ico')).toHaveLength(1);
      expect(srv.requestsFor('/secret.png')).toHaveLength(0);
      // Stored as "no icon" for a day: not asked again on the next page.
      expect((await h.store.siteIcon(new URL(site).origin))?.contentType).toBeNull();
    },
  );
});
