import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { rss } from '../support/feeds.ts';
import { waitFor } from '../support/wait.ts';
import { Client } from '../support/web.ts';
import { CONFIG_HEAD, handConfig, type ManagedApp, managedApp } from './managed-app.ts';

let env: ManagedApp | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const feed = (title: string, n = 3) =>
  rss(
    title,
    Array.from({ length: n }, (_, i) => ({
      id: `${title}-${i}`,
      title: `${title} item ${i}`,
      date: new Date(Date.now() - i * 3_600_000).toISOString(),
    })),
  );

async function setup(extraSources = '') {
  env = await managedApp((srv) => handConfig(srv, extraSources));
  const { srv } = env;
  srv.route('/one.xml', { headers: { 'content-type': 'application/rss+xml' }, body: feed('One') });
  srv.route('/two.xml', { headers: { 'content-type': 'application/rss+xml' }, body: feed('Two') });
  srv.route('/atom.xml', { headers: { 'content-type': 'application/rss+xml' }, body: feed('Two (again)') });
  srv.route('/site', {
    headers: { 'content-type': 'text/html' },
    body: `<html><head><link rel="alternate" type="application/rss+xml" title="Two" href="/two.xml"></head></html>`,
  });
  srv.route('/two-feeds', {
    headers: { 'content-type': 'text/html' },
    body: `<html><head><link rel="alternate" type="application/rss+xml" title="Posts" href="/two.xml"><link rel="alternate" type="application/rss+xml" title="Comments" href="/atom.xml"></head></html>`,
  });
  const client = new Client(env.app);
  const csrf = await client.csrf('/sources');
  return { client, csrf, srv, path: env.rt.configPath };
}

describe('managing sources from the reader', () => {
  it('adds a source from a site URL: the YAML gains the entry (comments kept) and the reader lists it', async () => {
    const { client, csrf, srv, path } = await setup();
    const before = await readFile(path, 'utf8');
    const res = await client.post('/sources/new', {
      _csrf: csrf,
      url: srv.url('/site'),
      title: '',
      category: 'Blogs',
      language: 'en',
      interval: '2h',
      identity: 'link',
      retentionDays: '30',
      retentionItems: '',
      retentionMinItems: '',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/sources\/\d+\/manage\?done=added$/);
    const after = await readFile(path, 'utf8');
    expect(after.startsWith(before.slice(0, before.indexOf('\ntopics:')))).toBe(true);
    expect(after).toContain(
      `  - url: ${srv.url('/two.xml')}\n    title: Two\n    category: Blogs\n    language: en\n    interval: 2h\n    identity: link\n    retention:\n      days: 30\n`,
    );
    expect(after).toContain('cloud: 1    # the word itself');
    const sources = await env!.rt.runtime.store.listSources();
    expect(sources.find((s) => s.configUrl === srv.url('/two.xml'))).toMatchObject({
      category: 'Blogs',
      intervalOverride: 7200,
      identity: 'link',
    });
    const { html } = await client.get('/sources');
    expect(html).toContain('>Two</a>');
  });

  it('lets the editor pick when a page offers several feeds', async () => {
    const { client, csrf, srv, path } = await setup();
    const res = await client.post('/sources/new', { _csrf: csrf, url: srv.url('/two-feeds'), category: 'Blogs' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`value="${srv.url('/two.xml')}"`);
    expect(html).toContain(`value="${srv.url('/atom.xml')}"`);
    expect(await readFile(path, 'utf8')).not.toContain('/atom.xml');
    const chosen = await client.post('/sources/new', {
      _csrf: csrf,
      url: srv.url('/two-feeds'),
      feed: srv.url('/atom.xml'),
      category: 'Blogs',
    });
    expect(chosen.status).toBe(303);
    expect(await readFile(path, 'utf8')).toContain(`url: ${srv.url('/atom.xml')}`);
  });

  it('shows check-config’s errors in the form and writes nothing', async () => {
    const { client, csrf, srv, path } = await setup();
    const before = await readFile(path, 'utf8');
    const res = await client.post('/sources/new', { _csrf: csrf, url: srv.url('/two.xml'), interval: 'soon' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('must be a duration like 30s, 15m, 2h or 1d');
    const dup = await client.post('/sources/new', { _csrf: csrf, url: srv.url('/one.xml') });
    expect(await dup.text()).toContain('already subscribed as');
    const none = await client.post('/sources/new', { _csrf: csrf, url: srv.url('/nothing-here') });
    expect(none.status).toBe(422);
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('edits, disables, enables and deletes a source: each an edit of the file, the rest of it untouched', async () => {
    const { client, csrf, path } = await setup();
    const store = env!.rt.runtime.store;
    const one = (await store.listSources())[0]!;
    const original = await readFile(path, 'utf8');

    const saved = await client.post(`/sources/${one.id}/manage`, {
      _csrf: csrf,
      title: 'One (renamed)',
      category: 'Moved',
      language: '',
      interval: '',
      identity: 'auto',
      retentionDays: '',
      retentionItems: '',
      retentionMinItems: '',
    });
    expect(saved.status).toBe(303);
    let text = await readFile(path, 'utf8');
    expect(text).toBe(
      original.replace('    title: One\n    category: Tech\n', '    title: One (renamed)\n    category: Moved\n'),
    );
    expect(await store.getSource(one.id)).toMatchObject({ title: 'One (renamed)', category: 'Moved' });
    expect((await client.get('/categories/Moved')).html).toContain('One (renamed)');

    const bad = await client.post(`/sources/${one.id}/manage`, { _csrf: csrf, category: 'X', retentionDays: '-3' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toMatch(
      /rundschau\.yaml:\d+:\d+<\/code> <code>sources\[0\]\.retention\.days<\/code> Invalid input/,
    );
    expect(await readFile(path, 'utf8')).toBe(text);

    await client.post(`/sources/${one.id}/enabled`, { _csrf: csrf, enabled: '0' });
    text = await readFile(path, 'utf8');
    expect(text).toContain('    tags: [a, b]\n    disabled: true\n');
    expect(await store.getSource(one.id)).toMatchObject({ enabled: false });
    await client.post(`/sources/${one.id}/enabled`, { _csrf: csrf, enabled: '1' });
    expect(await readFile(path, 'utf8')).not.toContain('disabled');
    expect(await store.getSource(one.id)).toMatchObject({ enabled: true });

    const unconfirmed = await client.post(`/sources/${one.id}/delete`, { _csrf: csrf });
    expect(unconfirmed.status).toBe(422);
    const deleted = await client.post(`/sources/${one.id}/delete`, { _csrf: csrf, confirm: '1' });
    expect(deleted.headers.get('location')).toBe('/sources?done=deleted');
    text = await readFile(path, 'utf8');
    expect(text).not.toContain('/one.xml');
    expect(text).toContain('# --- the first one');
    expect(text.startsWith(CONFIG_HEAD)).toBe(true);
    expect(await store.getSource(one.id)).toMatchObject({ inConfig: false });
  });

  it('refreshes a source now: fetched at once, its items readable, the attempt in its strip', async () => {
    const { client, csrf, srv } = await setup();
    const store = env!.rt.runtime.store;
    const one = (await store.listSources())[0]!;
    const res = await client.post(`/sources/${one.id}/refresh`, { _csrf: csrf });
    expect(res.headers.get('location')).toMatch(/done=refreshed&outcome=ok/);
    expect(srv.requestsFor('/one.xml').length).toBe(1);
    expect((await store.getSource(one.id))!.itemCount).toBe(3);
    const { html } = await client.get(`/sources/${one.id}/manage`);
    expect(html).toMatch(/class="ok" d="M/);
  });

  it('imports OPML (nested folders become "Parent / Child") with per-source results', async () => {
    const { client, csrf, srv, path } = await setup();
    const opml = `<?xml version="1.0"?><opml version="2.0"><body>
      <outline text="News"><outline text="Germany">
        <outline type="rss" text="Two" xmlUrl="${srv.url('/two.xml')}"/>
      </outline></outline>
      <outline type="rss" text="One again" xmlUrl="${srv.url('/one.xml')}"/>
      <outline type="rss" text="Not http" xmlUrl="ftp://x.example/feed"/>
    </body></opml>`;
    const form = new FormData();
    form.set('_csrf', csrf);
    form.set('opml', new File([opml], 'subs.opml', { type: 'text/x-opml' }));
    const res = await client.request('/sources/import', {
      method: 'POST',
      body: form,
      headers: { origin: 'http://127.0.0.1' },
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    // (The ftp: outline is no feed subscription at all: parseOpml leaves it out.)
    expect(html).toMatch(/1 added, 1 not added/);
    expect(html).toContain('import-added');
    expect(html).toContain('import-duplicate');
    const text = await readFile(path, 'utf8');
    expect(text).toContain(`  - url: ${srv.url('/two.xml')}\n    title: Two\n    category: News / Germany\n`);
    expect(text.startsWith(CONFIG_HEAD)).toBe(true);
  });

  it('shows the file’s rejected edit to editors on every page and reports degraded health until it is fixed', async () => {
    const { client, path } = await setup();
    const good = await readFile(path, 'utf8');
    await writeFile(path, good.replace('minInterval: 60', 'minInterval: often'));
    await waitFor(async () => (await client.get('/healthz')).html.includes('degraded'));
    const health = JSON.parse((await client.get('/healthz')).html);
    expect(health.status).toBe('degraded');
    expect(health.config).toMatch(/rundschau\.yaml:3:\d+: defaults\.minInterval: must be a duration/);
    for (const page of ['/', '/sources', '/topics']) {
      expect((await client.get(page)).html).toMatch(/config-rejected[\s\S]*defaults\.minInterval/);
    }
    await writeFile(path, good.replace('minInterval: 60', 'minInterval: 120'));
    await waitFor(async () => JSON.parse((await client.get('/healthz')).html).status === 'ok');
    expect((await client.get('/')).html).not.toContain('config-rejected');
  });

  it('needs an editor: with a password, anonymous visitors see no controls and cannot post', async () => {
    const { client, csrf, srv, path } = await setup();
    const text = await readFile(path, 'utf8');
    const { hashPassword } = await import('../../src/web/auth.ts');
    await writeFile(path, text.replace('server:\n', `server:\n  passwordHash: "${await hashPassword('pw')}"\n`));
    await waitFor(() => Boolean(env!.rt.runtime.config().server.passwordHash));
    const { html } = await client.get('/sources');
    expect(html).not.toContain('/sources/new');
    expect(html).not.toContain('manage-link');
    // The session secret follows the password: a fresh token for the anonymous visitor.
    const res = await client.post('/sources/new', { _csrf: await client.csrf('/sources'), url: srv.url('/two.xml') });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/login/);
    expect(csrf).not.toBe(await client.csrf('/sources'));
    const noCsrf = await new Client(env!.app).post('/sources/new', { url: srv.url('/two.xml') });
    expect(noCsrf.status).toBe(403);
  });
});
