/**
 * "Load full article" in a real browser, with JavaScript on and off: a source set to `fullText: never`, its teaser
 * items linking to article pages on the feed's own loopback host; the button loads the article into the item page.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle } from '../../src/app/cycle.ts';
import { extractNow } from '../../src/app/full-text.ts';
import { closeSharedAgents } from '../../src/fetch/http.ts';
import { silentLogger } from '../../src/lib/log.ts';
import { createMetrics } from '../../src/lib/metrics.ts';
import { createApp } from '../../src/web/app.ts';
import { CHROMIUM, launchChromium } from '../support/browser.ts';
import { rss } from '../support/feeds.ts';
import { type FixtureServer, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults, type TestRuntime, testRuntime } from '../support/runtime.ts';

const skipReason = existsSync(CHROMIUM) ? '' : `browser test skipped: ${CHROMIUM} is absent (apt-get install chromium)`;
const requireAll = process.env.RUNDSCHAU_REQUIRE_ALL_SUITES === '1';

const article = (n: number) => `<!doctype html><html><head><meta charset="utf-8"><title>Story ${n}</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav><article><h1>Story ${n}</h1>${Array.from(
  { length: 10 },
  (_, p) => `<p>Paragraph ${p} of story ${n}: the whole article, told at length, sentence after sentence.</p>`,
).join('')}<p>The last line of story ${n}.</p></article><footer>Imprint</footer></body></html>`;

let pages: FixtureServer;
let t: TestRuntime;
let browser: Browser;
let origin: string;
let close: () => void;
const ids = new Map<string, number>();

describe.skipIf(skipReason !== '' && !requireAll)(`load full article in Chromium ${skipReason}`, () => {
  beforeAll(async () => {
    expect(skipReason, skipReason).toBe('');
    pages = await startFixtureServer();
    for (const n of [1, 2]) pages.route(`/story/${n}`, { headers: { 'content-type': 'text/html' }, body: article(n) });
    pages.route('/feed.xml', {
      headers: { 'content-type': 'application/rss+xml' },
      body: rss('Teasers', [
        { id: 's1', title: 'Story one', link: pages.url('/story/1'), html: '<p>Story one, in short …</p>' },
        { id: 's2', title: 'Story two', link: pages.url('/story/2'), html: '<p>Story two, in short …</p>' },
      ]),
    });
    t = await testRuntime(
      { defaults: fastDefaults, sources: [{ url: pages.url('/feed.xml'), fullText: 'never' }] },
      { workers: 1 },
    );
    await runCycle(t.runtime, { force: true });
    for (const item of (await t.runtime.store.listItems({}, 10)).items) ids.set(item.title, item.id);
    const app = createApp({
      store: t.runtime.store,
      config: t.runtime.config,
      metrics: createMetrics(false),
      log: silentLogger,
      loadFullText: (id) => extractNow(t.runtime, id),
    });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    close?.();
    await t?.cleanup();
    await pages?.close();
    await closeSharedAgents();
  });

  for (const [js, title, n] of [
    [true, 'Story one', 1],
    [false, 'Story two', 2],
  ] as const) {
    it(`JavaScript ${js ? 'on' : 'off'}: the button loads the article into the page`, async () => {
      const context = await browser.newContext({ javaScriptEnabled: js });
      try {
        const page = await context.newPage();
        await page.goto(`${origin}/items/${ids.get(title)}`);
        await expect(page.locator('.item-content').textContent()).resolves.toContain(`in short`);
        await Promise.all([
          page.waitForURL(`${origin}/items/${ids.get(title)}`, { waitUntil: 'load' }),
          page.getByRole('button', { name: 'Load full article' }).click(),
        ]);
        await page.waitForSelector('.full-text-note');
        const text = await page.locator('.item-content').textContent();
        expect(text).toContain(`The last line of story ${n}.`);
        expect(text).not.toContain('Imprint');
        expect(await page.getByRole('button', { name: 'Load full article' }).count()).toBe(0);
        // The feed's own text stays one click away.
        await page.getByRole('link', { name: 'Show the feed’s text' }).click();
        await expect(page.locator('.item-content').textContent()).resolves.toContain('in short');
      } finally {
        await context.close();
      }
    }, 30_000);
  }
});
