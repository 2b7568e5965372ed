/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import { paths } from '../src/lib/links.ts';
import { sourceName } from '../src/lib/source-name.ts';
import type { SourceHealth } from '../src/store/types.ts';
import { safeHref, type ViewCtx } from './context.ts';
import { formatNumber } from './i18n.ts';
import { Layout } from './layout.tsx';
import { Count, MaybeTime, StatusBadge, TimeAgo } from './parts.tsx';

// Broken feeds first: the page exists to make them obvious.
const SEVERITY: Record<string, number> = { dead: 0, failing: 1, degraded: 2, new: 3, ok: 4 };

export function sortByHealth(sources: SourceHealth[], locale: string): SourceHealth[] {
  return sources
    .slice()
    .sort(
      (a, b) =>
        Number(b.inConfig) - Number(a.inConfig) ||
        (SEVERITY[a.status] ?? 5) - (SEVERITY[b.status] ?? 5) ||
        sourceName(a).localeCompare(sourceName(b), locale),
    );
}

function SourceRowView({ ctx, s, unread }: { ctx: ViewCtx; s: SourceHealth; unread: number | undefined }) {
  const { t } = ctx;
  const site = safeHref(s.siteUrl);
  return (
    <tr class={`source-row status-${s.status}`}>
      <th scope="row" class="source-name">
        <a href={paths.source(s.id)}>{sourceName(s)}</a> <Count n={unread} />
        <div class="muted small source-url">
          {site ? (
            <a href={site} rel="noopener noreferrer">
              {s.fetchUrl}
            </a>
          ) : (
            s.fetchUrl
          )}
        </div>
        <div class="muted small">
          {s.category}
          {' · '}
          {s.retentionDays
            ? t('keepsDays', { n: s.retentionDays })
            : s.retentionItems
              ? t('keepsItems', { n: s.retentionItems })
              : t('keepsDefault')}
          {!s.inConfig && <> · {t('notInConfig')}</>}
          {!s.enabled && <> · {t('disabled')}</>}
        </div>
      </th>
      <td data-label={t('sourceHealth')}>
        <StatusBadge ctx={ctx} status={s.status} />
      </td>
      <td data-label={t('lastSuccess')}>
        <MaybeTime ctx={ctx} at={s.lastSuccessAt} />
      </td>
      <td data-label={t('lastError')} class="source-error">
        {s.errorReason || s.lastError ? (
          <>
            {s.errorReason && <code class="reason">{s.errorReason}</code>}
            {s.lastError && <div class="small error-text">{s.lastError}</div>}
          </>
        ) : (
          <span class="muted">—</span>
        )}
      </td>
      <td data-label={t('nextFetch')}>
        {/* A dead source too: its weekly re-check. */}
        {s.inConfig && s.enabled ? <TimeAgo ctx={ctx} at={s.nextFetchAt} /> : <span class="muted">—</span>}
      </td>
      <td data-label={t('itemsPerWeek')} class="num">
        {formatNumber(ctx.locale, Math.round(s.itemsPerWeek * 10) / 10)}
      </td>
      <td data-label={t('consecutiveErrors')} class={s.consecutiveErrors > 0 ? 'num error-text' : 'num'}>
        {String(s.consecutiveErrors)}
      </td>
    </tr>
  );
}

export function SourcesPage({
  ctx,
  sources,
  unreadBySource,
}: {
  ctx: ViewCtx;
  sources: SourceHealth[];
  unreadBySource: Record<number, number>;
}) {
  const { t } = ctx;
  const sorted = sortByHealth(sources, ctx.locale);
  const tally = new Map<string, number>();
  for (const s of sources) tally.set(s.status, (tally.get(s.status) ?? 0) + 1);
  return (
    <Layout ctx={ctx} title={t('sourcesTitle')}>
      <h1>{t('sourcesTitle')}</h1>
      <p class="status-tally">
        {['ok', 'degraded', 'failing', 'dead', 'new']
          .filter((s) => tally.get(s))
          .map((s) => (
            <>
              <StatusBadge ctx={ctx} status={s} /> {String(tally.get(s))}{' '}
            </>
          ))}
      </p>
      {sorted.length === 0 ? (
        <p class="empty">{t('noSources')}</p>
      ) : (
        <div class="table-wrap">
          <table class="sources-table">
            <thead>
              <tr>
                <th scope="col">{t('sourcesTitle')}</th>
                <th scope="col">{t('sourceHealth')}</th>
                <th scope="col">{t('lastSuccess')}</th>
                <th scope="col">{t('lastError')}</th>
                <th scope="col">{t('nextFetch')}</th>
                <th scope="col">{t('itemsPerWeek')}</th>
                <th scope="col">{t('consecutiveErrors')}</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((s) => (
                <SourceRowView ctx={ctx} s={s} unread={unreadBySource[s.id]} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
