/**
 * Micro-benchmark of the river's per-item path: 50 rows rendered 10,000 times (`node bin/run-ts.js
 * bench/river-render.ts`). The reader's hot page is mostly this; it must not get slower.
 */

import type { ViewCtx } from '../views/context.ts';
import { translator } from '../views/i18n.ts';
import type { RiverItem } from '../views/river.tsx';
import { riverHtml } from '../views/strings.ts';

const now = Date.UTC(2026, 10, 1);
const ctx = {
  locale: 'en',
  t: translator('en'),
  now,
  here: '/',
  csrfToken: 'csrf-token-abc',
  canEdit: true,
  loginEnabled: false,
  loggedIn: false,
  assets: { css: '/a.css', js: '/a.js', icon: '/i.svg' },
  feeds: [],
  section: 'unread',
  proxyMedia: (h: string) => h,
} as ViewCtx;

const items: RiverItem[] = Array.from({ length: 50 }, (_, i) => ({
  id: 1000 + i,
  sourceId: 1 + (i % 7),
  sourceTitle: `Source <${i % 7}> & Co`,
  sourceCategory: 'Tech',
  title: `Title number ${i}: "quoted" & <b>bold</b> words that run on for a while`,
  link: `https://example.org/items/${i}?a=1&b=2`,
  summary: 'A summary of the item with a few sentences. '.repeat(8),
  language: 'en',
  publishedAt: now - i * 3_600_000,
  dateEstimated: i % 10 === 0,
  read: i % 3 === 0,
  starred: i % 5 === 0,
})) as unknown as RiverItem[];

const ROUNDS = 10_000;
for (let i = 0; i < 500; i++) String(riverHtml(ctx, items, '?show=unread'));
const start = performance.now();
let bytes = 0;
for (let i = 0; i < ROUNDS; i++) bytes += String(riverHtml(ctx, items, '?show=unread')).length;
const ms = performance.now() - start;
console.log(
  `river rows: ${ROUNDS} x 50 rows in ${ms.toFixed(0)} ms = ${((ms * 1000) / ROUNDS).toFixed(1)} µs per page (${(bytes / ROUNDS).toFixed(0)} chars)`,
);
