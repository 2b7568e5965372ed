import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../support/browser.ts';
import { rss } from '../support/feeds.ts';
import { CONFIG_HEAD, handConfig, type ManagedApp, managedApp } from './managed-app.ts';

const skipReason = existsSync(CHROMIUM)
  ? ''
  : `browser tests skipped: ${CHROMIUM} is absent (apt-get install chromium)`;
/** Screenshots go outside the repository: $RUNDSCHAU_ARTIFACTS, else the temp dir. */
const ARTIFACTS = process.env.RUNDSCHAU_ARTIFACTS ?? join(tmpdir(), 'rundschau-artifacts');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };

const feed = (title: string, words: string[]) =>
  rss(
    title,
    words.map((w, i) => ({
      id: `${title}-${i}`,
      title: `${w} (${title} ${i})`,
      date: new Date(Date.now() - i * 5 * 3_600_000).toISOString(),
    })),
  );

const MODES = [
  { name: 'desktop, JavaScript on', viewport: DESKTOP, js: true, scheme: 'light' as const },
  { name: 'phone, JavaScript off', viewport: PHONE, js: false, scheme: 'dark' as const },
  { name: 'desktop, JavaScript off', viewport: DESKTOP, js: false, scheme: 'light' as const },
  { name: 'phone, JavaScript on', viewport: PHONE, js: true, scheme: 'dark' as const },
];

describe.skipIf(Boolean(skipReason))(
  `managing sources and topics in Chromium${skipReason ? ` (${skipReason})` : ''}`,
  () => {
    let browser: Browser;
    beforeAll(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    for (const mode of MODES) {
      it(`adds from a site URL, edits, disables, deletes, imports OPML, dry-runs a rule (${mode.name})`, async () => {
        const env: ManagedApp = await managedApp((srv) => handConfig(srv, ''));
        const server = serve({ fetch: env.app.fetch, port: 0, hostname: '127.0.0.1' });
        await new Promise<void>((resolve) => server.once('listening', () => resolve()));
        const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const context = await browser.newContext({
          viewport: mode.viewport,
          javaScriptEnabled: mode.js,
          colorScheme: mode.scheme,
          locale: 'en-GB',
        });
        const page: Page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        page.on('response', (r) => {
          if (r.status() >= 500) errors.push(`${r.status()} ${r.url()}`);
        });
        const { srv, rt } = env;
        const yaml = () => readFile(rt.configPath, 'utf8');
        try {
          srv.route('/one.xml', {
            headers: { 'content-type': 'application/rss+xml' },
            body: feed('One', ['Cloud prices', 'Soup recipes', 'AWS region opens', 'Cloud outage', 'Garden tips']),
          });
          srv.route('/blog/feed.xml', {
            headers: { 'content-type': 'application/rss+xml' },
            body: feed('Blog', ['Azure news', 'Cloud costs']),
          });
          srv.route('/blog/', {
            headers: { 'content-type': 'text/html' },
            body: '<html><head><link rel="alternate" type="application/rss+xml" title="Blog" href="/blog/feed.xml"></head><body>blog</body></html>',
          });
          srv.route('/favicon.ico', {
            headers: { 'content-type': 'image/png' },
            body: Buffer.from(
              'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
              'base64',
            ),
          });

          // Refresh the configured source so the pictures have data.
          await page.goto(`${origin}/sources`);
          await page.click('a.manage-link');
          await page.click('button:has-text("Refresh now")');
          await expect.poll(() => page.locator('.notice').textContent()).toContain('Fetched: ok');

          // Add from a site URL (autodiscovery).
          await page.goto(`${origin}/sources/new`);
          await page.fill('#f-url', srv.url('/blog/'));
          await page.fill('#f-category', 'Blogs');
          await page.fill('#f-interval', '2h');
          await page.click('button[type=submit].btn-primary');
          await page.waitForURL(/\/sources\/\d+\/manage\?done=added/);
          let text = await yaml();
          expect(text.startsWith(CONFIG_HEAD)).toBe(true);
          expect(text).toContain(
            `  - url: ${srv.url('/blog/feed.xml')}\n    title: Blog\n    category: Blogs\n    interval: 2h\n`,
          );
          expect(text).toContain('cloud: 1    # the word itself');
          // (No scheduler runs here: fetch it now.)
          await page.click('button:has-text("Refresh now")');
          await expect.poll(() => page.locator('.notice').textContent()).toContain('Fetched: ok');
          await page.goto(`${origin}/categories/Blogs`);
          expect(await page.locator('main').textContent()).toContain('Azure news');
          await expect.poll(() => page.locator('#sidebar').textContent()).toContain('Blogs');

          // Edit it.
          await page.goto(`${origin}/sources`);
          await page.click(`tr:has-text("${srv.url('/blog/feed.xml')}") a.manage-link`);
          await page.fill('#f-title', 'My blog');
          await page.fill('#f-category', 'Reading');
          await page.click('button:has-text("Save")');
          await page.waitForURL(/done=saved/);
          text = await yaml();
          expect(text).toContain('    title: My blog\n    category: Reading\n');
          await page.goto(`${origin}/sources`);
          expect(await page.locator('table.sources-table').textContent()).toContain('My blog');

          // Disable it.
          await page.click('tr:has-text("My blog") a.manage-link');
          await page.click('button:has-text("Disable")');
          await page.waitForURL(/done=disabled/);
          expect(await yaml()).toContain('    interval: 2h\n    disabled: true\n');
          expect(await page.locator('h1 .badge-dead').textContent()).toBe('disabled');
          await page.click('button:has-text("Enable")');
          await page.waitForURL(/done=enabled/);
          expect(await yaml()).not.toContain('disabled: true');

          // Delete it (its items stay readable).
          await page.check('input[name=confirm]');
          await page.click('button:has-text("Delete")');
          await page.waitForURL(/\/sources\?done=deleted/);
          text = await yaml();
          expect(text).not.toContain('/blog/feed.xml');
          expect(text.startsWith(CONFIG_HEAD)).toBe(true);
          expect(text).toContain('# --- the first one');
          await page.goto(`${origin}/all`);
          expect(await page.locator('main').textContent()).toContain('Azure news');
          expect(await page.locator('#sidebar').textContent()).not.toContain('Reading');

          // Import OPML.
          await page.goto(`${origin}/sources/import`);
          await page.setInputFiles('#f-opml', {
            name: 'subs.opml',
            mimeType: 'text/x-opml',
            buffer: Buffer.from(
              `<?xml version="1.0"?><opml version="2.0"><body><outline text="News"><outline text="Germany"><outline type="rss" text="Blog again" xmlUrl="${srv.url('/blog/feed.xml')}"/></outline></outline><outline type="rss" text="One" xmlUrl="${srv.url('/one.xml')}"/></body></opml>`,
            ),
          });
          await page.click('button[type=submit].btn-primary');
          await expect.poll(() => page.locator('h2#results-title').textContent()).toBe('1 added, 1 not added');
          expect(await yaml()).toContain(
            `  - url: ${srv.url('/blog/feed.xml')}\n    title: Blog again\n    category: News / Germany\n`,
          );
          await page.goto(`${origin}/categories/News%20%2F%20Germany`);
          expect(await page.locator('h1').first().textContent()).toBe('News / Germany');

          // The sources page with its pictures.
          await page.goto(`${origin}/sources`);
          const svgs = await page.locator('table.sources-table svg').count();
          expect(svgs).toBeGreaterThanOrEqual(4);
          await page.screenshot({
            path: join(ARTIFACTS, `sources-${mode.viewport.width}-${mode.scheme}.png`),
            fullPage: true,
          });

          // A dry run of a rule change.
          await page.goto(`${origin}/topics/cloud/rules`);
          expect(await page.inputValue('#f-rules')).toContain('cloud: 1    # the word itself');
          const rulesUrl = page.url();
          if (mode.js) {
            // Live: the result follows the typing, without a submit and without leaving the page.
            await page.locator('#f-rules').fill('');
            await page
              .locator('#f-rules')
              .pressSequentially('threshold: 1\nterms:\n  any:\n    aws: 2\n    azure: 2\n', {
                delay: 5,
              });
            await page.waitForSelector('#dry-run[data-state=done] [data-dry-run]');
            expect(page.url()).toBe(rulesUrl);
            // Typing on changes it again: an invalid half-edit shows check-config's words, a fixed one a new result.
            await page.locator('#f-rules').press('End');
            await page.locator('#f-rules').pressSequentially('  [');
            await page.waitForSelector('#dry-run[data-state=invalid] .form-problems');
            await page.locator('#f-rules').press('Backspace');
            await page.locator('#f-rules').press('Backspace');
            await page.locator('#f-rules').press('Backspace');
            await page.waitForSelector('#dry-run[data-state=done] [data-dry-run]');
          } else {
            await page.fill('#f-rules', 'threshold: 1\nterms:\n  any:\n    aws: 2\n    azure: 2\n');
            await page.click('button[value=dry-run]');
            await page.waitForSelector('[data-dry-run]');
          }
          expect(await page.locator('.dry-run.enter').textContent()).toContain('AWS region opens');
          expect(await page.locator('.dry-run.leave').textContent()).toContain('Cloud prices');
          expect(await yaml()).toContain('cloud: 1    # the word itself');
          await page.goto(`${origin}/topics/cloud`);
          expect(await page.locator('.topic-pictures svg').count()).toBe(2);
          await page.screenshot({
            path: join(ARTIFACTS, `topic-${mode.viewport.width}-${mode.scheme}.png`),
            fullPage: true,
          });
          expect(errors).toEqual([]);
        } finally {
          await context.close();
          await new Promise<void>((resolve) => server.close(() => resolve()));
          await env.close();
        }
      }, 120_000); // one long scenario per mode; a loaded machine takes longer than the 30 s default
    }
  },
);
