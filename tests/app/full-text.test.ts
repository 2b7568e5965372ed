/**
 * Full-text extraction end to end, on both dialects: a teaser-only feed on 127.0.0.1 whose items link to real article
 * pages (the shared corpus) and to bad pages; a real fetch cycle with the real worker pool; then the store, the reader's
 * item page and the curated feed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle } from '../../src/app/cycle.ts';
import { extractNow, MAX_FULL_TEXT_ATTEMPTS } from '../../src/app/full-text.ts';
import { closeSharedAgents } from '../../src/fetch/http.ts';
import { silentLogger } from '../../src/lib/log.ts';
import { createMetrics } from '../../src/lib/metrics.ts';
import type { ItemWithSource } from '../../src/store/types.ts';
import { createApp } from '../../src/web/app.ts';
import {
  articlesAbsent,
  expectedHtml,
  hasArticles,
  readArticleManifest,
  serveArticles,
  textScores,
} from '../support/articles.ts';
import { dialects, type TestDatabase } from '../support/databases.ts';
import { rss } from '../support/feeds.ts';
import { type FixtureServer, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults, type TestRuntime, testRuntime } from '../support/runtime.ts';
import { Client } from '../support/web.ts';

const requireAll = process.env.RUNDSCHAU_REQUIRE_ALL_SUITES === '1';
/** A spread of languages, charsets (qq declares gb2312 on UTF-8 bytes) and sizes. */
const PAGES = ['ars-1', 'bbc-1', 'aktualne', 'lemonde-1', 'heise', 'qq', 'folha', 'wikipedia', 'nytimes-3', 'medium-1'];
const TEASER = (name: string) => `<p>A short teaser for ${name}, the rest is on the site […]</p>`;

/** Pages that must fail, each with the reason it must record. */
const BAD: { path: string; reason: string; final: boolean }[] = [
  { path: '/bad/huge.html', reason: 'too_large', final: true },
  { path: '/bad/slow.html', reason: 'timeout', final: false },
  { path: '/bad/bomb.html', reason: 'too_complex', final: true },
  { path: '/bad/report.pdf', reason: 'not_html', final: true },
  { path: '/bad/missing.html', reason: 'not_found', final: true },
  { path: '/bad/to-private.html', reason: 'blocked', final: true },
  { path: '/bad/login-wall.html', reason: 'no_article', final: true },
];

let server: FixtureServer;

beforeAll(async () => {
  server = await startFixtureServer();
  if (hasArticles) serveArticles(server, readArticleManifest());
  server.route('/bad/huge.html', {
    headers: { 'content-type': 'text/html' },
    body: `<html><body><p>${'x'.repeat(6 * 1024 * 1024)}</p></body></html>`,
  });
  server.route('/bad/slow.html', { headers: { 'content-type': 'text/html' }, body: '<p>late</p>', delayMs: 4000 });
  server.route('/bad/bomb.html', {
    headers: { 'content-type': 'text/html' },
    body: `<html><body>${'<div>'.repeat(100_000)}boom</body></html>`,
  });
  server.route('/bad/report.pdf', { headers: { 'content-type': 'application/pdf' }, body: '%PDF-1.4 ...' });
  server.route('/bad/to-private.html', { status: 302, headers: { location: 'http://10.0.0.1/admin' } });
  server.route('/bad/login-wall.html', {
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: '<html><body><form><p>Please log in.</p><input name="u"></form></body></html>',
  });
  // A link to another loopback host than the feed's: refused before any request.
  server.route('/other-host.xml', { headers: { 'content-type': 'application/rss+xml' }, body: '' });
});

afterAll(async () => {
  await server?.close();
  await closeSharedAgents();
});

function teaserFeed(): string {
  const good = PAGES.map((name, i) => ({
    id: `good-${name}`,
    title: `Article ${name}`,
    link: server.url(`/${name}/source.html`),
    date: new Date(Date.UTC(2026, 10, 1, 10, i)).toISOString(),
    html: TEASER(name),
  }));
  const bad = BAD.map((b, i) => ({
    id: `bad-${b.reason}`,
    title: `Broken ${b.reason}`,
    link: server.url(b.path),
    date: new Date(Date.UTC(2026, 10, 1, 9, i)).toISOString(),
    html: TEASER(b.reason),
  }));
  const elsewhere = {
    id: 'bad-other-private-host',
    title: 'Link to another private host',
    link: `http://127.0.0.2:${server.port}/ars-1/source.html`,
    date: '2026-11-01T08:00:00Z',
    html: TEASER('elsewhere'),
  };
  return rss('Teasers', [...good, ...bad, elsewhere]);
}

for (const dialect of dialects) {
  const skip = dialect.skip || (hasArticles ? '' : articlesAbsent);
  describe.skipIf(skip !== '' && !(requireAll && dialect.name === 'sqlite'))(
    `full-text extraction on ${dialect.name} ${skip}`,
    () => {
      let database: TestDatabase;
      let t: TestRuntime;
      let byTitle: Map<string, ItemWithSource>;

      beforeAll(async () => {
        expect(hasArticles, articlesAbsent).toBe(true);
        server.route('/teasers.xml', { headers: { 'content-type': 'application/rss+xml' }, body: teaserFeed() });
        server.route('/full.xml', {
          headers: { 'content-type': 'application/rss+xml' },
          body: rss('Never', [
            { id: 'n1', title: 'Never extracted', link: server.url('/bbc-1/source.html'), html: TEASER('never') },
          ]),
        });
        database = await dialect.create();
        t = await testRuntime(
          {
            defaults: { ...fastDefaults, fullText: 'auto', timeout: 2 },
            sources: [
              { url: server.url('/teasers.xml'), title: 'Teasers' },
              { url: server.url('/full.xml'), title: 'Never', fullText: 'never' },
            ],
            topics: [
              {
                slug: 'minecraft',
                title: 'Minecraft',
                languages: ['en'],
                // Only the article says "Mojang" (a body term counts half): the teaser alone is not included.
                rules: { terms: { any: { mojang: 2 } }, threshold: 0.9 },
              },
            ],
          },
          { databaseUrl: database.url, workers: 1 },
        );
      }, 60_000);

      afterAll(async () => {
        await t?.cleanup();
        await database?.drop();
      });

      it('a cycle stores the feed items, then extracts every truncated item once; bad pages fail with a reason', async () => {
        const requested = () => PAGES.map((name) => server.requestsFor(`/${name}/source.html`).length);
        const before = requested();
        const summary = await runCycle(t.runtime, { force: true });
        expect(requested()).toEqual(before.map((n) => n + 1));
        expect(summary.failed).toBe(0);
        expect(summary.itemsNew).toBe(PAGES.length + BAD.length + 1 + 1);
        expect(summary.fullTexts).toMatchObject({ done: PAGES.length });
        const items = (await t.runtime.store.listItems({}, 100)).items;
        byTitle = new Map(items.map((i) => [i.title, i]));

        const scores: Record<string, { recall: number; precision: number }> = {};
        for (const name of PAGES) {
          const item = byTitle.get(`Article ${name}`)!;
          const fullText = await t.runtime.store.fullTextOf(item.id);
          expect(fullText?.status, `${name}: ${fullText?.reason} ${fullText?.error}`).toBe('done');
          scores[name] = textScores(fullText!.contentHtml, expectedHtml(name));
          // The feed's own content is kept beside the article.
          expect(item.contentHtml).toContain('A short teaser');
        }
        console.log(`stored articles (recall / precision): ${JSON.stringify(scores)}`);
        for (const [name, s] of Object.entries(scores)) {
          expect(s.recall, name).toBeGreaterThan(0.95);
          expect(s.precision, name).toBeGreaterThan(0.95);
        }

        for (const bad of BAD) {
          const item = byTitle.get(`Broken ${bad.reason}`)!;
          const fullText = await t.runtime.store.fullTextOf(item.id);
          expect(fullText, bad.path).toMatchObject({ reason: bad.reason, attempts: 1, contentHtml: '' });
          expect(fullText!.status, bad.path).toBe(bad.final ? 'failed' : 'pending');
          // A retry waits (backoff), and the item still reads as the feed gave it.
          if (!bad.final) expect(fullText!.nextAttemptAt).toBeGreaterThan(Date.now() + 10 * 60_000);
          expect(item.contentHtml).toContain('A short teaser');
        }
        const elsewhere = await t.runtime.store.fullTextOf(byTitle.get('Link to another private host')!.id);
        expect(elsewhere).toMatchObject({ status: 'failed', reason: 'blocked' });
        expect(elsewhere!.error).toMatch(/private address/);
        // Redirected to 10.0.0.1: refused without a request there (the fetch would hang on an unroutable address).
        expect((await t.runtime.store.fullTextOf(byTitle.get('Broken blocked')!.id))!.error).toMatch(/10\.0\.0\.1/);
        // `fullText: never`: nothing queued.
        expect(await t.runtime.store.fullTextOf(byTitle.get('Never extracted')!.id)).toBeUndefined();
      }, 120_000);

      it('a second cycle fetches no page again: extraction happens once per item', async () => {
        const before = PAGES.map((name) => server.requestsFor(`/${name}/source.html`).length);
        const summary = await runCycle(t.runtime, { force: true });
        expect(summary.fullTexts).toMatchObject({ done: 0, failed: 0, retrying: 0 });
        expect(PAGES.map((name) => server.requestsFor(`/${name}/source.html`).length)).toEqual(before);
      });

      it('a page that fails for a passing reason is retried when due, at most a bounded number of times', async () => {
        const id = byTitle.get('Broken timeout')!.id;
        for (let attempt = 2; attempt <= MAX_FULL_TEXT_ATTEMPTS; attempt++) {
          // Each attempt a month later than the last: past any backoff.
          const later = Date.now() + attempt * 30 * 86_400_000;
          const ctx = { ...t.runtime, now: () => later };
          await runCycle(ctx, { sourceUrls: [] });
          expect(await t.runtime.store.fullTextOf(id)).toMatchObject({ attempts: attempt, reason: 'timeout' });
        }
        expect((await t.runtime.store.fullTextOf(id))!.status).toBe('failed');
      }, 60_000);

      it('the item page shows the article, the feed version one click away; the curated feed publishes it', async () => {
        const app = createApp({
          store: t.runtime.store,
          config: t.runtime.config,
          metrics: createMetrics(false),
          log: silentLogger,
          loadFullText: (id) => extractNow(t.runtime, id),
        });
        const c = new Client(app);
        const ars = byTitle.get('Article ars-1')!;
        const page = (await c.get(`/items/${ars.id}`)).html;
        expect(page).toContain('Full article from the linked page.');
        expect(page).toContain('Mojang');
        expect(page).not.toContain('A short teaser for ars-1');
        const feedVersion = (await c.get(`/items/${ars.id}?content=feed`)).html;
        expect(feedVersion).toContain('A short teaser for ars-1');
        // Search finds the item by a word only the extracted article has, and shows the article around it.
        expect(ars.contentHtml).not.toContain('Mojang');
        const hits = await t.runtime.store.search('Mojang', 10);
        expect(hits.map((h) => h.id)).toContain(ars.id);
        expect(hits.find((h) => h.id === ars.id)!.snippet).toContain('Mojang');
        expect((await c.get('/search?q=Mojang')).html).toContain('<mark>Mojang</mark>');

        const feed = await c.get('/feeds/minecraft.atom');
        expect(feed.res.status).toBe(200);
        expect(feed.html).toContain('Article ars-1');
        expect(feed.html).toContain('Mojang');
        const scores = textScores(
          /<content[^>]*>([\s\S]*?)<\/content>/.exec(feed.html)![1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>'),
          expectedHtml('ars-1'),
        );
        expect(scores.recall).toBeGreaterThan(0.95);
      });

      it('"Load full article" on a never-source item: a CSRF-checked POST that redirects back to the article', async () => {
        const app = createApp({
          store: t.runtime.store,
          config: t.runtime.config,
          metrics: createMetrics(false),
          log: silentLogger,
          loadFullText: (id) => extractNow(t.runtime, id),
        });
        const c = new Client(app);
        const item = byTitle.get('Never extracted')!;
        const before = (await c.get(`/items/${item.id}`)).html;
        expect(before).toContain('Load full article');
        expect(before).toContain(`action="/items/${item.id}/full-text"`);
        expect((await c.post(`/items/${item.id}/full-text`, { _csrf: 'wrong' })).status).toBe(403);
        const token = await c.csrf(`/items/${item.id}`);
        const res = await c.post(`/items/${item.id}/full-text`, { _csrf: token, back: `/items/${item.id}` });
        expect(res.status).toBe(303);
        expect(res.headers.get('location')).toBe(`/items/${item.id}`);
        const after = (await c.get(`/items/${item.id}`)).html;
        expect(after).toContain('Full article from the linked page.');
        expect(after).toContain('greatest frustration of his presidency');
        expect(after).not.toContain('Load full article');
        // A failed page offers the button again, and says why.
        const missing = (await c.get(`/items/${byTitle.get('Broken not_found')!.id}`)).html;
        expect(missing).toContain('could not be loaded (not_found)');
        expect(missing).toContain('Load full article');
      });
    },
  );
}
