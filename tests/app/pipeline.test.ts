import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle } from '../../src/app/cycle.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import { dialects, storedItemCount, type TestDatabase } from '../support/databases.ts';
import { atom, entries, rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults, type TestRuntime, testRuntime } from '../support/runtime.ts';

/** Dated entries whose titles carry non-ASCII text through the pipeline. */
const DATED = { newest: new Date(Date.UTC(2026, 10, 1, 12)), titleSuffix: ' – Grüße' };

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== '')(`ingest pipeline on ${dialect.name} ${dialect.skip}`, () => {
    let server: FixtureServer;
    let database: TestDatabase;
    let t: TestRuntime;
    const config = () => ({
      defaults: fastDefaults,
      sources: [
        { url: server.url('/rss.xml'), title: 'RSS source', category: 'News' },
        { url: server.url('/atom.xml'), title: 'Atom source', category: 'News' },
        { url: server.url('/broken.xml'), category: 'Broken' },
        { url: server.url('/gone.xml'), category: 'Broken' },
        { url: server.url('/moved.xml'), category: 'News' },
      ],
      topics: [],
    });

    beforeAll(async () => {
      server = await startFixtureServer();
      server.route('/rss.xml', serveBody(rss('RSS source', entries('rss', 10, DATED)), { etag: '"r1"' }));
      server.route(
        '/atom.xml',
        serveBody(atom('Atom source', entries('atom', 5, DATED)), { lastModified: 'Sun, 01 Nov 2026 10:00:00 GMT' }),
      );
      server.route('/broken.xml', {
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<html><body>Not a feed</body></html>',
      });
      server.route('/gone.xml', { status: 410, body: 'gone' });
      server.route('/moved.xml', { status: 301, headers: { location: server.url('/new-home.xml') } });
      server.route('/new-home.xml', serveBody(rss('Moved', entries('moved', 2, DATED))));
      database = await dialect.create();
      t = await testRuntime(config(), { databaseUrl: database.url, workers: 1 });
    });
    afterAll(async () => {
      await t?.cleanup();
      await database?.drop();
      await server?.close();
    });

    it('fetches every source once: items stored, failures classified, nothing else disturbed', async () => {
      const summary = await runCycle(t.runtime, { force: true });
      expect(summary).toMatchObject({ sources: 5, ok: 3, failed: 2, itemsNew: 17 });
      const sources = await t.runtime.store.listSources();
      const byUrl = (p: string) => sources.find((s) => s.configUrl === server.url(p))!;
      expect(byUrl('/rss.xml')).toMatchObject({ status: 'ok', itemCount: 10, etag: '"r1"', feedTitle: 'RSS source' });
      expect(byUrl('/broken.xml')).toMatchObject({ errorReason: 'not_a_feed' });
      expect(byUrl('/broken.xml').status).not.toBe('ok');
      expect(byUrl('/gone.xml')).toMatchObject({ status: 'dead', errorReason: 'gone' });
      const items = await t.runtime.store.listItems({ sourceId: byUrl('/rss.xml').id }, 50);
      expect(items.items[0]!.title).toBe('rss story 0 – Grüße');
    });

    it('answers a second cycle with conditional GETs: 304, no parse, no writes', async () => {
      const before = await storedItemCount(t.runtime.store);
      const summary = await runCycle(t.runtime, {
        force: true,
        sourceUrls: [server.url('/rss.xml'), server.url('/atom.xml')],
      });
      expect(summary).toMatchObject({ sources: 2, notModified: 2, itemsNew: 0, itemsUpdated: 0 });
      const rssRequests = server.requestsFor('/rss.xml');
      expect(rssRequests.at(-1)!.headers['if-none-match']).toBe('"r1"');
      expect(server.requestsFor('/atom.xml').at(-1)!.headers['if-modified-since']).toBe(
        'Sun, 01 Nov 2026 10:00:00 GMT',
      );
      expect(await storedItemCount(t.runtime.store)).toBe(before);
    });

    it('updates a changed item in place (same id) and adds new ones once', async () => {
      const source = (await t.runtime.store.findSourceByUrl(server.url('/rss.xml')))!;
      const old = (await t.runtime.store.listItems({ sourceId: source.id }, 50)).items.find((i) => i.guid === 'rss-3')!;
      const changed = entries('rss', 10, DATED);
      changed[3] = { ...changed[3]!, title: 'rss story 3, corrected' };
      changed.unshift({ id: 'rss-new', title: 'brand new', date: '2026-11-02T00:00:00Z' });
      server.route('/rss.xml', serveBody(rss('RSS source', changed), { etag: '"r2"' }));
      const summary = await runCycle(t.runtime, { force: true, sourceUrls: [server.url('/rss.xml')] });
      expect(summary).toMatchObject({ itemsNew: 1, itemsUpdated: 1 });
      const after = await t.runtime.store.getItem(old.id);
      expect(after?.title).toBe('rss story 3, corrected');
      const again = await runCycle(t.runtime, { force: true, sourceUrls: [server.url('/rss.xml')] });
      expect(again).toMatchObject({ notModified: 1, itemsNew: 0 });
    });

    it('follows a consistent permanent redirect into the stored URL, and stops fetching a 410', async () => {
      await runCycle(t.runtime, { force: true, sourceUrls: [server.url('/moved.xml')] });
      const moved = (await t.runtime.store.findSourceByUrl(server.url('/moved.xml')))!;
      expect(moved.fetchUrl).toBe(server.url('/new-home.xml'));
      expect(moved.configUrl).toBe(server.url('/moved.xml'));
      const goneRequests = server.requestsFor('/gone.xml').length;
      await runCycle(t.runtime, { force: true });
      expect(server.requestsFor('/gone.xml').length).toBe(goneRequests);
    });

    it('applies config edits: new sources are fetched, removed ones stop but keep their items', async () => {
      server.route('/late.xml', serveBody(rss('Late', entries('late', 3, DATED))));
      const next = config();
      next.sources = next.sources.filter((s) => !s.url.endsWith('/atom.xml'));
      next.sources.push({ url: server.url('/late.xml'), title: 'Late', category: 'News' });
      t.writeConfig(next);
      const loaded = await loadConfigFile(t.configPath);
      if (!loaded.ok) throw new Error('config invalid');
      await t.runtime.applyConfig(loaded.config);
      const atomRequests = server.requestsFor('/atom.xml').length;
      const summary = await runCycle(t.runtime, { force: true });
      expect(summary.outcomes.map((o) => o.url)).toContain(server.url('/late.xml'));
      expect(server.requestsFor('/atom.xml').length).toBe(atomRequests);
      const atomSource = (await t.runtime.store.findSourceByUrl(server.url('/atom.xml')))!;
      expect(atomSource.inConfig).toBe(false);
      expect((await t.runtime.store.listItems({ sourceId: atomSource.id }, 50)).items).toHaveLength(5);
    });
  });
}

describe('bundled config', () => {
  it('is valid and lists German and English sources in categories', async () => {
    const loaded = await loadConfigFile(new URL('../../rundschau.yaml', import.meta.url).pathname);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const languages = new Set(loaded.config.sources.map((s) => s.language));
    expect(languages).toEqual(new Set(['de', 'en']));
    expect(new Set(loaded.config.sources.map((s) => s.category)).size).toBeGreaterThanOrEqual(3);
    expect(readFileSync(new URL('../../rundschau.yaml', import.meta.url), 'utf8')).toContain('# ');
  });
});
