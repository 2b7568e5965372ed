import { raw } from 'hono/html';
import { type SidebarData, safeHref, sourceName, type ViewCtx } from './context.ts';
import { absoluteTime, relativeTime } from './i18n.ts';
import type { RiverItem } from './river.tsx';

/**
 * The two lists that grow with the data (river entries, sidebar sources) are built as strings: the river must
 * render 50 entries and hundreds of sources in well under a millisecond, which JSX nodes cannot. Every
 * interpolated value goes through `esc`.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: string | number): string {
  const s = String(value);
  return /[&<>"']/.test(s) ? s.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : s;
}

/** Rivers show the opening of a summary (CSS clamps it to three lines anyway); the item page shows all of it. */
const RIVER_SUMMARY_CHARS = 280;

function riverSummary(summary: string): string {
  if (summary.length <= RIVER_SUMMARY_CHARS) return summary;
  const cut = summary.slice(0, RIVER_SUMMARY_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${space > RIVER_SUMMARY_CHARS * 0.6 ? cut.slice(0, space) : cut}…`;
}

function timeHtml(ctx: ViewCtx, at: number, estimated: boolean): string {
  const absolute = absoluteTime(ctx.locale, at);
  const relative = esc(relativeTime(ctx.locale, at, ctx.now));
  if (!estimated) return `<time datetime="${new Date(at).toISOString()}" title="${esc(absolute)}">${relative}</time>`;
  // The same mark as views/parts.tsx TimeAgo: "~" before an estimated date.
  const title = `${absolute} (${ctx.t('dateEstimated')})`;
  return `<time datetime="${new Date(at).toISOString()}" title="${esc(title)}" class="estimated">~${relative}</time>`;
}

/** A toggle button submitting the river-wide form to its own URL (`formaction`); app.js sends it with fetch(). */
function toggleButton(ctx: ViewCtx, kind: 'read' | 'star', id: number, on: boolean): string {
  const t = ctx.t;
  const [field, onLabel, offLabel] =
    kind === 'read'
      ? (['read', t('markUnread'), t('markRead')] as const)
      : (['starred', t('unstar'), t('star')] as const);
  const label = on ? onLabel : offLabel;
  const icon = kind === 'star' ? `<span aria-hidden="true" class="star-icon">${on ? '★' : '☆'}</span> ` : '';
  const cls = kind === 'read' ? 'btn btn-small js-read' : 'btn btn-small btn-star js-star';
  return `<button type="submit" formaction="/items/${id}/${kind}" name="${field}" value="${on ? '0' : '1'}" class="${cls}" aria-pressed="${on}" data-label-on="${esc(onLabel)}" data-label-off="${esc(offLabel)}">${icon}<span class="btn-label">${esc(label)}</span></button>`;
}

export function entryHtml(ctx: ViewCtx, item: RiverItem, linkQuery = ''): string {
  const t = ctx.t;
  const id = item.id;
  let meta = `<a href="/sources/${item.sourceId}" class="entry-source">${esc(sourceName({ title: item.sourceTitle }))}</a><span aria-hidden="true"> · </span>${timeHtml(ctx, item.publishedAt, item.dateEstimated)}`;
  if (item.score !== undefined) {
    meta += `<span aria-hidden="true"> · </span><span class="score">${esc(t('score', { s: item.score.toFixed(2) }))}</span>`;
  }
  if (item.starred) {
    meta += ` <span class="starred-mark" title="${esc(t('starred'))}">★<span class="visually-hidden">${esc(t('starred'))}</span></span>`;
  }
  let actions = '';
  if (ctx.canEdit) {
    const original = safeHref(item.link);
    actions = `<div class="entry-actions">${toggleButton(ctx, 'read', id, item.read)}${toggleButton(ctx, 'star', id, item.starred)}${
      original
        ? `<a href="${esc(original)}" class="btn btn-small btn-quiet" rel="noopener noreferrer" target="_blank" data-original="">${esc(t('openOriginal'))}</a>`
        : ''
    }</div>`;
  }
  const lang = item.language ? ` lang="${esc(item.language)}"` : '';
  return (
    `<article class="${item.read ? 'entry' : 'entry unread'}" id="item-${id}" data-id="${id}" aria-labelledby="title-${id}"${lang}>` +
    `<h2 class="entry-title" id="title-${id}"><a href="/items/${id}${esc(linkQuery)}" class="entry-link">${esc(item.title || item.link || '—')}</a></h2>` +
    `<p class="entry-meta">${meta}</p>` +
    (item.summary ? `<p class="entry-summary">${esc(riverSummary(item.summary))}</p>` : '') +
    actions +
    '</article>'
  );
}

/**
 * The river's entries. With editing allowed they sit inside one form carrying the CSRF token and the way back,
 * so each entry needs no hidden fields of its own.
 */
export function riverHtml(ctx: ViewCtx, items: RiverItem[], linkQuery = '') {
  const entries = items.map((item) => entryHtml(ctx, item, linkQuery)).join('');
  if (!ctx.canEdit) return raw(`<div class="river" data-river="">${entries}</div>`);
  return raw(
    `<form method="post" action="/items/read" class="river" data-river="">` +
      `<input type="hidden" name="_csrf" value="${esc(ctx.csrfToken)}"/>` +
      `<input type="hidden" name="back" value="${esc(ctx.here)}"/>${entries}</form>`,
  );
}

const collators = new Map<string, Intl.Collator>();
function collator(locale: string): Intl.Collator {
  let c = collators.get(locale);
  if (!c) {
    c = new Intl.Collator(locale);
    collators.set(locale, c);
  }
  return c;
}

function countHtml(n: number | undefined): string {
  return n ? `<span class="count">${n > 9999 ? '9999+' : n}</span>` : '';
}

function sideLink(
  href: string,
  label: string,
  current: boolean,
  count: number | undefined,
  countKey: string,
  extraClass = '',
): string {
  return `<a data-count="${esc(countKey)}" href="${esc(href)}"${current ? ' aria-current="page"' : ''} class="side-link${extraClass}"><span class="side-label">${esc(label)}</span>${countHtml(count)}</a>`;
}

type SidebarSource = SidebarData['sources'][number];

/** Sources grouped by category and sorted for a locale; recomputed only when the source list itself changes. */
const groupedCache = new WeakMap<SidebarData['sources'], Map<string, [string, SidebarSource[]][]>>();

function groupedSources(sources: SidebarData['sources'], locale: string): [string, SidebarSource[]][] {
  let perLocale = groupedCache.get(sources);
  if (!perLocale) {
    perLocale = new Map();
    groupedCache.set(sources, perLocale);
  }
  let grouped = perLocale.get(locale);
  if (!grouped) {
    const cmp = collator(locale).compare;
    const byCategory = new Map<string, SidebarSource[]>();
    for (const s of sources) {
      const list = byCategory.get(s.category);
      if (list) list.push(s);
      else byCategory.set(s.category, [s]);
    }
    grouped = [...byCategory.entries()]
      .sort(([a], [b]) => cmp(a, b))
      .map(([category, list]) => [category, list.slice().sort((a, b) => cmp(sourceName(a), sourceName(b)))]);
    perLocale.set(locale, grouped);
  }
  return grouped;
}

/**
 * Categories with unread counts; the category being read (or holding the source being read) lists its sources.
 * With hundreds of sources, listing all of them on every page would make the sidebar most of the page.
 */
export function sidebarCategoriesHtml(ctx: ViewCtx, data: SidebarData) {
  const currentSource = data.current?.startsWith('source:') ? Number(data.current.slice(7)) : undefined;
  let out = '';
  for (const [category, sources] of groupedSources(data.sources, ctx.locale)) {
    const open =
      data.current === `category:${category}` ||
      (currentSource !== undefined && sources.some((s) => s.id === currentSource));
    const link = sideLink(
      `/categories/${encodeURIComponent(category)}`,
      category,
      data.current === `category:${category}`,
      data.counts.byCategory[category],
      `category:${category}`,
      ' side-category',
    );
    if (!open) {
      out += `<div class="side-group">${link}</div>`;
      continue;
    }
    out += `<div class="side-group side-group-open">${link}<ul class="side-list side-sources">`;
    for (const s of sources) {
      out += `<li>${sideLink(`/sources/${s.id}`, sourceName(s), data.current === `source:${s.id}`, data.counts.bySource[s.id], `source:${s.id}`)}</li>`;
    }
    out += '</ul></div>';
  }
  return raw(out);
}
