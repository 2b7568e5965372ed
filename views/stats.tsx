/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import { lineChart, stackedBars } from './charts.ts';
import type { ViewCtx } from './context.ts';
import { Layout } from './layout.tsx';

/** The overview's numbers, bucketed oldest first. */
export interface StatsData {
  sources: number;
  /** Per day (14): sources whose fetches that day all succeeded / some failed / all failed. */
  healthByDay: { ok: number[]; some: number[]; all: number[] };
  /** Items first seen per hour (48). */
  ingestedPerHour: number[];
  /** Fetch duration percentiles per hour (24), ms. */
  latencyPerHour: { p50: number[]; p90: number[]; p99: number[] };
  latency: { p50: number; p90: number; p99: number; n: number };
}

export function StatsPage({ ctx, data }: { ctx: ViewCtx; data: StatsData }) {
  const { t } = ctx;
  const ingested = data.ingestedPerHour.reduce((a, b) => a + b, 0);
  return (
    <Layout ctx={ctx} title={t('statsTitle')}>
      <h1>{t('statsTitle')}</h1>
      <p class="muted">{t('statsTotals', { sources: data.sources, items: ingested, fetches: data.latency.n })}</p>
      <div class="stats-grid">
        <figure>
          <figcaption>
            <h2>{t('statsHealth')}</h2>
          </figcaption>
          {stackedBars(
            [
              { name: 'ok', cls: 'ok', values: data.healthByDay.ok },
              { name: 'some', cls: 'some', values: data.healthByDay.some },
              { name: 'all', cls: 'all', values: data.healthByDay.all },
            ],
            { width: 560, height: 120, label: t('statsHealth'), cls: 'chart-large stats-health' },
          )}
          <p class="legend muted small">
            <span class="key key-ok" /> {t('statsHealthOk')} <span class="key key-some" /> {t('statsHealthSome')}{' '}
            <span class="key key-all" /> {t('statsHealthAll')}
          </p>
        </figure>
        <figure>
          <figcaption>
            <h2>{t('statsIngested')}</h2>
          </figcaption>
          {stackedBars([{ name: 'items', cls: 'lang-0', values: data.ingestedPerHour }], {
            width: 576,
            height: 120,
            label: t('statsIngested'),
            cls: 'chart-large stats-ingested',
          })}
        </figure>
        <figure>
          <figcaption>
            <h2>{t('statsLatency')}</h2>
          </figcaption>
          {data.latency.n === 0 ? (
            <p class="muted">{t('statsNoData')}</p>
          ) : (
            <>
              {lineChart(
                [
                  { name: 'p50', cls: 'p50', values: data.latencyPerHour.p50 },
                  { name: 'p90', cls: 'p90', values: data.latencyPerHour.p90 },
                  { name: 'p99', cls: 'p99', values: data.latencyPerHour.p99 },
                ],
                { width: 576, height: 120, label: t('statsLatency'), cls: 'chart-large stats-latency' },
              )}
              <p class="legend muted small">
                <span class="key key-p50" /> p50 <span class="key key-p90" /> p90 <span class="key key-p99" /> p99 ·{' '}
                {t('statsLatencyNow', {
                  p50: data.latency.p50,
                  p90: data.latency.p90,
                  p99: data.latency.p99,
                  n: data.latency.n,
                })}
              </p>
            </>
          )}
        </figure>
      </div>
    </Layout>
  );
}
