/**
 * Fields that would break the store or bloat every page, through the real pipeline (HTTP on loopback, worker
 * thread, SQLite and PostgreSQL): NULs and control characters are removed, not a reason to lose the item (a NUL
 * in PostgreSQL text fails the insert); sizes are bounded; the operator's `language:` beats the feed's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle } from '../../src/app/cycle.ts';
import { dialects, type TestDatabase } from '../support/databases.ts';
import { rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults, type TestRuntime, testRuntime } from '../support/runtime.ts';

const paragraph = '<p>Lorem <b>ipsum</b> dolor sit amet, &amp; so on.</p>';
const hostile = JSON.stringify({
  version: 'https://jsonfeed.org/version/1.1',
  title: 'Hostile\u0000 feed',
  items: [
    {
      id: 'nul-1',
      url: 'https://hostile.example/1',
      title: 'Before\u0000 after\u0007 the controls',
      content_html: '<p>First\u0000 half</p><p>second\u001b half</p>',
      authors: [{ name: 'Ann\u0000 Autor' }],
      tags: ['Cl\u0000oud'],
    },
    {
      id: 'huge-1',
      url: 'https://hostile.example/2',
      title: 'huge '.repeat(5000),
      content_html: `<div>${paragraph.repeat(Math.ceil(3_000_000 / paragraph.length))}</div>`,
    },
  ],
});

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== '')(`hostile fields through the pipeline on ${dialect.name} ${dialect.skip}`, () => {
    let server: FixtureServer;
    let database: TestDatabase;
    let t: TestRuntime;

    beforeAll(async () => {
      server = await startFixtureServer();
      server.route('/hostile.json', serveBody(hostile, { contentType: 'application/feed+json' }));
      // A German feed whose CMS says it is English.
      server.route(
        '/de.xml',
        serveBody(
          rss(
            'Nachrichten',
            [{ id: 'de-1', title: 'Die Regierung hat neue Regeln für die Betreiber beschlossen' }],
            '<language>en-us</language>',
          ),
        ),
      );
      database = await dialect.create();
      t = await testRuntime(
        {
          defaults: fastDefaults,
          sources: [
            { url: server.url('/hostile.json'), category: 'Hostile' },
            { url: server.url('/de.xml'), category: 'News', language: 'de' },
          ],
          topics: [],
        },
        { databaseUrl: database.url, workers: 1 },
      );
    });
    afterAll(async () => {
      await t?.cleanup();
      await database?.drop();
      await server?.close();
    });

    it('stores every item, cleaned and bounded, and the configured language', async () => {
      const summary = await runCycle(t.runtime, { force: true });
      expect(summary).toMatchObject({ sources: 2, ok: 2, failed: 0, itemsNew: 3 });
      const { store } = t.runtime;
      const sources = await store.listSources();
      const hostileSource = sources.find((s) => s.configUrl === server.url('/hostile.json'))!;
      expect(hostileSource.feedTitle).toBe('Hostile feed');
      const page = await store.listItems({ sourceId: hostileSource.id }, 10, undefined, { content: true });
      const byGuid = new Map(page.items.map((i) => [i.guid, i]));
      expect(byGuid.get('nul-1')).toMatchObject({
        title: 'Before after the controls',
        contentHtml: '<p>First half</p><p>second half</p>',
        author: 'Ann Autor',
        categories: ['Cloud'],
      });
      const huge = (await store.getItem(byGuid.get('huge-1')!.id))!;
      expect(huge.title.length).toBeLessThanOrEqual(1000);
      expect(huge.contentHtml.length).toBeLessThanOrEqual(1_000_000);
      expect(huge.contentHtml.length).toBeGreaterThan(900_000);
      expect(huge.contentHtml.endsWith('</div>')).toBe(true);

      const german = sources.find((s) => s.configUrl === server.url('/de.xml'))!;
      const [item] = (await store.listItems({ sourceId: german.id }, 10)).items;
      expect(item?.language).toBe('de');
    }, 60_000);
  });
}
