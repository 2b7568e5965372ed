import { describe, expect, it } from 'vitest';
import {
  attemptClass,
  attemptStrip,
  attemptSummary,
  barChart,
  lineChart,
  shareBar,
  stackedBars,
} from '../../views/charts.ts';

/** The bars of a path `M x bottom v-h h w v h z …`, read back: [x, height]. */
function bars(d: string): [number, number][] {
  return [...d.matchAll(/M([\d.]+) ([\d.]+)v-([\d.]+)h([\d.]+)v([\d.]+)z/g)].map((m) => [Number(m[1]), Number(m[3])]);
}

const attr = (svg: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(svg)?.[1];

describe('pictures', () => {
  it('a bar chart says its values in the markup: bar i at i·width/n, value/max·height tall; small', () => {
    const values = Array.from({ length: 30 }, (_, i) => (i * 7) % 11);
    const svg = String(barChart(values, { width: 90, height: 22, label: '30 days' }));
    expect(svg.length).toBeLessThanOrEqual(2048);
    expect(attr(svg, 'data-max')).toBe('10');
    const d = /class="v" d="([^"]*)"/.exec(svg)![1]!;
    const read = new Array(30).fill(0);
    for (const [x, h] of bars(d)) read[Math.round(x / 3)] = Math.round((h / 22) * 10);
    expect(read).toEqual(values);
    expect(svg).toContain('<title>30 days</title>');
    expect(svg).not.toMatch(/style=|<script/);
  });

  it('a fetch strip shows the newest attempts oldest first, one cell each, coloured by outcome and error kind', () => {
    const attempts = [
      { outcome: 'error', errorReason: 'timeout' },
      { outcome: 'not_modified' },
      { outcome: 'ok' },
      { outcome: 'error', errorReason: 'not_found' },
      { outcome: 'error', errorReason: 'not_a_feed' },
    ];
    const svg = String(attemptStrip(attempts, { cells: 24, cellWidth: 4, height: 14, label: 'x' }));
    expect(svg.length).toBeLessThanOrEqual(2048);
    const cells: [number, string, number][] = [];
    for (const m of svg.matchAll(/<path class="([a-z-]+)" d="([^"]*)"/g)) {
      for (const [x, h] of bars(m[2]!)) cells.push([x / 4, m[1]!, h]);
    }
    cells.sort((a, b) => a[0] - b[0]);
    expect(cells).toEqual([
      [0, 'err-feed', 14],
      [1, 'err-http', 14],
      [2, 'ok', 14],
      [3, 'nm', 7],
      [4, 'err-net', 14],
    ]);
    expect(attemptClass('error', 'dns')).toBe('err-net');
    const words = { ok: 'ok', notModified: 'not modified', errors: 'errors', none: 'none' };
    expect(attemptSummary(attempts, words)).toBe(
      '1 ok, 1 not modified, 3 errors (timeout 1, not_found 1, not_a_feed 1)',
    );
    // 60 cells, all errors of one kind, still small.
    const many = Array.from({ length: 60 }, () => ({ outcome: 'error', errorReason: 'server_error' }));
    expect(String(attemptStrip(many, { cells: 60, cellWidth: 10, height: 24, label: 'x' })).length).toBeLessThanOrEqual(
      2048,
    );
  });

  it('stacked bars stack the series bottom-up in order; the total is the max', () => {
    const svg = String(
      stackedBars(
        [
          { name: 'ok', cls: 'ok', values: [3, 0, 1] },
          { name: 'bad', cls: 'all', values: [1, 2, 0] },
        ],
        { width: 30, height: 40, label: 'x' },
      ),
    );
    expect(attr(svg, 'data-max')).toBe('4');
    const ok = bars(/class="ok" d="([^"]*)"/.exec(svg)![1]!);
    const bad = /class="all" d="([^"]*)"/.exec(svg)![1]!;
    expect(ok).toEqual([
      [0, 30],
      [20, 10],
    ]);
    // The second series starts where the first ended (40 − 30 = 10 in the first column).
    expect(bad).toMatch(/^M0 10v-10h/);
    expect(bars(bad).map(([, h]) => h)).toEqual([10, 20]);
  });

  it('lines and share bars: points and widths proportional to the values', () => {
    const line = String(
      lineChart([{ name: 'p50', cls: 'p50', values: [0, 50, 100] }], { width: 20, height: 10, label: 'x' }),
    );
    expect(/points="([^"]*)"/.exec(line)![1]).toBe('0,10 10,5 20,0');
    const share = String(
      shareBar(
        [
          { cls: 'ok', value: 3 },
          { cls: 'lang-1', value: 1 },
        ],
        { width: 100, height: 10, label: 'x' },
      ),
    );
    expect(share).toContain('<path class="ok" d="M0 0h75v10h-75z" data-v="3"/>');
    expect(share).toContain('<path class="lang-1" d="M75 0h25v10h-25z" data-v="1"/>');
  });

  it('escapes the label (it carries source names)', () => {
    const svg = String(barChart([1], { width: 10, height: 10, label: '<script>"x"</script>' }));
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });
});
