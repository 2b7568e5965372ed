import { afterEach, describe, expect, it } from 'vitest';
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
