import { readFileSync } from 'node:fs';
import { decodeXML } from 'entities';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle } from '../../src/app/cycle.ts';
import { silentLogger } from '../../src/lib/log.ts';
import { createMetrics } from '../../src/lib/metrics.ts';
import type { ItemWithSource } from '../../src/store/types.ts';
import { createApp } from '../../src/web/app.ts';
import { runCli } from '../support/cli.ts';
import { dialects, type TestDatabase } from '../support/databases.ts';
import { type FeedEntry, rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults, type TestRuntime, testRuntime } from '../support/runtime.ts';

const DAY = 86_400_000;
/** heise online's RDF feed (RSS 0.90, from picoFeed's tests, MIT): 60 items, none of them dated. */
const HEISE_RDF = readFileSync(new URL('./fixtures/heise.rdf', import.meta.url), 'utf8');
const HEISE_TITLES = [...HEISE_RDF.matchAll(/<item>\s*<title>([^<]+)<\/title>/g)].map((m) => decodeXML(m[1]!).trim());

/** A quiet blog's archive: 60 posts a week apart, the newest three years old (more than the default minimum of 50). */
function archiveEntries(started: number, count = 60): FeedEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `post-${i}`,
    title: `Archive post ${i}`,
    date: new Date(started - 3 * 365 * DAY - i * 7 * DAY).toISOString(),
  }));
}

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== '')(`old and undated feeds on ${dialect.name} ${dialect.skip}`, () => {
    const started = Date.now();
    let server: FixtureServer;
    let database: TestDatabase;
    let t: TestRuntime;
    const url = (path: string) => server.url(path);
    const items = async (path: string): Promise<ItemWithSource[]> => {
      const source = (await t.runtime.store.findSourceByUrl(url(path)))!;
      return (await t.runtime.store.listItems({ sourceId: source.id }, 500)).items;
    };
    /** A cycle as the scheduler would run it `days` from now. */
    const cycleAt = (days: number, paths: string[]) =>
      runCycle({ ...t.runtime, now: () => started + days * DAY }, { force: true, sourceUrls: paths.map(url) });

    beforeAll(async () => {
      server = await startFixtureServer();
      server.route('/archive.xml', serveBody(rss('Quiet blog', archiveEntries(started))));
      server.route('/heise.rdf', serveBody(HEISE_RDF, { contentType: 'application/rdf+xml' }));
      server.route(
        '/news.xml',
        serveBody(
          rss('News', [{ id: 'fresh', title: 'Fresh news', date: new Date(started - 3_600_000).toISOString() }]),
        ),
      );
      database = await dialect.create();
      // Default retention (180 days, at least 50 items per source), as a new user gets it.
      const sources = ['/archive.xml', '/heise.rdf', '/news.xml'].map((p) => ({ url: url(p), category: 'Test' }));
      t = await testRuntime({ defaults: fastDefaults, sources, topics: [] }, { databaseUrl: database.url, workers: 1 });
    });
    afterAll(async () => {
      await t?.cleanup();
      await database?.drop();
      await server?.close();
    });

    it('shows every item of a feed whose newest item is three years old: store, CLI and web river', async () => {
      const summary = await cycleAt(0, ['/archive.xml', '/heise.rdf', '/news.xml']);
      expect(summary).toMatchObject({ ok: 3, failed: 0 });
      const stored = await items('/archive.xml');
      expect(stored.map((i) => i.title)).toEqual(archiveEntries(started).map((e) => e.title));
      expect((await t.runtime.store.findSourceByUrl(url('/archive.xml')))!.itemCount).toBe(60);

      const cli = await runCli(
        ['items', '--config', t.configPath, '--source', url('/archive.xml'), '--limit', '100', '--json'],
        { env: { DATABASE_URL: database.url } },
      );
      expect(cli.code, cli.stderr).toBe(0);
      const rows = JSON.parse(cli.stdout) as { sourceUrl: string; title: string; dateEstimated: boolean }[];
      expect(rows).toHaveLength(60);
      expect(rows[0]).toMatchObject({ sourceUrl: url('/archive.xml'), title: 'Archive post 0', dateEstimated: false });

      const app = createApp({
        store: t.runtime.store,
        config: t.runtime.config,
        metrics: createMetrics(false),
        log: silentLogger,
      });
      // The source's river, page by page as a reader follows "older": every post once, newest first.
      const source = (await t.runtime.store.findSourceByUrl(url('/archive.xml')))!;
      const shown: string[] = [];
      let next: string | undefined = `/sources/${source.id}?show=all`;
      for (let pages = 0; next && pages < 5; pages++) {
        const html = await (await app.request(next)).text();
        shown.push(...[...html.matchAll(/class="entry-link">(Archive post \d+)</g)].map((m) => m[1]!));
        next = /<a href="([^"]+)" class="btn" rel="next">/.exec(html)?.[1]?.replaceAll('&amp;', '&');
      }
      expect(shown).toEqual(archiveEntries(started).map((e) => e.title));
    });

    it("keeps an undated feed's document order, dates its backlog below the news and marks it estimated", async () => {
      const heise = await items('/heise.rdf');
      expect(HEISE_TITLES).toHaveLength(60);
      expect(heise.map((i) => i.title)).toEqual(HEISE_TITLES);
      expect(heise.every((i) => i.dateEstimated)).toBe(true);
      // The backlog's age is unknown: at least a day before the first fetch, so news of the last hours stays on top.
      expect(Math.max(...heise.map((i) => i.publishedAt))).toBeLessThanOrEqual(started - DAY);
      const river = (await t.runtime.store.listItems({}, 3)).items;
      expect(river[0]!.title).toBe('Fresh news');

      const cli = await runCli(
        ['items', '--config', t.configPath, '--source', url('/heise.rdf'), '--limit', '100', '--json'],
        { env: { DATABASE_URL: database.url } },
      );
      expect(cli.code, cli.stderr).toBe(0);
      const rows = JSON.parse(cli.stdout) as { title: string; dateEstimated: boolean }[];
      expect(rows.map((r) => [r.title, r.dateEstimated])).toEqual(HEISE_TITLES.map((title) => [title, true]));

      const app = createApp({
        store: t.runtime.store,
        config: t.runtime.config,
        metrics: createMetrics(false),
        log: silentLogger,
      });
      const first = heise[0]!;
      const river2 = await (await app.request(`/sources/${first.sourceId}?show=all`)).text();
      expect(river2).toMatch(/<time [^>]*title="[^"]*\(date estimated\)"[^>]*>~/);
      const itemPage = await (await app.request(`/items/${first.id}`)).text();
      expect(itemPage).toMatch(/<time [^>]*title="[^"]*\(date estimated\)"[^>]*>~/);
      // Published feeds leave the backlog out: their readers would take it for 60 new entries.
      const published = (await (await app.request('/feeds/all.json?limit=200')).json()) as {
        items: { title: string }[];
      };
      const titles = published.items.map((i) => i.title);
      expect(titles).toContain('Fresh news');
      expect(titles).toContain('Archive post 59');
      expect(titles.filter((title) => HEISE_TITLES.includes(title))).toEqual([]);
    });

    it('dates an undated item that appears later by when it was first seen, and an edit does not move a date', async () => {
      const before = await items('/heise.rdf');
      const later = started + 2 * 3_600_000;
      const edited = HEISE_RDF.replace(
        '<item>',
        '<item><title>Neu: ein Artikel nach dem Abo</title><link>https://www.heise.de/newsticker/meldung/neu.html</link><description>Neu.</description></item>\n<item>',
      ).replace('an wievielen Stellen das Unternehmen', 'an wie vielen Stellen das Unternehmen');
      server.route('/heise.rdf', serveBody(edited, { contentType: 'application/rdf+xml' }));
      const summary = await runCycle(
        { ...t.runtime, now: () => later },
        { force: true, sourceUrls: [url('/heise.rdf')] },
      );
      expect(summary).toMatchObject({ itemsNew: 1, itemsUpdated: 1 });
      const after = await items('/heise.rdf');
      expect(after[0]).toMatchObject({
        title: 'Neu: ein Artikel nach dem Abo',
        dateEstimated: true,
        publishedAt: later,
      });
      const editedItem = after.find((i) => i.id === before[0]!.id)!;
      expect(editedItem.summary).toContain('wie vielen');
      expect(editedItem.publishedAt).toBe(before[0]!.publishedAt);
      expect(after.slice(1).map((i) => i.title)).toEqual(HEISE_TITLES);
      // What appeared after the first import is news: the published feeds carry it.
      const app = createApp({
        store: t.runtime.store,
        config: t.runtime.config,
        metrics: createMetrics(false),
        log: silentLogger,
      });
      const published = (await (await app.request('/feeds/all.json?limit=200')).json()) as {
        items: { title: string }[];
      };
      expect(published.items[0]!.title).toBe('Neu: ein Artikel nach dem Abo');
    });

    it('removes only what left the feed, is past the retention age and beyond the minimum; it does not come back', async () => {
      // 200 days on (past the 180-day default), the feed carries only its 40 newest posts.
      const entries = archiveEntries(started);
      server.route('/archive.xml', serveBody(rss('Quiet blog', entries.slice(0, 40))));
      await cycleAt(200, ['/archive.xml']);
      // Posts 40…49 left the feed but are among the 50 newest; 50…59 are removed.
      const kept = await items('/archive.xml');
      expect(kept.map((i) => i.title)).toEqual(entries.slice(0, 50).map((e) => e.title));
      expect((await t.runtime.store.findSourceByUrl(url('/archive.xml')))!.itemCount).toBe(50);

      // An old page of the feed reappears: the removed post stays removed, nothing else changes.
      server.route('/archive.xml', serveBody(rss('Quiet blog', [...entries.slice(0, 40), entries[55]!])));
      const again = await cycleAt(201, ['/archive.xml']);
      expect(again).toMatchObject({ ok: 1, itemsNew: 0, itemsUpdated: 0 });
      expect((await items('/archive.xml')).map((i) => i.title)).toEqual(entries.slice(0, 50).map((e) => e.title));

      // A year later still, the feed unchanged: what it carries stays however old, the minimum stays too.
      await cycleAt(600, ['/archive.xml']);
      expect(await items('/archive.xml')).toHaveLength(50);
    });
  });
}
