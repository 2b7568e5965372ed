import { afterEach, describe, expect, it, vi } from 'vitest';
import { PAGE_SIZE } from '../../src/web/routes/sources.ts';
import { makeItem, makeSource } from '../support/items.ts';
import { Client, NOW, type WebHarness, webHarness } from '../support/web.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

let h: WebHarness | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await h?.close();
  h = undefined;
});

/** The bars of a path `M x bottom v-h h w v h z …`, read back: [x, height]. */
function bars(d: string): [number, number][] {
  return [...d.matchAll(/M([\d.]+) ([\d.]+)v-([\d.]+)h([\d.]+)v([\d.]+)z/g)].map((m) => [Number(m[1]), Number(m[3])]);
}

const rowsOf = (html: string) =>
  [...html.matchAll(/<tr class="source-row[^"]*" data-source="(\d+)">/g)].map((m) => Number(m[1]));

/** 130 sources in 3 categories; source 7 publishes on known days and has known fetches; a few fail. */
async function setup() {
  const calls: { perDay: unknown[]; attempts: unknown[] } = { perDay: [], attempts: [] };
  h = await webHarness();
  const store = h.store;
  await store.syncSources(
    Array.from({ length: 130 }, (_, i) =>
      makeSource(`https://s${i}.example/feed`, {
        title: `Source ${String(i).padStart(3, '0')}${i === 42 ? ' Grüße' : ''}`,
        category: `Cat ${i % 3}`,
      }),
    ),
    NOW - 40 * DAY,
  );
  const all = await store.listSources();
  const byTitle = new Map(all.map((s) => [s.title, s]));
  const seven = byTitle.get('Source 007')!;
  // Items on days −29 (2), −10 (1), today (3); one older than the window.
  const days = [29, 29, 10, 0, 0, 0, 45];
  await store.upsertItems(
    seven.id,
    days.map((d, i) => makeItem({ uid: `i${i}`, publishedAt: NOW - d * DAY - HOUR })),
    NOW,
  );
  const outcomes = ['ok', 'not_modified', 'error', 'ok'] as const;
  for (const [k, outcome] of outcomes.entries()) {
    await store.finishFetch(
      seven.id,
      {},
      {
        startedAt: NOW - (10 - k) * HOUR,
        durationMs: 10,
        outcome,
        errorReason: outcome === 'error' ? 'timeout' : null,
      },
    );
  }
  for (const n of [3, 61, 120]) {
    await store.finishFetch(
      byTitle.get(`Source ${String(n).padStart(3, '0')}`)!.id,
      { status: 'failing', errorReason: 'not_found', lastError: 'HTTP 404', consecutiveErrors: 3 },
      { startedAt: NOW - HOUR, durationMs: 3, outcome: 'error', errorReason: 'not_found' },
    );
  }
  // Count the picture queries: one grouped query each per page, over the shown sources only.
  const itemsPerDay = store.itemsPerDay.bind(store);
  const recent = store.recentAttemptsSince.bind(store);
  store.itemsPerDay = (since, ids) => {
    calls.perDay.push(ids);
    return itemsPerDay(since, ids);
  };
  store.recentAttemptsSince = (since, n, ids) => {
    calls.attempts.push(ids);
    return recent(since, n, ids);
  };
  return { client: new Client(h.app), seven, calls, byTitle };
}

describe('the sources page with many sources', () => {
  it('shows a page of the list, with the health of all sources as counts, and the pictures of that page only', async () => {
    const { client, calls } = await setup();
    const { html } = await client.get('/sources');
    const rows = rowsOf(html);
    expect(PAGE_SIZE).toBe(50);
    expect(rows).toHaveLength(50);
    // Broken first.
    expect(html.indexOf('status-failing')).toBeLessThan(html.indexOf('status-new'));
    expect(html).toContain('1–50 of 130');
    expect(html).toMatch(
      /<a href="\/sources\?health=failing" class="tally-failing" data-health="failing">.*?<span class="count">3<\/span>/,
    );
    expect(html).toMatch(/data-health="new">.*?<span class="count">127<\/span>/);
    expect(html).toContain('href="/sources?page=2" rel="next"');
    expect(html).toContain('page 1 of 3');
    expect(calls.perDay).toHaveLength(1);
    expect(calls.attempts).toHaveLength(1);
    expect([...(calls.perDay[0] as number[])].sort()).toEqual([...rows].sort());
    expect(calls.attempts[0]).toEqual(calls.perDay[0]);
    // Every picture small, no script or style.
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g)!;
    expect(svgs.length).toBeGreaterThanOrEqual(100);
    for (const svg of svgs) {
      expect(svg.length).toBeLessThanOrEqual(2048);
      expect(svg).not.toMatch(/style=|<script|href=/);
    }
    // The page stays small: 50 rows, not 130.
    expect(html.length).toBeLessThan(150_000);

    const last = await client.get('/sources?page=3');
    expect(rowsOf(last.html)).toHaveLength(30);
    expect(last.html).toContain('101–130 of 130');
    expect(last.html).toContain('href="/sources?page=2" rel="prev"');
    expect(last.html).not.toContain('rel="next"');
    // Past the end: the last page.
    expect(rowsOf((await client.get('/sources?page=99')).html)).toEqual(rowsOf(last.html));
    // Together the pages list every source once.
    const middle = rowsOf((await client.get('/sources?page=2')).html);
    expect(new Set([...rows, ...middle, ...rowsOf(last.html)]).size).toBe(130);
  });

  it('filters by name or URL (case and accents folded), by health and by category, and pages the filtered list', async () => {
    const { client, byTitle } = await setup();
    const failing = await client.get('/sources?health=failing');
    expect(rowsOf(failing.html).sort()).toEqual(
      [3, 61, 120].map((n) => byTitle.get(`Source ${String(n).padStart(3, '0')}`)!.id).sort(),
    );
    expect(failing.html).toContain('<option value="failing" selected="">');
    // The counts stay those of all sources.
    expect(failing.html).toMatch(/data-health="new">.*?<span class="count">127<\/span>/);

    expect(rowsOf((await client.get('/sources?q=GRUSSE')).html)).toEqual([byTitle.get('Source 042 Grüße')!.id]);
    expect(rowsOf((await client.get('/sources?q=s7.example')).html)).toEqual([byTitle.get('Source 007')!.id]);
    // 004, 040–049, 104.
    expect(rowsOf((await client.get(`/sources?q=${encodeURIComponent('source 04')}`)).html)).toHaveLength(12);

    const cat = await client.get(`/sources?category=${encodeURIComponent('Cat 1')}`);
    expect(cat.html).toContain('1–43 of 43');
    expect(cat.html).not.toContain('rel="next"');
    const cat0 = await client.get(`/sources?category=${encodeURIComponent('Cat 0')}&q=source`);
    expect(cat0.html).toContain('1–44 of 44');
    const both = await client.get(`/sources?category=${encodeURIComponent('Cat 0')}&health=failing`);
    expect(rowsOf(both.html)).toEqual(
      [byTitle.get('Source 003')!.id, byTitle.get('Source 120')!.id].sort((a, b) => a - b),
    );

    const none = await client.get('/sources?q=nothing-like-this');
    expect(none.html).toContain('No source matches.');
    // A bad value is ignored, not an error.
    expect(rowsOf((await client.get('/sources?health=%3Cx%3E&page=-1')).html)).toHaveLength(50);
  });

  it('draws the shown sources’ pictures from their data: items per day over 30 days, the newest fetches', async () => {
    const { client, seven } = await setup();
    const { html } = await client.get('/sources?q=s7.example');
    const start = html.indexOf(`data-source="${seven.id}"`);
    const row = html.slice(start, html.indexOf('</tr>', start));
    const spark = /<svg class="chart bars [^"]*"[^>]*data-max="(\d+)" data-n="(\d+)"[\s\S]*?class="v" d="([^"]*)"/.exec(
      row,
    )!;
    expect(spark[1]).toBe('3');
    expect(spark[2]).toBe('30');
    const values = new Array(30).fill(0);
    for (const [x, height] of bars(spark[3]!)) values[Math.round(x / 3)] = Math.round((height / 22) * 3);
    const expected = new Array(30).fill(0);
    expected[0] = 2;
    expected[19] = 1;
    expected[29] = 3;
    expect(values).toEqual(expected);
    expect(row).toContain('6 items in 30 days');
    const strip = /<svg class="chart strip"[^>]*data-n="(\d+)"[\s\S]*?<\/svg>/.exec(row)!;
    expect(strip[1]).toBe('4');
    expect(strip[0]).toContain('2 ok, 1 not modified, 1 errors (timeout 1)');
    // Oldest left: ok, 304, error (network), ok.
    const cells: [number, string][] = [];
    for (const m of strip[0].matchAll(/<path class="([a-z-]+)" d="([^"]*)"/g)) {
      for (const [x] of bars(m[2]!)) cells.push([x / 4, m[1]!]);
    }
    expect(cells.sort((a, b) => a[0] - b[0]).map((c) => c[1])).toEqual(['ok', 'nm', 'err-net', 'ok']);
  });

  it('reads again only the pictures of sources fetched since the page was last shown', async () => {
    const { client, calls, seven } = await setup();
    const first = await client.get('/sources?q=source');
    expect(calls.perDay).toHaveLength(1);
    await client.get('/sources?q=source');
    expect(calls.perDay).toHaveLength(1);
    expect(calls.attempts).toHaveLength(1);
    await h!.store.finishFetch(
      seven.id,
      { lastFetchAt: NOW },
      { startedAt: NOW, durationMs: 5, outcome: 'error', errorReason: 'server_error' },
    );
    // Once the list is read again (a few seconds), the page asks for that source's pictures alone.
    const later = Date.now() + 10_000;
    vi.spyOn(Date, 'now').mockImplementation(() => later);
    const { html } = await client.get('/sources?q=source');
    expect(calls.perDay).toEqual([expect.anything(), [seven.id]]);
    expect(calls.attempts).toEqual([expect.anything(), [seven.id]]);
    const row = html.slice(html.indexOf(`data-source="${seven.id}"`));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain('2 ok, 1 not modified, 2 errors (server_error 1, timeout 1)');
    expect(first.html).not.toContain('server_error');
  });
});
