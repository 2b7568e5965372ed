import type { HtmlEscapedString } from 'hono/utils/html';
import { paths, scopeKey } from '../src/lib/links.ts';
import { sourceName } from '../src/lib/source-name.ts';
import { type RiverItem, type SidebarData, safeHref, type ViewCtx } from './context.ts';
import { html, raw } from './html.ts';
import { absoluteTime, relativeTime } from './i18n.ts';

/**
 * The widgets every page shares (time, read/star toggles, counts, sidebar links), each defined once, and the two
 * lists that grow with the data (river entries, sidebar sources), which use them. Written with hono/html's `html`
 * template: it escapes every interpolated value (markup passes only as another `html` result or `raw`), and is a
 * string concatenation, so a river renders 50 entries and hundreds of sources in well under a millisecond, which
 * JSX nodes cannot. JSX pages place these results as they are (parts.tsx wraps them as components).
 */

type Html = HtmlEscapedString;

const sync = html;

/** Rivers show the opening of a summary (CSS clamps it to three lines anyway); the item page shows all of it. */
const RIVER_SUMMARY_CHARS = 280;

function riverSummary(summary: string): string {
  if (summary.length <= RIVER_SUMMARY_CHARS) return summary;
  const cut = summary.slice(0, RIVER_SUMMARY_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${space > RIVER_SUMMARY_CHARS * 0.6 ? cut.slice(0, space) : cut}…`;
}

/**
 * Relative time for reading, absolute on hover, machine-readable for everyone else. An estimated date (the feed gave
 * none) reads "~" before the time and says so on hover.
 */
export function timeAgo(ctx: ViewCtx, at: number, estimated = false): Html {
  const absolute = absoluteTime(ctx.locale, at);
  const relative = relativeTime(ctx.locale, at, ctx.now);
  // An ISO timestamp holds no character that needs escaping.
  const datetime = raw(new Date(at).toISOString());
  if (!estimated) return sync`<time datetime="${datetime}" title="${absolute}">${relative}</time>`;
  const title = `${absolute} (${ctx.t('dateEstimated')})`;
  return sync`<time datetime="${datetime}" title="${title}" class="estimated">~${relative}</time>`;
}

/**
 * The read or star toggle. app.js sends buttons marked `js-read`/`js-star` with fetch() and flips them; without
 * JavaScript they submit their form. In the river all entries share one form and each button posts to its own
 * URL (`formaction`); elsewhere the button sits in a form of its own (see ReadToggle/StarToggle in parts.tsx).
 */
export function toggleButton(
  ctx: ViewCtx,
  kind: 'read' | 'star',
  id: number,
  on: boolean,
  opts: { formaction?: boolean; action?: string; title?: string } = {},
): Html {
  const action = kind === 'read' ? paths.itemRead(id) : paths.itemStar(id);
  const formaction = opts.formaction ? sync` formaction="${opts.action ?? action}"` : '';
  const title = opts.title ? sync` title="${opts.title}"` : '';
  return sync`<button type="submit"${formaction}${title}${toggleRest(ctx.t, kind, on, Boolean(opts.formaction))}</button>`;
}

/**
 * Everything of a toggle after its action and title, which depends only on the language, the kind and the state:
 * made once per translator (a river has 100 toggles, all alike but for their URLs). In the river (`inRiver`) the
 * labels app.js switches to are said once on the river's form (`riverLabels`), not on each of its 100 buttons.
 */
const toggleRests = new WeakMap<ViewCtx['t'], Map<string, Html>>();
function toggleRest(t: ViewCtx['t'], kind: 'read' | 'star', on: boolean, inRiver: boolean): Html {
  let perT = toggleRests.get(t);
  if (!perT) {
    perT = new Map();
    toggleRests.set(t, perT);
  }
  const key = `${kind}${on}${inRiver}`;
  let rest = perT.get(key);
  if (!rest) {
    const [field, onLabel, offLabel] =
      kind === 'read'
        ? (['read', t('markUnread'), t('markRead')] as const)
        : (['starred', t('unstar'), t('star')] as const);
    const icon = kind === 'star' ? sync`<span aria-hidden="true" class="star-icon">${on ? '★' : '☆'}</span> ` : '';
    const cls = kind === 'read' ? 'btn btn-small js-read' : 'btn btn-small btn-star js-star';
    const labels = inRiver ? '' : sync` data-label-on="${onLabel}" data-label-off="${offLabel}"`;
    rest = sync` name="${field}" value="${on ? '0' : '1'}" class="${cls}" aria-pressed="${on ? 'true' : 'false'}"${labels}>${icon}<span class="btn-label">${on ? onLabel : offLabel}</span>`;
    perT.set(key, rest);
  }
  return rest;
}

/** An unread or starred count beside a link; nothing for zero. */
export function countBadge(n: number | undefined): Html | '' {
  return n ? sync`<span class="count">${n > 9999 ? '9999+' : String(n)}</span>` : '';
}

/**
 * A sidebar entry. `countKey` names which of the unread counts it shows (`total`, `starred`, `source:ID`,
 * `category:NAME`): app.js updates it after an action.
 */
export function sideLink(opts: {
  href: string;
  label: string;
  current: boolean;
  count?: number;
  countKey?: string;
  extraClass?: string;
  /** A source's id: its site icon before the label. */
  iconOf?: number;
}): Html {
  const current = opts.current ? raw(' aria-current="page"') : '';
  const countKey = opts.countKey === undefined ? '' : sync` data-count="${opts.countKey}"`;
  const icon = opts.iconOf === undefined ? '' : faviconImg(opts.iconOf);
  return sync`<a${countKey} href="${opts.href}"${current} class="side-link${opts.extraClass ?? ''}">${icon}<span class="side-label">${opts.label}</span>${countBadge(opts.count)}</a>`;
}

/** A source's site icon (web/favicons.ts: fetched once per site, a neutral placeholder when there is none). */
export function faviconImg(sourceId: number): Html {
  let img = faviconImgs.get(sourceId);
  if (!img) {
    img = sync`<img class="favicon" src="${paths.favicon(sourceId)}" width="16" height="16" alt="" loading="lazy" decoding="async">`;
    // Sources are a config's few hundred; the bound only keeps a long-lived process with churning ids in check.
    if (faviconImgs.size >= 10_000) faviconImgs.clear();
    faviconImgs.set(sourceId, img);
  }
  return img;
}
const faviconImgs = new Map<number, Html>();

const SEPARATOR = raw('<span aria-hidden="true"> · </span>');
const ENTRY_CLASS = raw('entry');
const ENTRY_UNREAD_CLASS = raw('entry unread');

export function entryHtml(ctx: ViewCtx, item: RiverItem, linkQuery = ''): Html {
  const t = ctx.t;
  const id = item.id;
  const separator = SEPARATOR;
  const score =
    item.score === undefined
      ? ''
      : sync`${separator}<span class="score">${t('score', { s: item.score.toFixed(2) })}</span>`;
  const starred = item.starred
    ? sync` <span class="starred-mark" title="${t('starred')}">★<span class="visually-hidden">${t('starred')}</span></span>`
    : '';
  let actions: Html | '' = '';
  if (ctx.canEdit) {
    const original = safeHref(item.link);
    const open = original
      ? sync`<a href="${original}" class="btn btn-small btn-quiet" rel="noopener noreferrer" target="_blank" data-original="">${t('openOriginal')}</a>`
      : '';
    // A story's card marks all its reports read at once.
    const readOpts = item.also?.length
      ? { formaction: true, action: paths.storyRead(id), title: t('storyReadHint') }
      : { formaction: true };
    actions = sync`<div class="entry-actions">${toggleButton(ctx, 'read', id, item.read, readOpts)}${toggleButton(ctx, 'star', id, item.starred, { formaction: true })}${open}</div>`;
  }
  const lang = item.language ? sync` lang="${item.language}"` : '';
  const summary = item.summary ? sync`<p class="entry-summary">${riverSummary(item.summary)}</p>` : '';
  const story = item.also?.length ? storyReportsHtml(ctx, item, linkQuery) : '';
  const storyAttr = item.also?.length ? sync` data-story="${item.also.length + 1}"` : '';
  return sync`<article class="${item.read ? ENTRY_CLASS : ENTRY_UNREAD_CLASS}" id="item-${id}" data-id="${id}"${storyAttr} aria-labelledby="title-${id}"${lang}><h2 class="entry-title" id="title-${id}"><a href="${paths.item(id, linkQuery)}" class="entry-link">${item.title || item.link || '—'}</a></h2><p class="entry-meta"><a href="${paths.source(item.sourceId)}" class="entry-source">${faviconImg(item.sourceId)}${sourceName({ title: item.sourceTitle })}</a>${separator}${timeAgo(ctx, item.publishedAt, item.dateEstimated)}${score}${starred}</p>${summary}${story}${actions}</article>`;
}

/**
 * The other reports of a story in its card: "N sources", opened with a click (a `<details>`, so it works without
 * JavaScript too), each report with its source, time and a link to it in the reader.
 */
function storyReportsHtml(ctx: ViewCtx, item: RiverItem, linkQuery: string): Html {
  const others = item.also ?? [];
  const sources = new Set([item.sourceId, ...others.map((o) => o.sourceId)]).size;
  const rows = others.map(
    (o) =>
      sync`<li${o.language ? sync` lang="${o.language}"` : ''}><span class="story-source">${sourceName({ title: o.sourceTitle })}</span>: <a href="${paths.item(o.id, linkQuery)}" class="${o.read ? 'story-report' : 'story-report unread'}">${o.title || o.link || '—'}</a> <span class="story-time">${timeAgo(ctx, o.publishedAt, o.dateEstimated)}</span></li>`,
  );
  return sync`<details class="entry-story"><summary>${ctx.t('storySources', { n: String(sources) })}</summary><p class="visually-hidden">${ctx.t('storyReports')}</p><ul class="story-reports">${rows}</ul></details>`;
}

/**
 * The river's entries. With editing allowed they sit inside one form carrying the CSRF token and the way back,
 * so each entry needs no hidden fields of its own.
 */
export function riverHtml(ctx: ViewCtx, items: RiverItem[], linkQuery = ''): Html {
  const entries = items.map((item) => entryHtml(ctx, item, linkQuery));
  if (!ctx.canEdit) return sync`<div class="river" data-river="">${entries}</div>`;
  const t = ctx.t;
  const labels = sync` data-label-read-on="${t('markUnread')}" data-label-read-off="${t('markRead')}" data-label-star-on="${t('unstar')}" data-label-star-off="${t('star')}"`;
  return sync`<form method="post" action="${paths.riverForm()}" class="river" data-river=""${labels}><input type="hidden" name="_csrf" value="${ctx.csrfToken}"/><input type="hidden" name="back" value="${ctx.here}"/>${entries}</form>`;
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
export function sidebarCategoriesHtml(ctx: ViewCtx, data: SidebarData): Html {
  const current = data.current;
  const groups: Html[] = [];
  for (const [category, sources] of groupedSources(data.sources, ctx.locale)) {
    const isCurrent = current?.kind === 'category' && current.name === category;
    const open = isCurrent || (current?.kind === 'source' && sources.some((s) => s.id === current.id));
    const link = sideLink({
      href: paths.category(category),
      label: category,
      current: isCurrent,
      count: data.counts.byCategory[category],
      countKey: scopeKey({ kind: 'category', name: category }),
      extraClass: ' side-category',
    });
    if (!open) {
      groups.push(sync`<div class="side-group">${link}</div>`);
      continue;
    }
    const items = sources.map(
      (s) =>
        sync`<li>${sideLink({
          href: paths.source(s.id),
          label: sourceName(s),
          current: current?.kind === 'source' && current.id === s.id,
          count: data.counts.bySource[s.id],
          countKey: scopeKey({ kind: 'source', id: s.id }),
          iconOf: s.id,
        })}</li>`,
    );
    groups.push(
      sync`<div class="side-group side-group-open">${link}<ul class="side-list side-sources">${items}</ul></div>`,
    );
  }
  return sync`${groups}`;
}
