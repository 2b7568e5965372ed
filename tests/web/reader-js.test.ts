import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/web/auth.ts';
import { CHROMIUM, launchChromium } from '../support/browser.ts';
import { makeItem } from '../support/items.ts';
import { NOW, type ServedHarness, seed, servedHarness, type WebHarness } from '../support/web.ts';

/**
 * Every button and every documented key of every reader page, driven in Chromium with JavaScript on and off.
 * The lists come from the rendered DOM (buttons) and the help dialog (keys), so a new one is covered, or the test
 * says it has no expectation for it.
 */

const skipReason = existsSync(CHROMIUM) ? '' : `skipped: ${CHROMIUM} is absent (apt-get install chromium)`;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** 60 items in two sources and categories (the unread river shows 50), three of them in a topic. */
async function seedReader(h: WebHarness) {
  const { heise, cloud } = await seed(h.store, 30);
  await h.store.upsertTopic({ slug: 'k8s', title: 'Kubernetes', description: 'K8s things', rulesHash: 'r' });
  const cloudItems = (await h.store.listItems({ sourceId: cloud.id }, 3)).items;
  await h.store.saveTopicScores(
    'k8s',
    cloudItems.map((it, i) => ({
      itemId: it.id,
      score: 3 - i,
      included: true,
      evidence: { terms: [{ term: 'kubernetes', weight: 1, fields: ['title'], contribution: 3 - i }] },
      publishedAt: it.publishedAt,
    })),
    NOW,
  );
  return { heise, cloud, topicItem: cloudItems[1]!.id };
}

/** A submit button as the page rendered it: where the browser would send it, and with what. */
interface RenderedButton {
  index: number;
  label: string;
  action: string;
  method: string;
  fields: Record<string, string>;
  fetchedByScript: boolean;
  visible: boolean;
  inDialog: boolean;
}

function renderedButtons(page: Page): Promise<RenderedButton[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLButtonElement>('button, input[type=submit]')].map((b, index) => {
      const form = b.form;
      const fields: Record<string, string> = {};
      if (form) {
        for (const el of form.querySelectorAll<HTMLInputElement>('input[type=hidden]')) fields[el.name] = el.value;
        for (const el of form.querySelectorAll<HTMLInputElement>('input:not([type=hidden])'))
          fields[el.name] = el.value;
      }
      if (b.name) fields[b.name] = b.value;
      delete fields._csrf;
      delete fields.back;
      const rect = b.getBoundingClientRect();
      return {
        index,
        label: (b.textContent ?? '').trim(),
        action: b.getAttribute('formaction') ?? form?.getAttribute('action') ?? '(no form)',
        method: (b.getAttribute('formmethod') ?? form?.getAttribute('method') ?? 'get').toLowerCase(),
        fields,
        fetchedByScript: b.matches('.js-read, .js-star'),
        visible: rect.width > 0 && rect.height > 0 && getComputedStyle(b).visibility !== 'hidden',
        inDialog: Boolean(b.closest('dialog')),
      };
    }),
  );
}

/** One button per kind of action (the river's fifty read buttons are one kind; read and unread are two). */
function kindOf(b: RenderedButton): string {
  const fields = Object.entries(b.fields)
    .filter(([k]) => k !== 'ids')
    .map(([k, v]) => `${k}=${k === 'q' ? '' : v}`)
    .sort()
    .join('&');
  return `${b.method.toUpperCase()} ${b.action.replace(/\d+/g, 'N')} ${fields}`;
}

describe.skipIf(Boolean(skipReason))(
  `reader buttons and keys in Chromium${skipReason ? ` (${skipReason})` : ''}`,
  () => {
    let browser: Browser;
    let served: ServedHarness;
    let seeded: Awaited<ReturnType<typeof seedReader>>;

    beforeAll(async () => {
      browser = await launchChromium();
      served = await servedHarness({ topics: [{ slug: 'k8s', title: 'Kubernetes' }] });
      seeded = await seedReader(served.harness);
    });

    afterAll(async () => {
      await browser?.close();
      await served?.close();
    });

    /** A page whose context never leaves 127.0.0.1, and which records every failed response and script error. */
    async function open(javaScriptEnabled: boolean, viewport = DESKTOP) {
      const context = await browser.newContext({ viewport, locale: 'en-GB', javaScriptEnabled });
      const foreign: string[] = [];
      await context.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (url.hostname === '127.0.0.1') return route.continue();
        foreign.push(url.href);
        return route.abort();
      });
      const page = await context.newPage();
      page.setDefaultTimeout(5_000);
      const errors: string[] = [];
      page.on('response', (r) => {
        if (r.status() >= 400) errors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      return { context, page, errors, foreign };
    }

    async function expectNoErrorPage(page: Page, errors: string[]) {
      expect(errors).toEqual([]);
      expect(await page.title()).not.toMatch(/^(Not found|Forbidden|Something went wrong)/);
    }

    /** The sidebar says what the database says (checked after every action with JavaScript). */
    async function expectSidebarCounts(page: Page) {
      if ((await page.locator('[data-count="total"]').count()) === 0) return;
      const counts = await served.harness.store.unreadCounts();
      const shown = (key: string) =>
        page.evaluate((k) => document.querySelector(`[data-count="${k}"] .count`)?.textContent ?? '0', key);
      await expect.poll(() => shown('total')).toBe(String(counts.total));
      await expect.poll(() => shown('starred')).toBe(String(counts.starred));
      for (const [category, n] of Object.entries(counts.byCategory)) {
        if (await page.locator(`[data-count="category:${category}"]`).count()) {
          await expect.poll(() => shown(`category:${category}`)).toBe(String(n));
        }
      }
    }

    /**
     * What pressing the button must do to the database, as a check to run afterwards. A button nobody wrote an
     * expectation for fails here: a new button cannot slip through untested.
     */
    async function expectationFor(b: RenderedButton, page: Page): Promise<() => Promise<void>> {
      const { store } = served.harness;
      let m = /^\/items\/(\d+)\/(read|star)$/.exec(b.action);
      if (m && b.method === 'post') {
        const id = Number(m[1]);
        const field = m[2] === 'read' ? 'read' : 'starred';
        const want = b.fields[field] === '1';
        expect((await store.getItem(id))![field]).toBe(!want);
        return async () => {
          await expect.poll(async () => (await store.getItem(id))![field]).toBe(want);
        };
      }
      m = /^\/items\/(\d+)\/topics\/([^/]+)$/.exec(b.action);
      if (m && b.method === 'post') {
        const [id, slug, decision] = [Number(m[1]), m[2]!, b.fields.decision];
        return async () => {
          await expect
            .poll(async () => (await store.itemTopics(id)).find((t) => t.slug === slug)?.decision)
            .toBe(decision);
        };
      }
      if (b.action === '/mark-all-read' && b.method === 'post') {
        const ids = b.fields.ids!.split(',').map(Number);
        const wereUnread = (await store.getItemsByIds(ids)).filter((i) => !i.read).map((i) => i.id);
        return async () => {
          await expect.poll(async () => (await store.getItemsByIds(ids)).every((i) => i.read)).toBe(true);
          if (wereUnread.length === 0) {
            expect(await page.locator('.undo-notice').count()).toBe(0); // nothing changed, nothing to undo
            return;
          }
          // The page it lands on offers to undo exactly that; undoing restores those items and nothing else.
          await expect
            .poll(() => page.locator('.undo-notice').textContent())
            .toContain(`${wereUnread.length} marked as read`);
          await Promise.all([page.waitForEvent('load'), page.locator('button[data-undo]').click()]);
          const after = await store.getItemsByIds(ids);
          expect(after.filter((i) => !i.read).map((i) => i.id)).toEqual(wereUnread);
          expect(await page.locator('.undo-notice').count()).toBe(0);
        };
      }
      if (b.action === '/sources' && b.method === 'get') {
        // The sources list's filter: a GET form, the same list narrowed (nothing changes in the database).
        return async () => {
          await expect.poll(() => new URL(page.url()).pathname).toBe('/sources');
          expect(new URL(page.url()).searchParams.has('health')).toBe(true);
          expect(await page.locator('.list-range').count()).toBe(1);
        };
      }
      if (b.action === '/search' && b.method === 'get') {
        return async () => {
          await expect.poll(() => new URL(page.url()).pathname).toBe('/search');
        };
      }
      if (b.action === '/logout' && b.method === 'post') {
        return async () => {
          await expect.poll(() => page.locator('.main-nav a', { hasText: 'Log in' }).isVisible()).toBe(true);
        };
      }
      throw new Error(`no expectation for the button "${b.label}" (${kindOf(b)}): add one`);
    }

    /** Presses one button of each kind on the page, with a fresh load each time, and checks what it did. */
    async function exerciseButtons(path: string, javaScriptEnabled: boolean) {
      const { context, page, errors } = await open(javaScriptEnabled);
      await page.goto(`${served.origin}${path}`);
      const kinds = new Map<string, RenderedButton>();
      for (const b of await renderedButtons(page)) {
        if (b.inDialog) continue; // the help dialog's Close: pressed by the `?` key test
        expect(b.visible, `button "${b.label}" on ${path} is not visible`).toBe(true);
        if (!kinds.has(kindOf(b))) kinds.set(kindOf(b), b);
      }
      expect(kinds.size).toBeGreaterThan(0);
      for (const kind of kinds.keys()) {
        await page.goto(`${served.origin}${path}`);
        // Found again by kind: the earlier presses may have changed what the page shows.
        const b = (await renderedButtons(page)).find((x) => kindOf(x) === kind && !x.inDialog);
        if (!b) continue; // e.g. the last unread item of a filtered river was just marked read
        const check = await expectationFor(b, page);
        const button = page.locator('button, input[type=submit]').nth(b.index);
        if (javaScriptEnabled && b.fetchedByScript) {
          await button.click();
          await check();
          // Sent by fetch(): the page stays, the button and the sidebar follow.
          expect(new URL(page.url()).pathname).toBe(new URL(`${served.origin}${path}`).pathname);
          await expect
            .poll(() => button.getAttribute('aria-pressed'))
            .toBe(String(b.fields.read === '1' || b.fields.starred === '1'));
          await expectSidebarCounts(page);
        } else {
          await Promise.all([page.waitForEvent('load'), button.click()]);
          await check();
        }
        await expectNoErrorPage(page, errors);
      }
      await context.close();
    }

    /** Every reader page; `{heise}` and `{item}` stand for ids known once the database is seeded. */
    const PAGES = [
      '/',
      '/all',
      '/starred',
      '/sources/{heise}?show=all',
      '/categories/Cloud',
      '/topics',
      '/topics/k8s',
      '/items/{item}',
      '/search?q=cloud',
      '/sources',
      '/help',
    ];
    const resolve = (path: string) =>
      path.replace('{heise}', String(seeded.heise.id)).replace('{item}', String(seeded.topicItem));

    for (const template of PAGES) {
      for (const js of [true, false]) {
        it(`every button on ${template} works with JavaScript ${js ? 'on' : 'off'}`, async () => {
          // Something starred, so that the starred river has buttons too.
          await served.harness.store.setStarred(seeded.topicItem, true);
          await exerciseButtons(resolve(template), js);
        });
      }
    }

    it('the item page: Star and Mark as unread stay on the page and change the item (the reported bug)', async () => {
      const { store } = served.harness;
      const id = seeded.topicItem;
      await store.setStarred(id, false);
      const { context, page, errors } = await open(true);
      await page.goto(`${served.origin}/items/${id}`);
      expect((await store.getItem(id))!.read).toBe(true);
      await page.getByRole('button', { name: 'Star' }).click();
      await expect.poll(async () => (await store.getItem(id))!.starred).toBe(true);
      await page.getByRole('button', { name: 'Mark as unread' }).click();
      await expect.poll(async () => (await store.getItem(id))!.read).toBe(false);
      expect(page.url()).toBe(`${served.origin}/items/${id}`);
      expect(await page.locator('h1').textContent()).not.toBe('Not found');
      await expectSidebarCounts(page);
      // When fetch() fails, the button is sent once more as the plain form post it is without JavaScript.
      await page.route('**/items/*/star', (route) =>
        route.request().resourceType() === 'fetch' ? route.abort() : route.fallback(),
      );
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Unstar' }).click()]);
      expect((await store.getItem(id))!.starred).toBe(false);
      expect(await page.getByRole('button', { name: 'Star' }).getAttribute('aria-pressed')).toBe('false');
      await expectNoErrorPage(page, errors);
      await context.close();
    });

    /** The documented shortcuts, read from the help dialog: `[["j"]]`, `[["o"], ["Enter"]]`, `[["g", "u"]]`. */
    async function documentedKeys(page: Page): Promise<string[][]> {
      return page.evaluate(() =>
        [...document.querySelectorAll('#help-dialog dt')].flatMap((dt) => {
          const keys = [...dt.querySelectorAll('kbd')].map((k) => k.textContent ?? '');
          return keys[0] === 'g' ? [keys] : keys.map((k) => [k]);
        }),
      );
    }

    async function pressKeys(page: Page, path: string, keys: string[]) {
      const { store } = served.harness;
      const here = `${served.origin}${path}`;
      const key = keys.join(' ');
      const hasEntries = (await page.locator('.river .entry').count()) > 0;
      const scope = async () => {
        if (hasEntries) return page.locator('.river .entry.selected');
        return page.locator('article.item');
      };
      const unchanged = async () => {
        await page.waitForTimeout(150);
        expect(page.url(), `${key} on ${path}`).toBe(here);
      };
      switch (key) {
        case 'j':
        case 'k': {
          if (hasEntries) {
            const ids = await page
              .locator('.river .entry')
              .evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
            await page.keyboard.press('j');
            await page.keyboard.press('j');
            await page.keyboard.press(key);
            const want = key === 'j' ? ids[Math.min(2, ids.length - 1)] : ids[0];
            await expect.poll(() => page.locator('.entry.selected').getAttribute('data-id')).toBe(want);
            return;
          }
          const step = page.locator(`.item-pager [rel="${key === 'j' ? 'next' : 'prev'}"]`);
          if ((await step.count()) === 0) {
            await page.keyboard.press(key);
            return unchanged();
          }
          const href = await step.getAttribute('href');
          await page.keyboard.press(key);
          await page.waitForURL(`${served.origin}${href}`);
          return;
        }
        case 'o':
        case 'Enter': {
          if (!hasEntries) {
            await page.keyboard.press(key);
            return unchanged();
          }
          await page.keyboard.press('j');
          const href = await page.locator('.entry.selected .entry-link').getAttribute('href');
          await page.keyboard.press(key);
          await page.waitForURL(`${served.origin}${href}`);
          return;
        }
        case 'v': {
          if (hasEntries) await page.keyboard.press('j');
          const link = (await scope()).locator('a[data-original]');
          if ((await link.count()) === 0) {
            await page.keyboard.press('v');
            return unchanged();
          }
          const href = await link.getAttribute('href');
          expect(href).toMatch(/^https:\/\/example\.org\//);
          // The original opens in a new tab: its host is unreachable here, the tab's request for it is what counts.
          const [popup, request] = await Promise.all([
            page.context().waitForEvent('page'),
            page.context().waitForEvent('request', (r) => r.url() === href),
            page.keyboard.press('v'),
          ]);
          expect(request.frame().page()).toBe(popup);
          await popup.close();
          expect(page.url()).toBe(here);
          return;
        }
        case 'm':
        case 's': {
          if (hasEntries) await page.keyboard.press('j');
          const button = (await scope()).locator(key === 'm' ? 'button.js-read' : 'button.js-star');
          if ((await button.count()) === 0) {
            await page.keyboard.press(key);
            return unchanged();
          }
          const id = Number(
            hasEntries
              ? await page.locator('.entry.selected').getAttribute('data-id')
              : await page.locator('article.item').getAttribute('data-id'),
          );
          const field = key === 'm' ? 'read' : 'starred';
          const before = (await store.getItem(id))![field];
          await page.keyboard.press(key);
          await expect.poll(async () => (await store.getItem(id))![field]).toBe(!before);
          await expect.poll(() => button.getAttribute('aria-pressed')).toBe(String(!before));
          await expectSidebarCounts(page);
          await page.keyboard.press(key);
          await expect.poll(async () => (await store.getItem(id))![field]).toBe(before);
          await expectSidebarCounts(page);
          expect(page.url()).toBe(here);
          return;
        }
        case '/':
          await page.keyboard.press('/');
          await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('q');
          await page.keyboard.press('Escape');
          return;
        case 'g u':
        case 'g a':
        case 'g s': {
          await page.keyboard.press('g');
          await Promise.all([page.waitForEvent('load'), page.keyboard.press(keys[1]!)]);
          expect(page.url()).toBe(
            `${served.origin}${{ u: '/', a: '/all', s: '/sources' }[keys[1] as 'u' | 'a' | 's']}`,
          );
          return;
        }
        case '?': {
          await page.keyboard.press('?');
          await expect.poll(() => page.locator('#help-dialog').isVisible()).toBe(true);
          await page.locator('#help-dialog button').click();
          await expect.poll(() => page.locator('#help-dialog').isVisible()).toBe(false);
          return;
        }
        default:
          throw new Error(`no expectation for the documented key "${key}": add one`);
      }
    }

    it('the help lists every key the reader knows', async () => {
      const { context, page } = await open(true);
      await page.goto(`${served.origin}/help`);
      expect((await documentedKeys(page)).map((k) => k.join(' '))).toEqual(
        expect.arrayContaining(['j', 'k', 'o', 'Enter', 'v', 'm', 's', '/', 'g u', 'g a', 'g s', '?']),
      );
      await context.close();
    });

    for (const template of PAGES) {
      it(`every documented key does what the help says on ${template}`, async () => {
        const path = resolve(template);
        const { context, page, errors } = await open(true);
        await page.goto(`${served.origin}${path}`);
        for (const k of await documentedKeys(page)) {
          await page.goto(`${served.origin}${path}`);
          await pressKeys(page, path, k);
          await expectNoErrorPage(page, errors);
        }
        await context.close();
      });
    }

    it('j/k and the next/previous links walk the list an item was opened from', async () => {
      const { store } = served.harness;
      const { context, page, errors } = await open(true);
      await page.goto(`${served.origin}/categories/Cloud?show=all`);
      const ids = await page.locator('.river .entry').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
      await page.locator('.river .entry-link').nth(0).click();
      await page.waitForURL(new RegExp(`/items/${ids[0]}\\?in=category%3ACloud$`));
      await page.keyboard.press('j');
      await page.waitForURL(new RegExp(`/items/${ids[1]}\\?`));
      await page.keyboard.press('j');
      await page.waitForURL(new RegExp(`/items/${ids[2]}\\?`));
      await page.keyboard.press('k');
      await page.waitForURL(new RegExp(`/items/${ids[1]}\\?`));
      await page.getByRole('link', { name: /Older/ }).click();
      await page.waitForURL(new RegExp(`/items/${ids[2]}\\?`));
      for (const id of ids.slice(0, 3)) {
        const item = (await store.getItem(Number(id)))!;
        expect(item.read).toBe(true);
        expect(item.sourceCategory).toBe('Cloud');
      }
      await expectNoErrorPage(page, errors);
      await context.close();
    });

    it('mark all shown as read leaves an item that arrived after the page was rendered unread', async () => {
      const { store } = served.harness;
      const { context, page, errors } = await open(true);
      await page.goto(`${served.origin}/sources/${seeded.heise.id}`);
      const shown = await page.locator('.river .entry').count();
      expect(shown).toBeGreaterThan(1);
      const { inserted } = await store.upsertItems(
        seeded.heise.id,
        [makeItem({ uid: `late-${Date.now()}`, title: 'arrived late', publishedAt: NOW - 3 * 3_600_000 - 1 })],
        NOW,
      );
      await Promise.all([
        page.waitForEvent('load'),
        page.getByRole('button', { name: 'Mark all shown as read' }).click(),
      ]);
      expect((await store.getItem(inserted[0]!.id))!.read).toBe(false);
      expect(await page.locator('.river .entry-link').allTextContents()).toContain('arrived late');
      expect(await page.locator('.undo-notice').textContent()).toContain('marked as read');
      await expectSidebarCounts(page);
      await Promise.all([page.waitForEvent('load'), page.locator('button[data-undo]').click()]);
      expect(await page.locator('.river .entry').count()).toBeGreaterThanOrEqual(shown);
      await expectNoErrorPage(page, errors);
      await context.close();
    });

    it('does not mark an item read when a page of another site embeds or links it', async () => {
      const { store } = served.harness;
      const [target, other, linked] = (await store.listItems({ unreadOnly: true }, 3)).items;
      // Another loopback port is "same-site" to Chromium, "localhost" is another site altogether: neither may mark.
      const foreign: Server = createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        if (req.url === '/link') {
          res.end(
            `<!doctype html><title>elsewhere</title><a id="go" href="${served.origin}/items/${linked!.id}">go</a>`,
          );
          return;
        }
        const id = req.url === '/a' ? target!.id : other!.id;
        res.end(`<!doctype html><title>evil</title><img src="${served.origin}/items/${id}">`);
      });
      await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', () => resolve()));
      const port = (foreign.address() as AddressInfo).port;
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        for (const [url, id] of [
          [`http://127.0.0.1:${port}/a`, target!.id],
          [`http://localhost:${port}/b`, other!.id],
        ] as const) {
          // The request is made and answered; Chromium then blocks the HTML for the <img> (ORB): it ends as failed.
          const embedded = new Promise<void>((resolve) => {
            const seen = (r: Request) => {
              if (r.url() === `${served.origin}/items/${id}`) resolve();
            };
            page.on('requestfinished', seen);
            page.on('requestfailed', seen);
          });
          await page.goto(url);
          await embedded;
          expect((await store.getItem(id))!.read).toBe(false);
        }
        // Followed from another site, the item is shown but stays unread (the reader marks it, or opens it itself).
        await page.goto(`http://localhost:${port}/link`);
        await Promise.all([page.waitForURL(`${served.origin}/items/${linked!.id}`), page.locator('#go').click()]);
        expect(await page.locator('h1').textContent()).toBe(linked!.title);
        expect((await store.getItem(linked!.id))!.read).toBe(false);
        // The reader's own navigation still marks read.
        await page.goto(`${served.origin}/items/${target!.id}`);
        expect((await store.getItem(target!.id))!.read).toBe(true);
      } finally {
        await context.close();
        await new Promise<void>((resolve) => foreign.close(() => resolve()));
      }
    });

    describe('on a 390 px phone', () => {
      let locked: ServedHarness;
      beforeAll(async () => {
        locked = await servedHarness({ server: { passwordHash: await hashPassword('s3cret') } });
        await seed(locked.harness.store, 2);
      });
      afterAll(async () => {
        await locked?.close();
      });

      /** Every entry of the main navigation is on screen as rendered (no hidden scrolling) and takes a click. */
      async function expectNavReachable(page: Page, path: string) {
        const entries = page.locator('.main-nav a, .main-nav button');
        const n = await entries.count();
        expect(n).toBeGreaterThanOrEqual(6);
        for (let i = 0; i < n; i++) {
          const entry = entries.nth(i);
          const name = (await entry.textContent())?.trim();
          expect(await entry.isVisible(), `${name} on ${path}`).toBe(true);
          const box = (await entry.boundingBox())!;
          expect(box.x, `${name} on ${path}`).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width, `${name} on ${path}`).toBeLessThanOrEqual(PHONE.width);
          expect(box.y + box.height, `${name} on ${path}`).toBeLessThanOrEqual(PHONE.height);
          await entry.click({ trial: true });
        }
      }

      for (const js of [true, false]) {
        it(`reaches Sources, language and log in/out with JavaScript ${js ? 'on' : 'off'}`, async () => {
          const { context, page, errors } = await open(js, PHONE);
          for (const path of ['/', '/sources', '/help']) {
            await page.goto(`${locked.origin}${path}`);
            await expectNavReachable(page, path);
          }
          // Each entry really goes where it says.
          await page.goto(`${locked.origin}/`);
          await Promise.all([page.waitForEvent('load'), page.locator('.main-nav a', { hasText: 'Sources' }).click()]);
          expect(new URL(page.url()).pathname).toBe('/sources');
          await Promise.all([page.waitForEvent('load'), page.locator('.main-nav a', { hasText: 'Deutsch' }).click()]);
          expect(await page.locator('html').getAttribute('lang')).toBe('de');
          await Promise.all([page.waitForEvent('load'), page.locator('.main-nav a', { hasText: 'English' }).click()]);
          await Promise.all([page.waitForEvent('load'), page.locator('.main-nav a', { hasText: 'Log in' }).click()]);
          await page.getByLabel('Password').fill('s3cret');
          await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Log in' }).click()]);
          expect(new URL(page.url()).pathname).toBe('/sources');
          await expectNavReachable(page, '/sources (logged in)');
          const logout = page.locator('.main-nav button', { hasText: 'Log out' });
          await Promise.all([page.waitForEvent('load'), logout.click()]);
          await expect.poll(() => page.locator('.main-nav a', { hasText: 'Log in' }).isVisible()).toBe(true);
          // The sidebar's entries are reachable too: through the menu with JavaScript, below the page without.
          await page.goto(`${locked.origin}/`);
          if (js) await page.locator('[data-menu-toggle]').click();
          else await page.locator('#sidebar').scrollIntoViewIfNeeded();
          for (const link of await page.locator('#sidebar a').all()) await link.click({ trial: true });
          await expectNoErrorPage(page, errors);
          await context.close();
        });
      }
    });
  },
);
