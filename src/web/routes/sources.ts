import { Hono } from 'hono';
import {
  AddSourcePage,
  type FormProblems,
  ImportPage,
  type ImportRow,
  type SourceFormValues,
  SourceManagePage,
  type SourcePictures,
  type SourcesFilter,
  SourcesPage,
  sortByHealth,
  sourceRowsHtml,
} from '../../../views/sources.tsx';
import { type StatsData, StatsPage } from '../../../views/stats.tsx';
import {
  appendSourcesToText,
  removeSourceFromText,
  type SourceEntry,
  type SourcePatch,
  updateSourceInText,
} from '../../config/edit.ts';
import { ConfigError, type ConfigIssue } from '../../config/load.ts';
import { parseOpml } from '../../config/opml.ts';
import { type SourceConfig, sourceSchema } from '../../config/schema.ts';
import { DiscoveryError } from '../../fetch/discover.ts';
import { paths, withQuery } from '../../lib/links.ts';
import { foldWord } from '../../lib/text-fold.ts';
import { feedUrlKey } from '../../lib/url.ts';
import type { SourceHealth, SourceRow } from '../../store/types.ts';
import type { AppDeps } from '../deps.ts';
import type { ConfigManager } from '../manage-deps.ts';
import { renderPage, type ViewCtxFactory, type WebContext, type WebEnv } from '../request-context.ts';
import { requireEditor } from './actions.ts';
import { notFoundPage } from './errors.ts';

const DAY_MS = 86_400_000;
const PICTURE_DAYS = 30;
const STRIP_CELLS = 24;
const LIST_TTL_MS = 3_000;
/** Rows per page of the sources list. */
export const PAGE_SIZE = 50;
const MAX_CACHED_PICTURES = 20_000;
const MAX_CACHED_PAGES = 200;
const MAX_OPML_BYTES = 2 * 1024 * 1024;

type Fields = Record<string, string>;

async function formFields(c: WebContext): Promise<Fields> {
  const body = await c.req.parseBody();
  const fields: Fields = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') fields[k] = v.trim();
  return fields;
}

function emptyValues(): SourceFormValues {
  return {
    url: '',
    title: '',
    category: '',
    language: '',
    interval: '',
    identity: 'auto',
    retentionDays: '',
    retentionItems: '',
    retentionMinItems: '',
  };
}

function valuesFromFields(f: Fields): SourceFormValues {
  const v = emptyValues();
  for (const key of Object.keys(v) as (keyof SourceFormValues)[]) v[key] = f[key] ?? v[key];
  return v;
}

/** The entry as written in the file, for the form: durations as seconds when the file gave a number. */
function valuesFromConfig(s: SourceConfig): SourceFormValues {
  return {
    url: s.url,
    title: s.title ?? '',
    category: s.category,
    language: s.language ?? '',
    interval: s.interval === undefined ? '' : formatDuration(s.interval),
    identity: s.identity,
    retentionDays: s.retention?.days === undefined ? '' : String(s.retention.days),
    retentionItems: s.retention?.items === undefined ? '' : String(s.retention.items),
    retentionMinItems: s.retention?.minItems === undefined ? '' : String(s.retention.minItems),
  };
}

function formatDuration(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** A number field as YAML gets it: digits become a number, anything else stays text for the schema to refuse. */
function numberOrText(text: string): number | string | null {
  if (text === '') return null;
  return /^\d+$/.test(text) ? Number(text) : text;
}

function patchFromValues(v: SourceFormValues): SourcePatch {
  return {
    title: v.title || null,
    category: v.category || null,
    language: v.language || null,
    interval: numberOrText(v.interval),
    identity: v.identity && v.identity !== 'auto' ? v.identity : null,
    retention: {
      days: numberOrText(v.retentionDays) as number | null,
      items: numberOrText(v.retentionItems) as number | null,
      minItems: numberOrText(v.retentionMinItems) as number | null,
    },
  };
}

const FIELD_OF_PATH: Record<string, keyof SourceFormValues> = {
  url: 'url',
  title: 'title',
  category: 'category',
  language: 'language',
  interval: 'interval',
  identity: 'identity',
  'retention.days': 'retentionDays',
  'retention.items': 'retentionItems',
  'retention.minItems': 'retentionMinItems',
};

/** check-config's issues as the form shows them: beside the field of this source's entry, and all in the list. */
function problemsFrom(issues: ConfigIssue[], entryIndex: number | undefined): FormProblems {
  const fields: FormProblems['fields'] = {};
  for (const issue of issues) {
    const m = /^sources\[(\d+)\]\.(.+)$/.exec(issue.path);
    if (!m || (entryIndex !== undefined && Number(m[1]) !== entryIndex)) continue;
    const field = FIELD_OF_PATH[m[2]!];
    if (field) fields[field] = `${issue.line}:${issue.column}: ${issue.message}`;
  }
  return { fields, issues };
}

function problemsOf(error: unknown, entryIndex?: number): FormProblems {
  if (error instanceof ConfigError) return problemsFrom(error.issues, entryIndex);
  return { fields: {}, issues: [], message: (error as Error).message };
}

function categoriesOf(deps: AppDeps): string[] {
  return [...new Set(deps.config().sources.map((s) => s.category))].sort();
}

/** The config entry of a stored source (matched as config sync matches: by the URL as written). */
function configEntry(deps: AppDeps, row: SourceRow): { entry: SourceConfig; index: number } | undefined {
  const index = deps.config().sources.findIndex((s) => s.url === row.configUrl);
  return index < 0 ? undefined : { entry: deps.config().sources[index]!, index };
}

/**
 * The sources pages (overview with pictures, one source's page) and, for editors with a config manager, the
 * changes: add (autodiscovery), edit, disable/enable, delete, refresh, OPML import. Every change is an edit of
 * rundschau.yaml (config/edit.ts) applied at once; all are POSTs behind the CSRF guard.
 */
export function sourceRoutes(deps: AppDeps, viewCtx: ViewCtxFactory): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const editor = requireEditor();
  const now = () => deps.now?.() ?? Date.now();

  // The list of every source, sorted for the page (broken first, then by name): a thousand rows cost a few ms
  // to read and sort, so it is kept briefly per locale and dropped by every edit made here (fetch results show
  // within LIST_TTL_MS; the config's identity changing — a reload, an edit by the operator — drops it too).
  const listCache = new Map<string, { at: number; config: unknown; rows: Promise<SourceRow[]> }>();
  function sortedSources(locale: string): Promise<SourceRow[]> {
    const config = deps.config();
    const hit = listCache.get(locale);
    if (hit && hit.config === config && Date.now() - hit.at < LIST_TTL_MS) return hit.rows;
    const rows = deps.store.listSources().then((all) => sortByHealth(all, locale));
    listCache.set(locale, { at: Date.now(), config, rows });
    rows.catch(() => listCache.delete(locale));
    return rows;
  }
  const dropPictures = () => {
    listCache.clear();
    pictureCache.clear();
    pageCache.clear();
  };

  /**
   * The pictures of the sources shown (a page of the list, or one source): one grouped query for the items per
   * day and one for the newest attempts, both over these sources' ids only (each reads its (source_id, time) index).
   */
  async function loadPictures(sourceIds: number[], cells = STRIP_CELLS): Promise<(id: number) => SourcePictures> {
    const today = Math.floor(now() / DAY_MS);
    const firstDay = today - PICTURE_DAYS + 1;
    const [daily, attempts] = await Promise.all([
      deps.store.itemsPerDay(firstDay * DAY_MS, sourceIds),
      deps.store.recentAttemptsSince(now() - 14 * DAY_MS, cells, sourceIds),
    ]);
    const perDay = new Map<number, number[]>();
    for (const row of daily) {
      if (row.day < firstDay || row.day > today) continue;
      let days = perDay.get(row.sourceId);
      if (!days) {
        days = new Array(PICTURE_DAYS).fill(0);
        perDay.set(row.sourceId, days);
      }
      days[row.day - firstDay]! += row.n;
    }
    const empty = new Array(PICTURE_DAYS).fill(0) as number[];
    return (id) => ({ perDay: perDay.get(id) ?? empty, attempts: attempts.get(id) ?? [] });
  }

  // A source's pictures change only when it is fetched (new attempt, new items) or the day turns: kept per source
  // under its last fetch time, so a page reads only the sources fetched since it was last shown (one grouped query
  // each for those). A fetch by another process shows as soon as the list (LIST_TTL_MS) has its new fetch time.
  const pictureCache = new Map<number, { stamp: string; pictures: SourcePictures }>();
  async function pagePictures(rows: SourceRow[]): Promise<(id: number) => SourcePictures> {
    const day = Math.floor(now() / DAY_MS);
    const stampOf = (r: SourceRow) => `${day}:${r.lastFetchAt ?? 0}:${r.itemCount}`;
    const stale = rows.filter((r) => pictureCache.get(r.id)?.stamp !== stampOf(r));
    if (stale.length > 0) {
      const fresh = await loadPictures(stale.map((r) => r.id));
      if (pictureCache.size > MAX_CACHED_PICTURES) pictureCache.clear();
      for (const r of stale) pictureCache.set(r.id, { stamp: stampOf(r), pictures: fresh(r.id) });
    }
    return (id) => pictureCache.get(id)!.pictures;
  }

  function withWeek(row: SourceRow, pictures: SourcePictures): SourceHealth {
    return { ...row, itemsPerWeek: pictures.perDay.slice(-7).reduce((a, b) => a + b, 0) };
  }

  function noticeOf(c: WebContext): string | undefined {
    const done = c.req.query('done');
    const t = c.var.t;
    switch (done) {
      case 'added':
        return t('noticeAdded');
      case 'saved':
        return t('noticeSaved');
      case 'deleted':
        return t('noticeDeleted');
      case 'enabled':
        return t('noticeEnabled');
      case 'disabled':
        return t('noticeDisabled');
      case 'refreshed':
        return t('noticeRefreshed', { outcome: c.req.query('outcome') ?? '' });
      default:
        return undefined;
    }
  }

  // What every page of one read of the list shares: the health counts and the categories.
  const listFacts = new WeakMap<SourceRow[], { tally: Record<string, number>; categories: string[] }>();
  function factsOf(all: SourceRow[]) {
    let facts = listFacts.get(all);
    if (!facts) {
      const tally: Record<string, number> = {};
      for (const s of all) {
        const key = healthKey(s);
        tally[key] = (tally[key] ?? 0) + 1;
      }
      facts = { tally, categories: [...new Set(all.map((s) => s.category))].sort() };
      listFacts.set(all, facts);
    }
    return facts;
  }

  // A rendered page of rows is kept while the list it came from is the current one (LIST_TTL_MS at most) and the
  // shown sources' unread counts are unchanged: a page asked for again and again costs its layout only.
  const pageCache = new Map<
    string,
    {
      all: SourceRow[];
      unread: string;
      rows: ReturnType<typeof sourceRowsHtml>;
      ids: number[];
      shown: number;
      matching: number;
      pages: number;
      page: number;
    }
  >();

  // A page of the list (PAGE_SIZE rows, filtered by name/URL, health and category), with the health of all
  // sources as counts: the page's cost no longer grows with the number of sources beyond the sorted list itself.
  app.get(paths.sources(), async (c) => {
    const ctx = viewCtx(c, 'sources');
    const filter = filterOf(c);
    const [all, counts] = await Promise.all([sortedSources(ctx.locale), deps.store.unreadCounts()]);
    const { tally, categories } = factsOf(all);
    const key = JSON.stringify([ctx.locale, ctx.canEdit, filter.q, filter.health, filter.category, filter.page]);
    let cached = pageCache.get(key);
    const unreadOf = (ids: number[]) => ids.map((id) => counts.bySource[id] ?? 0).join(',');
    if (!cached || cached.all !== all || cached.unread !== unreadOf(cached.ids)) {
      const matching = all.filter(matcher(filter));
      const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
      const page = Math.min(filter.page, pages);
      const shown = matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
      const pictures = await pagePictures(shown);
      const sources = shown.map((r) => withWeek(r, pictures(r.id)));
      const ids = shown.map((r) => r.id);
      cached = {
        all,
        unread: unreadOf(ids),
        rows: sourceRowsHtml(ctx, sources, counts.bySource, pictures),
        ids,
        shown: shown.length,
        matching: matching.length,
        pages,
        page,
      };
      if (pageCache.size >= MAX_CACHED_PAGES) pageCache.clear();
      pageCache.set(key, cached);
    }
    return renderPage(
      c,
      SourcesPage({
        ctx,
        rowsHtml: cached.rows,
        shown: cached.shown,
        notice: noticeOf(c),
        tally,
        total: all.length,
        matching: cached.matching,
        filter: { ...filter, page: cached.page },
        pages: cached.pages,
        pageSize: PAGE_SIZE,
        categories,
      }),
    );
  });

  function manager(c: WebContext): ConfigManager | undefined {
    if (!deps.manager) deps.log.warn({ path: c.req.path }, 'config editing is not available in this process');
    return deps.manager;
  }
  const noManager = (c: WebContext) => c.text('editing the config is not available here (serve runs it)', 501);

  // --- Add

  app.get(paths.sourceNew(), editor, (c) => {
    const v = emptyValues();
    v.url = c.req.query('url') ?? '';
    return renderPage(c, AddSourcePage({ ctx: viewCtx(c, 'sources'), values: v, categories: categoriesOf(deps) }));
  });

  app.post(paths.sourceNew(), editor, async (c) => {
    const m = manager(c);
    if (!m) return noManager(c);
    const f = await formFields(c);
    const values = valuesFromFields(f);
    const ctx = () => viewCtx(c, 'sources');
    const again = (problems: FormProblems, candidates?: { url: string; title?: string }[], status: 422 | 200 = 422) =>
      renderPage(
        c,
        AddSourcePage({ ctx: ctx(), values, problems, categories: categoriesOf(deps), candidates }),
        status as 200,
      );

    if (!values.url) return again({ fields: { url: c.var.t('required') }, issues: [] });
    // The fields first, as the schema sees them (before anything is fetched).
    const entry = entryFromValues(values, f.feed || values.url);
    const checked = sourceSchema.safeParse(entry);
    if (!checked.success) {
      const fields: FormProblems['fields'] = {};
      for (const issue of checked.error.issues) {
        const field = FIELD_OF_PATH[issue.path.join('.')];
        if (field) fields[field] = issue.message;
      }
      return again({ fields, issues: [] });
    }
    let feedUrl = f.feed;
    let title = values.title || undefined;
    if (!feedUrl) {
      let candidates: { url: string; title?: string }[];
      try {
        candidates = await m.discover(values.url);
      } catch (error) {
        const message = error instanceof DiscoveryError ? error.message : (error as Error).message;
        return again({ fields: { url: message }, issues: [] });
      }
      if (candidates.length === 0) return again({ fields: { url: c.var.t('noFeedFound') }, issues: [] });
      if (candidates.length > 1) return again({ fields: {}, issues: [] }, candidates, 200);
      feedUrl = candidates[0]!.url;
      title ??= candidates[0]!.title;
    }
    let feed: { url: string; title?: string; items: number };
    try {
      feed = await m.checkFeed(feedUrl);
    } catch (error) {
      return again({ fields: { url: (error as Error).message }, issues: [] });
    }
    const source: SourceEntry = { ...entryFromValues(values, feed.url), title: title ?? feed.title };
    let skipped: string | undefined;
    try {
      await m.edit((text) => {
        const result = appendSourcesToText(text, m.configPath, [source]);
        skipped = result.skipped[0]?.reason;
        return result.text;
      });
    } catch (error) {
      return again(problemsOf(error));
    }
    if (skipped) return again({ fields: { url: skipped }, issues: [] });
    dropPictures();
    const row = await deps.store.findSourceByUrl(feed.url);
    return c.redirect(withQuery(row ? paths.sourceManage(row.id) : paths.sources(), { done: 'added' }), 303);
  });

  // --- One source

  async function sourceOr404(c: WebContext) {
    const id = Number(c.req.param('id'));
    return Number.isSafeInteger(id) ? deps.store.getSource(id) : undefined;
  }

  async function managePage(c: WebContext, row: SourceRow, values?: SourceFormValues, problems?: FormProblems) {
    const [pictures, history] = await Promise.all([loadPictures([row.id], 60), deps.store.sourceAttempts(row.id, 100)]);
    const found = configEntry(deps, row);
    const shown = pictures(row.id);
    return renderPage(
      c,
      SourceManagePage({
        ctx: viewCtx(c, 'sources'),
        source: withWeek(row, shown),
        values: found ? (values ?? valuesFromConfig(found.entry)) : undefined,
        problems,
        categories: categoriesOf(deps),
        pictures: shown,
        history,
        notice: noticeOf(c),
      }),
      problems ? (422 as 200) : 200,
    );
  }

  app.get('/sources/:id{[0-9]+}/manage', async (c) => {
    const row = await sourceOr404(c);
    if (!row) return notFoundPage(c, viewCtx);
    return managePage(c, row);
  });

  app.post('/sources/:id{[0-9]+}/manage', editor, async (c) => {
    const m = manager(c);
    if (!m) return noManager(c);
    const row = await sourceOr404(c);
    const found = row && configEntry(deps, row);
    if (!row || !found) return notFoundPage(c, viewCtx);
    const values = { ...valuesFromFields(await formFields(c)), url: row.configUrl };
    try {
      await m.edit((text) => updateSourceInText(text, m.configPath, row.configUrl, patchFromValues(values)));
    } catch (error) {
      return managePage(c, row, values, problemsOf(error, found.index));
    }
    dropPictures();
    return c.redirect(withQuery(paths.sourceManage(row.id), { done: 'saved' }), 303);
  });

  app.post('/sources/:id{[0-9]+}/enabled', editor, async (c) => {
    const m = manager(c);
    if (!m) return noManager(c);
    const row = await sourceOr404(c);
    if (!row || !configEntry(deps, row)) return notFoundPage(c, viewCtx);
    const enable = (await formFields(c)).enabled === '1';
    try {
      await m.edit((text) => updateSourceInText(text, m.configPath, row.configUrl, { disabled: enable ? null : true }));
    } catch (error) {
      return managePage(c, row, undefined, problemsOf(error));
    }
    dropPictures();
    return c.redirect(withQuery(paths.sourceManage(row.id), { done: enable ? 'enabled' : 'disabled' }), 303);
  });

  app.post('/sources/:id{[0-9]+}/delete', editor, async (c) => {
    const m = manager(c);
    if (!m) return noManager(c);
    const row = await sourceOr404(c);
    if (!row || !configEntry(deps, row)) return notFoundPage(c, viewCtx);
    if ((await formFields(c)).confirm !== '1') {
      return managePage(c, row, undefined, { fields: {}, issues: [], message: c.var.t('deleteConfirmMissing') });
    }
    try {
      await m.edit((text) => removeSourceFromText(text, m.configPath, row.configUrl));
    } catch (error) {
      return managePage(c, row, undefined, problemsOf(error));
    }
    dropPictures();
    return c.redirect(withQuery(paths.sources(), { done: 'deleted' }), 303);
  });

  app.post('/sources/:id{[0-9]+}/refresh', editor, async (c) => {
    const m = manager(c);
    if (!m) return noManager(c);
    const row = await sourceOr404(c);
    if (!row) return notFoundPage(c, viewCtx);
    const [result] = await m.refresh([row.configUrl]);
    dropPictures();
    const outcome = result ? `${result.outcome}${result.message ? `: ${result.message}` : ''}` : 'skipped';
    return c.redirect(withQuery(paths.sourceManage(row.id), { done: 'refreshed', outcome }), 303);
  });

  // --- OPML import

  app.get(paths.sourceImport(), editor, (c) => renderPage(c, ImportPage({ ctx: viewCtx(c, 'sources') })));

  app.post(paths.sourceImport(), editor, async (c) => {
    const m = manager(c);
    if (!m) return noManager(c);
    const ctx = () => viewCtx(c, 'sources');
    const body = await c.req.parseBody();
    const file = body.opml;
    const text = typeof file === 'string' ? file : file instanceof File ? await readSmall(file) : undefined;
    if (text === undefined) {
      return renderPage(
        c,
        ImportPage({ ctx: ctx(), problems: { fields: {}, issues: [], message: c.var.t('opmlMissing') } }),
        422 as 200,
      );
    }
    const outlines = parseOpml(text);
    if (outlines.length === 0) {
      return renderPage(
        c,
        ImportPage({ ctx: ctx(), problems: { fields: {}, issues: [], message: c.var.t('opmlEmpty') } }),
        422 as 200,
      );
    }
    const entries: SourceEntry[] = outlines.map((o) => ({ url: o.url, title: o.title, category: o.category }));
    let result: ReturnType<typeof appendSourcesToText> | undefined;
    try {
      await m.edit((current) => {
        result = appendSourcesToText(current, m.configPath, entries);
        return result.text;
      });
    } catch (error) {
      return renderPage(c, ImportPage({ ctx: ctx(), problems: problemsOf(error) }), 422 as 200);
    }
    dropPictures();
    const added = new Set(result!.added.map(feedUrlKey));
    const skipped = new Map(result!.skipped.map((s) => [s.url, s.reason]));
    const rows: ImportRow[] = outlines.map((o) => {
      const reason = skipped.get(o.url);
      const status: ImportRow['status'] =
        added.has(feedUrlKey(o.url)) && reason === undefined
          ? 'added'
          : reason?.startsWith('already') || reason?.startsWith('commented')
            ? 'duplicate'
            : 'invalid';
      return { url: o.url, title: o.title, category: o.category ?? 'Uncategorized', status, reason };
    });
    return renderPage(c, ImportPage({ ctx: ctx(), results: rows }));
  });

  async function readSmall(file: File): Promise<string | undefined> {
    if (file.size > MAX_OPML_BYTES) return undefined;
    return new TextDecoder().decode(await file.arrayBuffer());
  }

  app.get(paths.stats(), async (c) => {
    const data = await statsData(deps, now());
    return renderPage(c, StatsPage({ ctx: viewCtx(c, 'sources'), data }));
  });

  return app;
}

/** Nearest-rank percentile of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const HOUR_MS = 3_600_000;

/** /stats from what the store keeps: fetch attempts (two weeks), items' first sight, their counters. */
export async function statsData(deps: AppDeps, now: number): Promise<StatsData> {
  const today = Math.floor(now / DAY_MS);
  const hour = Math.floor(now / HOUR_MS);
  const [sources, perDay, ingested, durations] = await Promise.all([
    deps.store.listSources(),
    deps.store.attemptsPerSourceDay((today - 13) * DAY_MS),
    deps.store.itemsIngestedPerHour((hour - 47) * HOUR_MS),
    deps.store.fetchDurations((hour - 23) * HOUR_MS),
  ]);
  const healthByDay = { ok: new Array(14).fill(0), some: new Array(14).fill(0), all: new Array(14).fill(0) };
  for (const r of perDay) {
    const i = r.day - (today - 13);
    if (i < 0 || i >= 14) continue;
    if (r.errors === 0) healthByDay.ok[i]++;
    else if (r.errors < r.total) healthByDay.some[i]++;
    else healthByDay.all[i]++;
  }
  const ingestedPerHour = new Array(48).fill(0) as number[];
  for (const r of ingested) {
    const i = r.hour - (hour - 47);
    if (i >= 0 && i < 48) ingestedPerHour[i]! += r.n;
  }
  const byHour: number[][] = Array.from({ length: 24 }, () => []);
  for (const d of durations) {
    const i = Math.floor(d.startedAt / HOUR_MS) - (hour - 23);
    if (i >= 0 && i < 24) byHour[i]!.push(d.durationMs);
  }
  for (const list of byHour) list.sort((a, b) => a - b);
  const all = durations.map((d) => d.durationMs).sort((a, b) => a - b);
  return {
    sources: sources.filter((s) => s.inConfig).length,
    healthByDay,
    ingestedPerHour,
    latencyPerHour: {
      p50: byHour.map((l) => percentile(l, 50)),
      p90: byHour.map((l) => percentile(l, 90)),
      p99: byHour.map((l) => percentile(l, 99)),
    },
    latency: { p50: percentile(all, 50), p90: percentile(all, 90), p99: percentile(all, 99), n: all.length },
  };
}

/** The form's values as a config entry (what `appendSources` writes). */
function entryFromValues(v: SourceFormValues, url: string): SourceEntry {
  const entry: Record<string, unknown> = { url };
  if (v.title) entry.title = v.title;
  if (v.category) entry.category = v.category;
  if (v.language) entry.language = v.language;
  const interval = numberOrText(v.interval);
  if (interval !== null) entry.interval = interval;
  if (v.identity && v.identity !== 'auto') entry.identity = v.identity;
  const retention: Record<string, unknown> = {};
  for (const [key, field] of [
    ['days', 'retentionDays'],
    ['items', 'retentionItems'],
    ['minItems', 'retentionMinItems'],
  ] as const) {
    const value = numberOrText(v[field]);
    if (value !== null) retention[key] = value;
  }
  if (Object.keys(retention).length > 0) entry.retention = retention;
  return entry as SourceEntry;
}

/** The health a source is counted and filtered under: its status, or `disabled` / `removed` (left the file). */
export function healthKey(s: Pick<SourceRow, 'status' | 'enabled' | 'inConfig'>): string {
  if (!s.inConfig) return 'removed';
  if (!s.enabled) return 'disabled';
  return s.status;
}

export const HEALTH_KEYS = ['ok', 'new', 'degraded', 'failing', 'dead', 'disabled', 'removed'] as const;

function filterOf(c: WebContext): SourcesFilter {
  const q = (c.req.query('q') ?? '').trim().slice(0, 200);
  const health = c.req.query('health') ?? '';
  const page = Number(c.req.query('page') ?? '1');
  return {
    q,
    health: (HEALTH_KEYS as readonly string[]).includes(health) ? health : '',
    category: c.req.query('category') ?? '',
    page: Number.isSafeInteger(page) && page > 0 ? page : 1,
  };
}

/** Name, feed title and URLs contain the words (case and accents folded); health and category match exactly. */
function matcher(filter: SourcesFilter): (s: SourceRow) => boolean {
  const words = foldWord(filter.q).split(/\s+/).filter(Boolean);
  return (s) => {
    if (filter.health && healthKey(s) !== filter.health) return false;
    if (filter.category && s.category !== filter.category) return false;
    if (words.length === 0) return true;
    const text = foldWord(`${s.title} ${s.feedTitle ?? ''} ${s.configUrl} ${s.fetchUrl} ${s.siteUrl ?? ''}`);
    return words.every((w) => text.includes(w));
  };
}
