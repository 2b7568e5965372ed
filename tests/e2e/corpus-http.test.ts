/**
 * Every file of the shared feed corpus, served over real HTTP as its own source, through one real fetch cycle
 * (fetch → worker-thread parse → store): each feed ends up stored with the manifest's item count and titled
 * items, each non-feed ends up as a classified failure, and nothing crashes or hangs.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle } from '../../src/app/cycle.ts';
import type { SourceRow } from '../../src/store/types.ts';
import {
  corpusDir,
  corpusPath,
  type FixtureServer,
  hasCorpus,
  serveFile,
  startFixtureServer,
} from '../support/fixture-server.ts';
import { fastDefaults, type TestRuntime, testRuntime } from '../support/runtime.ts';

interface ManifestRow {
  path: string;
  format: string;
  encoding: string;
  notes: string;
}

function readManifest(): ManifestRow[] {
  const [, ...lines] = readFileSync(corpusPath('MANIFEST.tsv'), 'utf8').split('\n');
  return lines
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [path = '', , , , format = '', , encoding = '', notes = ''] = line.split('\t');
      return { path, format, encoding, notes };
    });
}

/** What a file must become: a failure with a reason, or stored items (between min and max, after dedup). */
type Expectation = { kind: 'failure' } | { kind: 'feed'; min: number; max: number } | { kind: 'empty-feed' };

function expectationOf(row: ManifestRow): Expectation {
  if (/not a feed|^empty \(0 bytes\)|RSS-in-JSON/i.test(row.format)) return { kind: 'failure' };
  const n = Number(/\bitems=(\d+)/.exec(row.notes)?.[1] ?? Number.NaN);
  if (!Number.isFinite(n)) throw new Error(`MANIFEST row without items=N: ${row.path}`);
  // Cut off before its first item: not an ok source with 0 items, a failure with its reason.
  if (n === 0 && /Premature end of data/.test(row.notes)) return { kind: 'failure' };
  // A feed without entries may be stored as an ok source with none, or refused as empty: both are honest.
  if (n === 0) return { kind: 'empty-feed' };
  // Items that share a guid/id are one item to a reader: the manifest counts them as published.
  const dups = Number(/duplicate guids \((\d+)\)/.exec(row.notes)?.[1] ?? 0);
  const dupIds = /duplicate item ids/.test(row.notes) ? 1 : 0; // count not given: at least one pair
  return { kind: 'feed', min: n - Math.max(dups, dupIds), max: n };
}

function contentTypeOf(format: string): string {
  if (/^JSON Feed/.test(format)) return 'application/feed+json';
  if (/JSON/.test(format)) return 'application/json';
  if (/^HTML/.test(format)) return 'text/html';
  if (/^Atom/.test(format)) return 'application/atom+xml';
  if (/RDF/.test(format)) return 'application/rdf+xml';
  if (/^RSS/.test(format)) return 'application/rss+xml';
  return 'application/xml';
}

/**
 * Files the pipeline does not yet handle as the manifest says, each with the reason. The test fails when one of
 * these starts working (so the entry is removed) as well as when a new file breaks.
 */
const KNOWN_GAPS: Record<string, string> = {};

const skipReason = hasCorpus ? '' : `(skipped: corpus absent at ${corpusDir})`;

describe.skipIf(!hasCorpus)(`every corpus file over HTTP through one fetch cycle ${skipReason}`, () => {
  let server: FixtureServer;
  let t: TestRuntime;
  let rows: ManifestRow[];
  const routeOf = (i: number, row: ManifestRow) => `/corpus/${i}/${row.path.split('/').pop()}`;

  beforeAll(async () => {
    rows = readManifest();
    server = await startFixtureServer();
    rows.forEach((row, i) => {
      // compressed.xml holds gzip bytes: they are sent as they are, announced as gzip-encoded.
      const gzipped = /serve with Content-Encoding: gzip/.test(row.notes);
      server.route(
        routeOf(i, row),
        serveFile(corpusPath(row.path), {
          contentType: contentTypeOf(row.format),
          headers: gzipped ? { 'content-encoding': 'gzip' } : {},
        }),
      );
    });
    t = await testRuntime(
      {
        // Corpus items are years old: keep them all.
        defaults: { ...fastDefaults, retention: { days: 365_000 } },
        sources: rows.map((row, i) => ({ url: server.url(routeOf(i, row)), title: row.path, category: 'Corpus' })),
        topics: [],
      },
      { workers: 1 },
    );
  });
  afterAll(async () => {
    await t?.cleanup();
    await server?.close();
  });

  it('stores each feed with its item count and titles, records each non-feed as a failure with a reason', async () => {
    const t0 = Date.now();
    const summary = await runCycle(t.runtime, { force: true });
    expect(Date.now() - t0, 'the whole cycle').toBeLessThan(60_000);
    expect(summary.sources).toBe(rows.length);

    const sources = new Map<string, SourceRow>((await t.runtime.store.listSources()).map((s) => [s.configUrl, s]));
    const mismatches: string[] = [];
    const gapsThatWork: string[] = [];
    for (const [i, row] of rows.entries()) {
      const source = sources.get(server.url(routeOf(i, row)));
      const expectation = expectationOf(row);
      const problem = await checkSource(t, source, expectation);
      if (problem && !KNOWN_GAPS[row.path]) mismatches.push(`${row.path}\t${row.format}\t${problem}`);
      if (!problem && KNOWN_GAPS[row.path]) gapsThatWork.push(row.path);
    }
    expect(
      mismatches,
      `corpus files not ingested as MANIFEST.tsv says (path, format, problem):\n${mismatches.join('\n')}`,
    ).toEqual([]);
    expect(gapsThatWork, 'listed in KNOWN_GAPS but work now: remove them from the list').toEqual([]);
  }, 90_000);
});

async function checkSource(
  t: TestRuntime,
  source: SourceRow | undefined,
  expectation: Expectation,
): Promise<string | undefined> {
  if (!source) return 'source missing from the store';
  const failedWithReason = source.errorReason !== null && source.lastError !== null && source.status !== 'ok';
  const state = `status=${source.status} items=${source.itemCount} reason=${source.errorReason ?? '-'} ${
    source.lastError ? `(${source.lastError.slice(0, 100)})` : ''
  }`;
  if (expectation.kind === 'failure')
    return failedWithReason && source.itemCount === 0 ? undefined : `want failure; ${state}`;
  if (expectation.kind === 'empty-feed') {
    if (failedWithReason) return undefined;
    return source.status === 'ok' && source.itemCount === 0 ? undefined : `want 0 items or a failure; ${state}`;
  }
  if (source.status !== 'ok' || source.errorReason !== null) return `want ok; ${state}`;
  const { min, max } = expectation;
  if (source.itemCount < min || source.itemCount > max) {
    return `want ${min === max ? max : `${min}-${max}`} items, got ${source.itemCount}; ${state}`;
  }
  const page = await t.runtime.store.listItems({ sourceId: source.id }, 1000);
  const untitled = page.items.filter((item) => item.title.trim() === '').length;
  return untitled > 0 ? `${untitled} of ${page.items.length} items without a title` : undefined;
}
