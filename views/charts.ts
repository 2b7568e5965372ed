import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/**
 * Small inline SVG pictures, written as strings (hono/html escapes every value): no script, no external file, no
 * inline style (the CSP forbids it), colours from CSS classes in app.css so dark mode follows. Each is well under
 * 2 KB. Values are readable back from the markup (`data-max`, bar heights, `data-n`), which is how tests check them.
 */

type Html = HtmlEscapedString;
const sync = html as (strings: TemplateStringsArray, ...values: unknown[]) => Html;

/** One decimal: enough for a picture, and short. */
function r(n: number): string {
  return String(Math.round(n * 10) / 10);
}

export interface BarOptions {
  width: number;
  height: number;
  /** Read by screen readers and shown on hover. */
  label: string;
  cls?: string;
}

/** One bar as a path segment: from (x, bottom) up h, across w, down again. */
function bar(x: number, bottom: number, w: number, h: number): string {
  return `M${r(x)} ${r(bottom)}v-${r(h)}h${r(w)}v${r(h)}z`;
}

/**
 * A bar per value, left to right (oldest first), drawn as one path; zero values draw nothing. Bar i starts at
 * x = i × width/n and is value/max × height tall, so the data can be read back from the markup (`bars` in tests).
 */
export function barChart(values: readonly number[], opts: BarOptions): Html {
  const n = Math.max(1, values.length);
  const max = Math.max(1, ...values);
  const step = opts.width / n;
  const barWidth = Math.max(0.5, step - (step > 3 ? 1 : 0));
  let d = '';
  values.forEach((v, i) => {
    if (v > 0) d += bar(i * step, opts.height, barWidth, (v / max) * opts.height);
  });
  return sync`<svg class="chart bars ${opts.cls ?? ''}" viewBox="0 0 ${opts.width} ${opts.height}" width="${opts.width}" height="${opts.height}" role="img" aria-label="${opts.label}" data-max="${max}" data-n="${values.length}" preserveAspectRatio="none"><title>${opts.label}</title><path class="axis" d="M0 ${opts.height}h${opts.width}"/><path class="v" d="${d}"/></svg>`;
}

/** What one fetch attempt looks like in a strip. */
export type AttemptClass = 'ok' | 'nm' | 'err-http' | 'err-net' | 'err-feed';

const NETWORK = new Set(['timeout', 'dns', 'tls', 'connection']);
const HTTP = new Set(['gone', 'not_found', 'blocked', 'rate_limited', 'server_error', 'http_error', 'bad_redirect']);

/** ok, 304, or an error by kind: the server said no (HTTP), the network failed, or the document was no feed. */
export function attemptClass(outcome: string, reason: string | null | undefined): AttemptClass {
  if (outcome === 'ok') return 'ok';
  if (outcome === 'not_modified') return 'nm';
  if (reason && NETWORK.has(reason)) return 'err-net';
  if (reason && HTTP.has(reason)) return 'err-http';
  return 'err-feed';
}

/**
 * Recent fetches as a strip of cells, oldest left: `ok` full height, 304 (not modified) half, errors full in the
 * colour of their kind. The title counts them by outcome and reason.
 */
export function attemptStrip(
  attempts: readonly { outcome: string; errorReason?: string | null }[],
  opts: { cells: number; cellWidth: number; height: number; label: string },
): Html {
  const shown = attempts.slice(0, opts.cells).reverse();
  const paths = new Map<AttemptClass, string>();
  shown.forEach((a, i) => {
    const cls = attemptClass(a.outcome, a.errorReason);
    const h = cls === 'nm' ? opts.height / 2 : opts.height;
    paths.set(cls, (paths.get(cls) ?? '') + bar(i * opts.cellWidth, opts.height, opts.cellWidth - 1, h));
  });
  const cells = [...paths].map(([cls, d]) => `<path class="${cls}" d="${d}"/>`).join('');
  const width = opts.cells * opts.cellWidth;
  return sync`<svg class="chart strip" viewBox="0 0 ${width} ${opts.height}" width="${width}" height="${opts.height}" role="img" aria-label="${opts.label}" data-n="${shown.length}"><title>${opts.label}</title>${rawSvg(cells)}</svg>`;
}

/** "12 ok, 3 not modified, 2 errors (timeout 2)": the words a strip's title says. */
export function attemptSummary(
  attempts: readonly { outcome: string; errorReason?: string | null }[],
  words: { ok: string; notModified: string; errors: string; none: string },
): string {
  if (attempts.length === 0) return words.none;
  let ok = 0;
  let nm = 0;
  const reasons = new Map<string, number>();
  for (const a of attempts) {
    if (a.outcome === 'ok') ok++;
    else if (a.outcome === 'not_modified') nm++;
    else reasons.set(a.errorReason ?? 'error', (reasons.get(a.errorReason ?? 'error') ?? 0) + 1);
  }
  const errors = [...reasons.values()].reduce((a, b) => a + b, 0);
  const parts = [`${ok} ${words.ok}`, `${nm} ${words.notModified}`, `${errors} ${words.errors}`];
  if (errors > 0) parts[2] += ` (${[...reasons].map(([k, v]) => `${k} ${v}`).join(', ')})`;
  return parts.join(', ');
}

export interface Series {
  name: string;
  cls: string;
  values: readonly number[];
}

/**
 * Stacked bars: one column per bucket, the series stacked bottom-up in the order given (e.g. sources by health
 * per day), one path per series.
 */
export function stackedBars(series: readonly Series[], opts: BarOptions): Html {
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const totals = Array.from({ length: n }, (_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const step = opts.width / n;
  const barWidth = Math.max(0.5, step - (step > 3 ? 1 : 0));
  const d = series.map(() => '');
  for (let i = 0; i < n; i++) {
    let bottom = opts.height;
    series.forEach((s, k) => {
      const v = s.values[i] ?? 0;
      if (v <= 0) return;
      const h = (v / max) * opts.height;
      d[k] += bar(i * step, bottom, barWidth, h);
      bottom -= h;
    });
  }
  const paths = series.map((s, k) => (d[k] ? `<path class="${s.cls}" d="${d[k]}"/>` : '')).join('');
  return sync`<svg class="chart stacked ${opts.cls ?? ''}" viewBox="0 0 ${opts.width} ${opts.height}" width="${opts.width}" height="${opts.height}" role="img" aria-label="${opts.label}" data-max="${max}" data-n="${n}" preserveAspectRatio="none"><title>${opts.label}</title><path class="axis" d="M0 ${opts.height}h${opts.width}"/>${rawSvg(paths)}</svg>`;
}

/** Lines over buckets (fetch latency percentiles): one polyline per series, points `x,y` with y = value/max. */
export function lineChart(series: readonly Series[], opts: BarOptions): Html {
  const n = Math.max(2, ...series.map((s) => s.values.length));
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const step = opts.width / (n - 1);
  const lines = series
    .map((s) => {
      const points = s.values.map((v, i) => `${r(i * step)},${r(opts.height - (v / max) * opts.height)}`).join(' ');
      return `<polyline class="${s.cls}" points="${points}" fill="none"/>`;
    })
    .join('');
  return sync`<svg class="chart lines ${opts.cls ?? ''}" viewBox="0 0 ${opts.width} ${opts.height}" width="${opts.width}" height="${opts.height}" role="img" aria-label="${opts.label}" data-max="${max}" data-n="${n}" preserveAspectRatio="none"><title>${opts.label}</title><path class="axis" d="M0 ${opts.height}h${opts.width}"/>${rawSvg(lines)}</svg>`;
}

/** Markup built above from numbers and fixed class names only: nothing from outside goes in unescaped. */
function rawSvg(markup: string): Html {
  const s = new String(markup) as Html;
  s.isEscaped = true;
  return s;
}

/** One horizontal bar split into the series' shares (e.g. scored in / pinned / excluded); each part's width ∝ value. */
export function shareBar(parts: readonly { cls: string; value: number }[], opts: BarOptions): Html {
  const total = parts.reduce((a, p) => a + Math.max(0, p.value), 0);
  let x = 0;
  let out = '';
  for (const p of parts) {
    if (p.value <= 0 || total === 0) continue;
    const w = (p.value / total) * opts.width;
    out += `<path class="${p.cls}" d="M${r(x)} 0h${r(w)}v${opts.height}h-${r(w)}z" data-v="${p.value}"/>`;
    x += w;
  }
  return sync`<svg class="chart share ${opts.cls ?? ''}" viewBox="0 0 ${opts.width} ${opts.height}" width="${opts.width}" height="${opts.height}" role="img" aria-label="${opts.label}" data-total="${total}" preserveAspectRatio="none"><title>${opts.label}</title>${rawSvg(out)}</svg>`;
}
