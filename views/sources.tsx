/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ConfigIssue } from '../src/config/load.ts';
import { paths } from '../src/lib/links.ts';
import { sourceName } from '../src/lib/source-name.ts';
import type { FetchAttempt, SourceHealth, SourceRow, SourceStatus } from '../src/store/types.ts';
import { attemptStrip, attemptSummary, barChart } from './charts.ts';
import { safeHref, type ViewCtx } from './context.ts';
import { formatNumber } from './i18n.ts';
import { Layout } from './layout.tsx';
import { MaybeTime, PostForm, StatusBadge, TimeAgo } from './parts.tsx';
import { countBadge, faviconImg, timeAgo } from './strings.ts';

type Html = HtmlEscapedString;
const sync = html as (strings: TemplateStringsArray, ...values: unknown[]) => Html;

// Broken feeds first: the page exists to make them obvious.
const SEVERITY: Record<string, number> = { dead: 0, failing: 1, degraded: 2, new: 3, ok: 4 };

export function sortByHealth<S extends SourceRow>(sources: S[], locale: string): S[] {
  // One collator and one name per source: `localeCompare(…, locale)` builds a collator per call, which made a
  // thousand sources cost a fifth of a second.
  const collator = new Intl.Collator(locale);
  const names = new Map(sources.map((s) => [s, sourceName(s)]));
  return sources
    .slice()
    .sort(
      (a, b) =>
        Number(b.inConfig) - Number(a.inConfig) ||
        (SEVERITY[a.status] ?? 5) - (SEVERITY[b.status] ?? 5) ||
        collator.compare(names.get(a)!, names.get(b)!),
    );
}

/** What the pictures of one source are made of. */
export interface SourcePictures {
  /** Items per day, oldest first (30 days on the sources page). */
  perDay: number[];
  /** Recent attempts, newest first. */
  attempts: { outcome: string; errorReason?: string | null }[];
}

const STATUS_BADGE: Record<SourceStatus, string> = {
  new: 'badge badge-new',
  ok: 'badge badge-ok',
  degraded: 'badge badge-warn',
  failing: 'badge badge-bad',
  dead: 'badge badge-dead',
};

function statusBadge(ctx: ViewCtx, status: string): Html {
  const s = (status in STATUS_BADGE ? status : 'new') as SourceStatus;
  return sync`<span class="${STATUS_BADGE[s]}">${ctx.t(`status_${s}`)}</span>`;
}

/** The favicon of a source's site (fetched once through the guard; a neutral placeholder when there is none). */
export const favicon = faviconImg;

export function stripWords(ctx: ViewCtx) {
  const { t } = ctx;
  return { ok: t('fetchOk'), notModified: t('fetchNotModified'), errors: t('fetchErrors'), none: t('fetchNone') };
}

function sparkline(ctx: ViewCtx, perDay: number[], large = false): Html {
  const total = perDay.reduce((a, b) => a + b, 0);
  return barChart(perDay, {
    width: large ? 600 : 90,
    height: large ? 120 : 22,
    label: ctx.t('itemsPerDayLabel', { n: total, days: perDay.length }),
    cls: large ? 'chart-large' : '',
  });
}

function strip(ctx: ViewCtx, attempts: SourcePictures['attempts'], large = false): Html {
  return attemptStrip(attempts, {
    cells: large ? 60 : 24,
    cellWidth: large ? 10 : 4,
    height: large ? 24 : 14,
    label: attemptSummary(attempts.slice(0, large ? 60 : 24), stripWords(ctx)),
  });
}

/**
 * One row of the sources page, as a string: the page lists every source (a thousand render in a few ms this way;
 * JSX nodes would take far longer).
 */
function sourceRowHtml(ctx: ViewCtx, s: SourceHealth, unread: number | undefined, pictures: SourcePictures): Html {
  const { t } = ctx;
  const site = safeHref(s.siteUrl);
  const url = site ? sync`<a href="${site}" rel="noopener noreferrer">${s.fetchUrl}</a>` : s.fetchUrl;
  const flags = [
    !s.inConfig ? sync` · ${t('notInConfig')}` : '',
    !s.enabled ? sync` · <span class="badge badge-dead">${t('disabled')}</span>` : '',
  ];
  const error =
    s.errorReason || s.lastError
      ? sync`${s.errorReason ? sync`<code class="reason">${s.errorReason}</code>` : ''}${s.lastError ? sync`<div class="small error-text">${s.lastError}</div>` : ''}`
      : raw('<span class="muted">—</span>');
  const next = s.inConfig && s.enabled ? timeAgo(ctx, s.nextFetchAt) : raw('<span class="muted">—</span>');
  const manage = ctx.canEdit
    ? sync` <a href="${paths.sourceManage(s.id)}" class="small manage-link">${t('manage')}</a>`
    : '';
  return sync`<tr class="source-row status-${s.status}${s.enabled ? '' : ' disabled'}" data-source="${s.id}"><th scope="row" class="source-name">${favicon(s.id)} <a href="${paths.source(s.id)}">${sourceName(s)}</a> ${countBadge(unread)}${manage}<div class="muted small source-url">${url}</div><div class="muted small">${s.category} · ${retentionText(ctx, s)}${flags}</div></th><td data-label="${t('sourceHealth')}">${statusBadge(ctx, s.status)}</td><td data-label="${t('itemsPerDay30')}" class="pic">${sparkline(ctx, pictures.perDay)}<div class="muted small">${formatNumber(ctx.locale, Math.round(s.itemsPerWeek * 10) / 10)} ${t('perWeek')}</div></td><td data-label="${t('recentFetches')}" class="pic">${strip(ctx, pictures.attempts)}</td><td data-label="${t('lastSuccess')}">${s.lastSuccessAt ? timeAgo(ctx, s.lastSuccessAt) : raw(`<span class="muted">${t('never')}</span>`)}</td><td data-label="${t('lastError')}" class="source-error">${error}</td><td data-label="${t('nextFetch')}">${next}</td></tr>`;
}

function retentionText(ctx: ViewCtx, s: SourceHealth): string {
  if (s.retentionDays) return ctx.t('keepsDays', { n: s.retentionDays });
  if (s.retentionItems) return ctx.t('keepsItems', { n: s.retentionItems });
  return ctx.t('keepsDefault');
}

/** The sources table's rows, in the order given (the route sorts the whole list, then shows a page of it). */
export function sourceRowsHtml(
  ctx: ViewCtx,
  sources: SourceHealth[],
  unreadBySource: Record<number, number>,
  pictures: (id: number) => SourcePictures,
): Html {
  const rows = sources.map((s) => sourceRowHtml(ctx, s, unreadBySource[s.id], pictures(s.id)));
  return sync`${rows}`;
}

/** What the sources list is narrowed to (all from the query string; a GET form sets them). */
export interface SourcesFilter {
  q: string;
  /** A status, or `disabled` / `removed`; '' for all. */
  health: string;
  category: string;
  /** 1-based. */
  page: number;
}

const HEALTH_ORDER = ['dead', 'failing', 'degraded', 'new', 'ok', 'disabled', 'removed'] as const;

function healthLabel(ctx: ViewCtx, key: string): string {
  if (key === 'disabled') return ctx.t('disabled');
  if (key === 'removed') return ctx.t('notInConfig');
  return ctx.t(`status_${key}` as 'status_ok');
}

function filterHref(filter: SourcesFilter, change: Partial<SourcesFilter>): string {
  const f = { ...filter, ...change };
  const params = new URLSearchParams();
  if (f.q) params.set('q', f.q);
  if (f.health) params.set('health', f.health);
  if (f.category) params.set('category', f.category);
  if (f.page > 1) params.set('page', String(f.page));
  const query = params.toString();
  return query ? `${paths.sources()}?${query}` : paths.sources();
}

function ChartLegend({ ctx }: { ctx: ViewCtx }) {
  const { t } = ctx;
  return (
    <p class="legend muted small">
      <span class="key key-ok" /> {t('fetchOk')} <span class="key key-nm" /> {t('fetchNotModified')}{' '}
      <span class="key key-err-http" /> {t('errHttp')} <span class="key key-err-net" /> {t('errNet')}{' '}
      <span class="key key-err-feed" /> {t('errFeed')}
    </p>
  );
}

export function SourcesPage({
  ctx,
  rowsHtml,
  shown,
  notice,
  tally,
  total,
  matching,
  filter,
  pages,
  pageSize,
  categories,
}: {
  ctx: ViewCtx;
  /** The rows shown (sourceRowsHtml): one page of the (filtered) list, in order; `shown` of them. */
  rowsHtml: Html;
  shown: number;
  notice?: string;
  /** Every source counted by health key (its status, or disabled / removed). */
  tally: Record<string, number>;
  /** Number of all sources, and of those the filter matches. */
  total: number;
  matching: number;
  filter: SourcesFilter;
  pages: number;
  pageSize: number;
  categories: string[];
}) {
  const { t } = ctx;
  const filtered = Boolean(filter.q || filter.health || filter.category);
  const first = (filter.page - 1) * pageSize;
  return (
    <Layout ctx={ctx} title={t('sourcesTitle')}>
      <h1>{t('sourcesTitle')}</h1>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <nav class="status-tally" aria-label={t('sourceHealth')}>
        <a href={filterHref(filter, { health: '', page: 1 })} aria-current={filter.health === '' ? 'true' : undefined}>
          {t('allSources')} <span class="count">{String(total)}</span>
        </a>{' '}
        {HEALTH_ORDER.filter((k) => tally[k]).map((k) => (
          <>
            <a
              href={filterHref(filter, { health: k, page: 1 })}
              class={`tally-${k}`}
              data-health={k}
              aria-current={filter.health === k ? 'true' : undefined}
            >
              {k === 'disabled' || k === 'removed' ? (
                <span class="badge badge-dead">{healthLabel(ctx, k)}</span>
              ) : (
                <StatusBadge ctx={ctx} status={k} />
              )}{' '}
              <span class="count">{String(tally[k])}</span>
            </a>{' '}
          </>
        ))}
      </nav>
      <p class="source-tools">
        {ctx.canEdit && (
          <>
            <a href={paths.sourceNew()} class="btn">
              {t('addSource')}
            </a>{' '}
            <a href={paths.sourceImport()} class="btn">
              {t('importOpml')}
            </a>{' '}
          </>
        )}
        <a href={paths.opml()} class="btn btn-quiet">
          {t('exportOpml')}
        </a>{' '}
        <a href={paths.stats()} class="btn btn-quiet">
          {t('statsTitle')}
        </a>
      </p>
      {total > 0 && (
        <search>
          <form method="get" action={paths.sources()} class="source-filter">
            <label>
              <span class="visually-hidden">{t('filterSources')}</span>
              <input type="search" name="q" value={filter.q} placeholder={t('filterSources')} />
            </label>{' '}
            <label>
              <span class="visually-hidden">{t('sourceHealth')}</span>
              <select name="health">
                <option value="">{t('anyHealth')}</option>
                {HEALTH_ORDER.map((k) => (
                  <option value={k} selected={filter.health === k}>
                    {healthLabel(ctx, k)}
                  </option>
                ))}
              </select>
            </label>{' '}
            <label>
              <span class="visually-hidden">{t('category')}</span>
              <select name="category">
                <option value="">{t('anyCategory')}</option>
                {categories.map((cat) => (
                  <option value={cat} selected={filter.category === cat}>
                    {cat}
                  </option>
                ))}
              </select>
            </label>{' '}
            <button type="submit" class="btn">
              {t('filter')}
            </button>
            {filtered && (
              <>
                {' '}
                <a href={paths.sources()} class="small">
                  {t('clearFilter')}
                </a>
              </>
            )}
          </form>
        </search>
      )}
      {total === 0 ? (
        <p class="empty">{t('noSources')}</p>
      ) : matching === 0 ? (
        <p class="empty">{t('noSourcesMatch')}</p>
      ) : (
        <>
          <p class="muted small list-range" data-matching={String(matching)}>
            {t('sourcesRange', { from: first + 1, to: first + shown, n: matching })}
          </p>
          <ChartLegend ctx={ctx} />
          <div class="table-wrap">
            <table class="sources-table">
              <thead>
                <tr>
                  <th scope="col">{t('sourcesTitle')}</th>
                  <th scope="col">{t('sourceHealth')}</th>
                  <th scope="col">{t('itemsPerDay30')}</th>
                  <th scope="col">{t('recentFetches')}</th>
                  <th scope="col">{t('lastSuccess')}</th>
                  <th scope="col">{t('lastError')}</th>
                  <th scope="col">{t('nextFetch')}</th>
                </tr>
              </thead>
              <tbody>{rowsHtml}</tbody>
            </table>
          </div>
          {pages > 1 && (
            <nav class="pager" aria-label={t('pages')}>
              {filter.page > 1 && (
                <a href={filterHref(filter, { page: filter.page - 1 })} rel="prev" class="btn">
                  ← {t('sourcesPrevious')}
                </a>
              )}{' '}
              <span class="muted">{t('sourcesPageOf', { page: filter.page, pages })}</span>{' '}
              {filter.page < pages && (
                <a href={filterHref(filter, { page: filter.page + 1 })} rel="next" class="btn">
                  {t('sourcesNext')} →
                </a>
              )}
            </nav>
          )}
        </>
      )}
    </Layout>
  );
}

/** What the source form shows: the entry's values as typed (strings), and what was wrong with them. */
export interface SourceFormValues {
  url: string;
  title: string;
  category: string;
  language: string;
  interval: string;
  identity: string;
  retentionDays: string;
  retentionItems: string;
  retentionMinItems: string;
}

export interface FormProblems {
  /** Per field name. */
  fields: Partial<Record<keyof SourceFormValues | 'feed', string>>;
  /** check-config's words for the whole file (file:line:col: path: message). */
  issues: ConfigIssue[];
  message?: string;
}

function Field({
  name,
  label,
  value,
  problems,
  hint,
  type,
  list,
  required,
}: {
  name: keyof SourceFormValues;
  label: string;
  value: string;
  problems?: FormProblems;
  hint?: string;
  type?: string;
  list?: string;
  required?: boolean;
}) {
  const error = problems?.fields[name];
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={`f-${name}`}>{label}</label>
      <input
        id={`f-${name}`}
        name={name}
        value={value}
        type={type ?? 'text'}
        list={list}
        required={required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `e-${name}` : hint ? `h-${name}` : undefined}
      />
      {error ? (
        <p class="error-text small" id={`e-${name}`}>
          {error}
        </p>
      ) : (
        hint && (
          <p class="muted small" id={`h-${name}`}>
            {hint}
          </p>
        )
      )}
    </div>
  );
}

export function IssueList({ ctx, problems }: { ctx: ViewCtx; problems?: FormProblems }) {
  if (!problems || (problems.issues.length === 0 && !problems.message)) return null;
  return (
    <div class="notice notice-error form-problems" role="alert">
      <strong>{problems.message ?? ctx.t('configRefused')}</strong>
      {problems.issues.length > 0 && (
        <ul>
          {problems.issues.map((i) => (
            <li>
              <code>
                {i.file.split('/').pop()}:{i.line}:{i.column}
              </code>{' '}
              {i.path && <code>{i.path}</code>} {i.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function SourceFields({
  ctx,
  values,
  problems,
  categories,
  withUrl,
}: {
  ctx: ViewCtx;
  values: SourceFormValues;
  problems?: FormProblems;
  categories: string[];
  withUrl: boolean;
}) {
  const { t } = ctx;
  return (
    <>
      {withUrl && (
        <Field name="url" label={t('feedOrSiteUrl')} value={values.url} problems={problems} type="url" required />
      )}
      <Field name="title" label={t('title')} value={values.title} problems={problems} hint={t('titleHint')} />
      <Field name="category" label={t('category')} value={values.category} problems={problems} list="categories" />
      <datalist id="categories">
        {categories.map((c) => (
          <option value={c} />
        ))}
      </datalist>
      <Field
        name="language"
        label={t('language')}
        value={values.language}
        problems={problems}
        hint={t('languageHint')}
      />
      <Field
        name="interval"
        label={t('interval')}
        value={values.interval}
        problems={problems}
        hint={t('intervalHint')}
      />
      <div class={problems?.fields.identity ? 'field field-error' : 'field'}>
        <label for="f-identity">{t('identity')}</label>
        <select id="f-identity" name="identity">
          {['auto', 'guid', 'link'].map((v) => (
            <option value={v} selected={values.identity === v}>
              {t(`identity_${v}` as 'identity_auto')}
            </option>
          ))}
        </select>
        {problems?.fields.identity && <p class="error-text small">{problems.fields.identity}</p>}
      </div>
      <fieldset class="field-group">
        <legend>{t('retention')}</legend>
        <Field name="retentionDays" label={t('retentionDays')} value={values.retentionDays} problems={problems} />
        <Field name="retentionItems" label={t('retentionItems')} value={values.retentionItems} problems={problems} />
        <Field
          name="retentionMinItems"
          label={t('retentionMinItems')}
          value={values.retentionMinItems}
          problems={problems}
        />
      </fieldset>
    </>
  );
}

export function AddSourcePage({
  ctx,
  values,
  problems,
  categories,
  candidates,
}: {
  ctx: ViewCtx;
  values: SourceFormValues;
  problems?: FormProblems;
  categories: string[];
  /** Several feeds found on the page: the editor picks one. */
  candidates?: { url: string; title?: string; type?: string }[];
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('addSource')}>
      <p>
        <a href={paths.sources()}>← {t('sourcesTitle')}</a>
      </p>
      <h1>{t('addSource')}</h1>
      <p class="muted">{t('addSourceHint')}</p>
      <IssueList ctx={ctx} problems={problems} />
      <PostForm ctx={ctx} action={paths.sourceNew()} class="source-form" back={paths.sources()}>
        {candidates && candidates.length > 0 && (
          <fieldset class="field-group candidates">
            <legend>{t('pickFeed')}</legend>
            {candidates.map((c, i) => (
              <label class="candidate">
                <input type="radio" name="feed" value={c.url} checked={i === 0} required />{' '}
                <strong>{c.title ?? c.url}</strong> <span class="muted small">{c.url}</span>
              </label>
            ))}
          </fieldset>
        )}
        <SourceFields ctx={ctx} values={values} problems={problems} categories={categories} withUrl />
        <button type="submit" class="btn btn-primary">
          {candidates && candidates.length > 0 ? t('addChosenFeed') : t('addSource')}
        </button>
      </PostForm>
    </Layout>
  );
}

export function SourceManagePage({
  ctx,
  source,
  values,
  problems,
  categories,
  pictures,
  history,
  notice,
}: {
  ctx: ViewCtx;
  source: SourceHealth;
  /** The entry as in the file; undefined when the source left the file. */
  values?: SourceFormValues;
  problems?: FormProblems;
  categories: string[];
  pictures: SourcePictures;
  /** The newest attempts, whole. */
  history: FetchAttempt[];
  notice?: string;
}) {
  const { t } = ctx;
  const errors = history.filter((a) => a.outcome === 'error');
  const back = paths.sourceManage(source.id);
  return (
    <Layout ctx={ctx} title={`${sourceName(source)} · ${t('manage')}`}>
      <p>
        <a href={paths.sources()}>← {t('sourcesTitle')}</a>
      </p>
      <h1 class="source-heading">
        {favicon(source.id)} {sourceName(source)} <StatusBadge ctx={ctx} status={source.status} />
        {!source.enabled && <span class="badge badge-dead">{t('disabled')}</span>}
      </h1>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <p class="muted small source-url">
        {source.fetchUrl} · <a href={paths.source(source.id)}>{t('readItems')}</a>
      </p>
      <section class="pictures">
        <h2>{t('itemsPerDay30')}</h2>
        {sparkline(ctx, pictures.perDay, true)}
        <h2>{t('recentFetches')}</h2>
        {strip(ctx, pictures.attempts, true)}
        <ChartLegend ctx={ctx} />
        <p class="muted small">
          {t('lastSuccess')}: <MaybeTime ctx={ctx} at={source.lastSuccessAt} /> · {t('nextFetch')}:{' '}
          {source.inConfig && source.enabled ? <TimeAgo ctx={ctx} at={source.nextFetchAt} /> : '—'} ·{' '}
          {t('consecutiveErrors')}: {String(source.consecutiveErrors)}
        </p>
      </section>
      {ctx.canEdit && values && (
        <section class="source-actions" aria-labelledby="actions-title">
          <h2 id="actions-title">{t('actions')}</h2>
          <div class="action-row">
            {source.enabled && (
              <PostForm ctx={ctx} action={paths.sourceRefresh(source.id)} back={back}>
                <button type="submit" class="btn">
                  {source.status === 'dead' || source.status === 'failing' ? t('recheck') : t('refreshNow')}
                </button>
              </PostForm>
            )}
            <PostForm
              ctx={ctx}
              action={paths.sourceEnabled(source.id)}
              fields={{ enabled: source.enabled ? '0' : '1' }}
              back={back}
            >
              <button type="submit" class="btn">
                {source.enabled ? t('disable') : t('enable')}
              </button>
            </PostForm>
            <PostForm
              ctx={ctx}
              action={paths.sourceDelete(source.id)}
              back={paths.sources()}
              class="inline-form delete-form"
            >
              <label class="small">
                <input type="checkbox" name="confirm" value="1" required /> {t('deleteConfirm')}
              </label>{' '}
              <button type="submit" class="btn btn-danger">
                {t('delete')}
              </button>
            </PostForm>
          </div>
        </section>
      )}
      {ctx.canEdit && values && (
        <section aria-labelledby="edit-title">
          <h2 id="edit-title">{t('editSource')}</h2>
          <IssueList ctx={ctx} problems={problems} />
          <PostForm ctx={ctx} action={paths.sourceManage(source.id)} class="source-form" back={back}>
            <SourceFields ctx={ctx} values={values} problems={problems} categories={categories} withUrl={false} />
            <button type="submit" class="btn btn-primary">
              {t('save')}
            </button>
          </PostForm>
        </section>
      )}
      {!values && <p class="notice">{t('notInConfigHint')}</p>}
      <section aria-labelledby="errors-title">
        <h2 id="errors-title">{t('errorHistory')}</h2>
        {errors.length === 0 ? (
          <p class="muted">{t('noErrors')}</p>
        ) : (
          <div class="table-wrap">
            <table class="sources-table error-history">
              <thead>
                <tr>
                  <th scope="col">{t('when')}</th>
                  <th scope="col">{t('reason')}</th>
                  <th scope="col">HTTP</th>
                  <th scope="col">{t('message')}</th>
                </tr>
              </thead>
              <tbody>
                {errors.map((a) => (
                  <tr>
                    <td>
                      <TimeAgo ctx={ctx} at={a.startedAt} />
                    </td>
                    <td>
                      <code class="reason">{a.errorReason ?? 'error'}</code>
                    </td>
                    <td>{a.httpStatus ? String(a.httpStatus) : '—'}</td>
                    <td class="small">{a.error ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Layout>
  );
}

export interface ImportRow {
  url: string;
  title?: string;
  category?: string;
  status: 'added' | 'duplicate' | 'invalid';
  reason?: string;
}

export function ImportPage({
  ctx,
  results,
  problems,
}: {
  ctx: ViewCtx;
  results?: ImportRow[];
  problems?: FormProblems;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('importOpml')}>
      <p>
        <a href={paths.sources()}>← {t('sourcesTitle')}</a>
      </p>
      <h1>{t('importOpml')}</h1>
      <IssueList ctx={ctx} problems={problems} />
      {results && (
        <section aria-labelledby="results-title">
          <h2 id="results-title">
            {t('importResults', {
              added: results.filter((r) => r.status === 'added').length,
              skipped: results.filter((r) => r.status !== 'added').length,
            })}
          </h2>
          <div class="table-wrap">
            <table class="sources-table import-results">
              <thead>
                <tr>
                  <th scope="col">{t('feed')}</th>
                  <th scope="col">{t('category')}</th>
                  <th scope="col">{t('result')}</th>
                </tr>
              </thead>
              <tbody>
                {results.map((r) => (
                  <tr class={`import-${r.status}`}>
                    <td>
                      {r.title && <strong>{r.title} </strong>}
                      <span class="small source-url">{r.url}</span>
                    </td>
                    <td>{r.category ?? ''}</td>
                    <td>
                      <span class={r.status === 'added' ? 'badge badge-ok' : 'badge badge-new'}>
                        {t(`import_${r.status}` as 'import_added')}
                      </span>{' '}
                      {r.reason && <span class="small muted">{r.reason}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      <form method="post" action={paths.sourceImport()} enctype="multipart/form-data" class="source-form">
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <div class="field">
          <label for="f-opml">{t('opmlFile')}</label>
          <input
            id="f-opml"
            type="file"
            name="opml"
            accept=".opml,.xml,text/xml,text/x-opml,application/xml"
            required
          />
          <p class="muted small">{t('opmlHint')}</p>
        </div>
        <button type="submit" class="btn btn-primary">
          {t('importOpml')}
        </button>
      </form>
    </Layout>
  );
}
