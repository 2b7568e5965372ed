import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle } from '../../src/app/cycle.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import type { TopicConfig } from '../../src/config/schema.ts';
import { silentLogger } from '../../src/lib/log.ts';
import { createMetrics } from '../../src/lib/metrics.ts';
import { createApp } from '../../src/web/app.ts';
import { validateFeed, validatorSkip } from '../publish/clients.ts';
import { CHROMIUM, launchChromium } from '../support/browser.ts';
import { rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults, type TestRuntime, testRuntime } from '../support/runtime.ts';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const browserSkip = existsSync(CHROMIUM)
  ? ''
  : `browser part skipped: ${CHROMIUM} is absent (apt-get install chromium)`;
const requireAll = process.env.RUNDSCHAU_REQUIRE_ALL_SUITES === '1';

async function bundledCloudTopic(): Promise<TopicConfig> {
  const loaded = await loadConfigFile(new URL('../../rundschau.yaml', import.meta.url).pathname);
  if (!loaded.ok) throw new Error('bundled config invalid');
  return loaded.config.topics.find((t) => t.slug === 'cloud')!;
}

/**
 * Three outlets on loopback report one event, two in German and one in English, beside news of other events: the
 * pipeline groups the three into one story, the curated feed publishes it once with "also reported by", the river
 * shows one card with "3 sources" (Chromium, JavaScript on and off), and marking the card read marks all three.
 */
describe('one entry per story, from feeds to the curated feed and the river', () => {
  let feeds: FixtureServer;
  let t: TestRuntime;
  let origin: string;
  let closeServer: () => Promise<void>;
  let browser: Browser | undefined;

  beforeAll(async () => {
    const cloud = await bundledCloudTopic();
    feeds = await startFixtureServer();
    feeds.route(
      '/heise.xml',
      serveBody(
        rss('heise online', [
          {
            id: 'heise-esc',
            link: 'https://heise.example/aws-esc',
            title: 'AWS startet European Sovereign Cloud in Brandenburg',
            html: '<p>Amazon Web Services eröffnet seine European Sovereign Cloud in Brandenburg. Die Cloud-Tochter von Amazon investiert dafür 7,8 Milliarden Euro in Rechenzentren bei Potsdam.</p>',
            date: hoursAgo(6),
          },
          {
            id: 'heise-other',
            title: 'Microsoft erhöht die Preise für Teams in Europa',
            html: '<p>Kunden von Microsoft 365 zahlen ab April mehr für die Lizenzen.</p>',
            date: hoursAgo(5),
          },
        ]),
      ),
    );
    feeds.route(
      '/golem.xml',
      serveBody(
        rss('Golem.de', [
          {
            id: 'golem-esc',
            link: 'https://golem.example/aws-esc',
            title: 'Amazon: AWS eröffnet souveräne Cloud in Brandenburg',
            html: '<p>Mit der European Sovereign Cloud will AWS in Brandenburg als souverän gelten: 7,8 Milliarden Euro fließen in Rechenzentren rund um Potsdam.</p>',
            date: hoursAgo(4),
          },
        ]),
      ),
    );
    feeds.route(
      '/register.xml',
      serveBody(
        rss('The Register', [
          {
            id: 'register-esc',
            link: 'https://register.example/aws-esc',
            title: 'AWS opens its European Sovereign Cloud in Brandenburg',
            html: '<p>Amazon Web Services has opened the European Sovereign Cloud in Brandenburg, Germany, part of a €7.8 billion investment in data centres near Potsdam.</p>',
            date: hoursAgo(3),
          },
          {
            id: 'register-other',
            title: 'Google Cloud adds a region in Finland',
            html: '<p>Google opened a new cloud region in Finland for its cloud customers in the Nordics.</p>',
            date: hoursAgo(2),
          },
        ]),
      ),
    );
    t = await testRuntime({
      defaults: fastDefaults,
      sources: [
        { url: feeds.url('/heise.xml'), title: 'heise online', category: 'Tech (de)', language: 'de' },
        { url: feeds.url('/golem.xml'), title: 'Golem.de', category: 'Tech (de)', language: 'de' },
        { url: feeds.url('/register.xml'), title: 'The Register', category: 'Tech (en)', language: 'en' },
      ],
      topics: [cloud],
    });
    await runCycle(t.runtime, { force: true, sourceUrls: undefined });
    const app = createApp({
      store: t.runtime.store,
      config: t.runtime.config,
      metrics: createMetrics(false),
      log: silentLogger,
    });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
    if (!browserSkip) browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await closeServer?.();
    await t?.cleanup();
    await feeds?.close();
  });

  async function storyItems() {
    const all = (await t.runtime.store.listItems({}, 50)).items;
    return all.filter((i) => i.guid?.endsWith('-esc'));
  }

  it('groups the three reports (de + en) into one story and nothing else with them', async () => {
    const reports = await storyItems();
    expect(reports).toHaveLength(3);
    expect(new Set(reports.map((r) => r.storyKey)).size).toBe(1);
    const key = reports[0]!.storyKey;
    expect(key).toBeTruthy();
    const others = (await t.runtime.store.listItems({}, 50)).items.filter((i) => !i.guid?.endsWith('-esc'));
    for (const o of others) expect(o.storyKey).not.toBe(key);
    const ids = (await t.runtime.store.storyReports(reports[0]!.id)).map((r) => r.guid).sort();
    expect(ids).toEqual(['golem-esc', 'heise-esc', 'register-esc']);
  });

  it('publishes the story once in the curated feed, with the other two as "also reported by"', async () => {
    const json = (await (await fetch(`${origin}/feeds/cloud.json`)).json()) as {
      items: { title: string; content_html: string; _source: { also?: { url?: string }[] } }[];
    };
    const esc = json.items.filter((i) => /Sovereign|souveräne/.test(i.title));
    expect(esc).toHaveLength(1);
    expect(esc[0]!.title).toBe('AWS startet European Sovereign Cloud in Brandenburg');
    expect(esc[0]!._source.also).toHaveLength(2);
    expect(esc[0]!.content_html).toContain('Also reported by');
    expect(esc[0]!.content_html).toContain('https://golem.example/aws-esc');
    expect(esc[0]!.content_html).toContain('https://register.example/aws-esc');
    const rssText = await (await fetch(`${origin}/feeds/cloud.rss`)).text();
    expect(rssText.match(/<item>/g)?.length).toBe(json.items.length);
    const rssTitles = [...rssText.matchAll(/<item>[\s\S]*?<title>([\s\S]*?)<\/title>/g)].map((m) => m[1]!);
    expect(rssTitles.filter((x) => /Sovereign|souveräne/.test(x))).toHaveLength(1);
  });

  it.skipIf(!!validatorSkip && !requireAll)(
    `the curated RSS and Atom with "also reported by" pass the W3C validator ${validatorSkip}`,
    async () => {
      for (const [path, type] of [
        ['/feeds/cloud.rss', 'application/rss+xml'],
        ['/feeds/cloud.atom', 'application/atom+xml'],
      ] as const) {
        const xml = await (await fetch(`${origin}${path}`)).text();
        expect(xml).toContain('Also reported by');
        const result = await validateFeed(xml, type);
        expect(result.valid, `${path}: ${result.report}`).toBe(true);
      }
    },
    120_000,
  );

  for (const javaScriptEnabled of [false, true]) {
    it.skipIf(!!browserSkip && !requireAll)(
      `the river shows one card with "3 sources", and marking it read marks all reports (JavaScript ${javaScriptEnabled ? 'on' : 'off'}) ${browserSkip}`,
      async () => {
        const reports = await storyItems();
        await t.runtime.store.markStoryRead([reports[0]!.id], false);
        const context = await browser!.newContext({ javaScriptEnabled });
        try {
          const page = await context.newPage();
          await page.goto(`${origin}/`);
          const cards = page.locator('article.entry[data-story]');
          await expect.poll(() => cards.count()).toBe(1);
          // The river is newest first: the story stands at its newest report, the earlier ones listed in it.
          const card = cards.first();
          expect(await card.locator('.entry-title').textContent()).toBe(
            'AWS opens its European Sovereign Cloud in Brandenburg',
          );
          expect(await card.getAttribute('data-story')).toBe('3');
          // The story's other reports are not separate entries of the river.
          const titles = await page.locator('article.entry .entry-title').allTextContents();
          expect(titles.filter((x) => /Sovereign|souveräne/.test(x))).toHaveLength(1);
          const summary = card.locator('details.entry-story > summary');
          expect((await summary.textContent())?.trim()).toBe('3 sources');
          const list = card.locator('.story-reports li');
          expect(await list.first().isVisible()).toBe(false);
          await summary.click();
          await expect.poll(() => list.first().isVisible()).toBe(true);
          expect(await list.allTextContents()).toEqual([
            expect.stringContaining('heise online: AWS startet European Sovereign Cloud in Brandenburg'),
            expect.stringContaining('Golem.de: Amazon: AWS eröffnet souveräne Cloud in Brandenburg'),
          ]);
          await card.locator('button.js-read').click();
          if (javaScriptEnabled) {
            // app.js sends it with fetch() and flips the card in place.
            await expect
              .poll(async () => (await card.getAttribute('class'))?.split(' ').includes('unread'))
              .toBe(false);
            expect(await card.locator('.story-report.unread').count()).toBe(0);
          } else {
            // The plain form post: back to the unread river, where the story no longer is.
            await page.waitForLoadState('load');
            await expect.poll(() => page.locator('article.entry[data-story]').count()).toBe(0);
          }
          await expect.poll(async () => (await storyItems()).map((r) => r.read)).toEqual([true, true, true]);
          const others = (await t.runtime.store.listItems({}, 50)).items.filter((i) => !i.guid?.endsWith('-esc'));
          expect(others.every((o) => !o.read)).toBe(true);
        } finally {
          await context.close();
        }
      },
      60_000,
    );
  }
});
