import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slicePath } from '../support/corpus.ts';
import { type FixtureServer, serveBody, serveFile, startFixtureServer } from '../support/fixture-server.ts';

describe('fixture server', () => {
  let srv: FixtureServer;
  beforeAll(async () => {
    srv = await startFixtureServer();
  });
  afterAll(() => srv.close());

  it('serves static routes and logs requests', async () => {
    srv.route('/a', { status: 201, headers: { 'x-test': '1' }, body: 'hello' });
    const res = await fetch(srv.url('/a?x=1'), { headers: { 'x-probe': 'yes' } });
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('hello');
    const logged = srv.requestsFor('/a');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.headers['x-probe']).toBe('yes');
    expect(logged[0]?.path).toBe('/a?x=1');
  });

  it('answers 404 for unknown paths', async () => {
    const res = await fetch(srv.url('/nope'));
    expect(res.status).toBe(404);
  });

  it('serves compressed bodies and 304 on a matching ETag', async () => {
    srv.route('/g', serveBody('<rss/>', { etag: '"v1"', encoding: 'gzip' }));
    const res = await fetch(srv.url('/g'));
    expect(res.headers.get('etag')).toBe('"v1"');
    expect(await res.text()).toBe('<rss/>');
    const again = await fetch(srv.url('/g'), { headers: { 'if-none-match': '"v1"' } });
    expect(again.status).toBe(304);
  });

  it('serves a corpus file', async () => {
    srv.route(
      '/c',
      serveFile(slicePath('codehollow-feedreader/AtomVergeAllPosts.xml'), { contentType: 'application/atom+xml' }),
    );
    const res = await fetch(srv.url('/c'));
    expect(res.headers.get('content-type')).toBe('application/atom+xml');
    expect(await res.text()).toContain('<feed');
  });
});
