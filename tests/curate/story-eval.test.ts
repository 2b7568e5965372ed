import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLabels } from '../../src/curate/eval.ts';
import { evaluateStories, eventFold, formatStoryReport, sourceDate, urlDate } from '../../src/curate/story-eval.ts';
import {
  devLabelsPath,
  extraLabelsPath,
  freshLabelsPath,
  hasDevLabels,
  holdoutLabelsPath,
  unseenLabelsPath,
} from './helpers.ts';

// Measured when written (all dev items as one simultaneous batch, the worst case: no time window helps), session 6:
// all P 1.000 R 0.515, half 0 P 1.000 R 0.783, half 1 P 1.000 R 0.378 (one company + one place boost, geography
// conflicts, five shared features across the languages; chosen on half 0, half 1 only reported). Session 5: all
// P 0.964 R 0.397, half 0 P 1.000 R 0.565, half 1 P 1.000 R 0.311; session 4: all P 0.957 R 0.324; the word-overlap
// grouping before had all P 0.917 R 0.162. The bars sit a little below the figures.
describe.skipIf(!hasDevLabels)(
  'story grouping on the shared labelled set (skips when ../shared/corpus/curation/dev.jsonl is absent)',
  () => {
    const items = hasDevLabels ? parseLabels(readFileSync(devLabelsPath, 'utf8')) : [];

    it('joins reports of one event and never different events (pairwise P ≥ 0.98, R ≥ 0.49)', () => {
      const report = evaluateStories(items);
      console.log(formatStoryReport(report, 'all'));
      expect(report.events).toBeGreaterThanOrEqual(20);
      expect(report.precision).toBeGreaterThanOrEqual(0.98);
      expect(report.recall).toBeGreaterThanOrEqual(0.49);
      expect(report.falseMerges).toEqual([]);
    });

    it('holds on each event-grouped half, grouped on its own (P ≥ 0.98; R ≥ 0.75 tuned half, ≥ 0.35 held out)', () => {
      const floors = { 0: 0.75, 1: 0.35 };
      for (const f of [0, 1] as const) {
        const report = evaluateStories(items.filter((i) => eventFold(i) === f));
        console.log(formatStoryReport(report, `half ${f}`));
        expect(report.precision).toBeGreaterThanOrEqual(0.98);
        expect(report.recall).toBeGreaterThanOrEqual(floors[f]);
      }
    });

    it('holds grouped as production does: dates from the source URLs, the three-day window', () => {
      // Session 6 (stories2): 98 of 202 items carry a date (a day or a month), but only 9 of the 61 reports of
      // events do, so the window separates hardly any same-event pairs: the figures equal the undated ones.
      const floors = { all: 0.49, 0: 0.75, 1: 0.35 };
      for (const f of ['all', 0, 1] as const) {
        const report = evaluateStories(f === 'all' ? items : items.filter((i) => eventFold(i) === f), { dated: true });
        console.log(formatStoryReport(report, f === 'all' ? 'dated all' : `dated ${f}`));
        expect(report.precision).toBeGreaterThanOrEqual(0.98);
        expect(report.recall).toBeGreaterThanOrEqual(floors[f]);
        expect(report.falseMerges).toEqual([]);
      }
    });

    it('shows few of the events with two or more cloud reports more than once in the cloud feed', () => {
      // What the hidden set counts (11 of 13 there before session 6). Here, session 6: 8 of 13.
      const report = evaluateStories(items, { dated: true });
      expect(report.feed.events).toBeGreaterThanOrEqual(10);
      expect(report.feed.shownMoreThanOnce / report.feed.events).toBeLessThanOrEqual(0.65);
    });

    it('joins German and English reports of one event', () => {
      const report = evaluateStories(items);
      const byId = new Map(items.map((i) => [i.title, i.lang]));
      const crossJoined = report.pairs.tp - countSameLanguage(report, byId);
      expect(crossJoined).toBeGreaterThanOrEqual(3);
    });
  },
);

describe('dates of labelled items from their sources (for the windowed evaluation)', () => {
  it('reads a day, a month, or nothing from a URL', () => {
    const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);
    expect(urlDate('https://www.theregister.co.uk/2016/11/21/alibaba_opens_first_data_centre/')).toEqual({
      from: day(2016, 11, 21),
      spanMs: 86_400_000,
    });
    expect(urlDate('https://www.onvista.de/news/2025/10-08-softwarefirma-gibt-auf-0')?.from).toBe(day(2025, 10, 8));
    expect(urlDate('http://www.zeit.de/news/2014-12/19/deutschland-zwoelf-prozent')?.from).toBe(day(2014, 12, 19));
    const month = urlDate('https://computerbase.de/2016-10/microsoft-deutschland-cloud-ausbau');
    expect(month).toEqual({ from: day(2016, 10, 1), spanMs: 31 * 86_400_000 });
    expect(urlDate('http://www.golem.de/news/amazon-liefert-pakete-mit-drohnen-aus-1612-125078.html')?.from).toBe(
      day(2016, 12, 1),
    );
    // An article number is no date; heise's /meldung/ URLs carry none.
    expect(urlDate('https://derstandard.at/2000076000688/Microsoft-eroeffnet-zwei-neue-Cloud-Rechenzentren')).toBe(
      undefined,
    );
    expect(urlDate('https://www.heise.de/newsticker/meldung/Amazon-liefert-erste-Bestellung-3571234.html')).toBe(
      undefined,
    );
  });

  it("reads a feed file's item link, else the feed's month", () => {
    expect(
      sourceDate('github:o/r feeds/x.xml @abc (scraped feed, Mar 2026); item https://example.org/2026/03/24/a-b')?.from,
    ).toBe(Date.UTC(2026, 2, 24));
    expect(
      sourceDate('github:o/r tests/heise.rdf @6244ebf (heise online News RDF feed, Apr 2016); item link x'),
    ).toEqual({
      from: Date.UTC(2016, 3, 1),
      spanMs: 30 * 86_400_000,
    });
  });
});

/** Rightly joined pairs whose two reports are in one language. */
function countSameLanguage(report: ReturnType<typeof evaluateStories>, langOf: Map<string, string>): number {
  return report.joined.filter(([a, b]) => langOf.get(a) === langOf.get(b)).length;
}

describe('story grouping on hand-written items of distinct stories (no two report one event)', () => {
  // The topic fixtures were each written as a story of its own: every join is a false merge. Before the rule that
  // a German and an English report share five features there were five (holdout 3, extra 2); one is left, two
  // STACKIT items in a batch of 36 (contract for federal agencies, a Kubernetes service).
  it('joins hardly any of them, each set grouped as one batch', () => {
    let wrong = 0;
    for (const path of [holdoutLabelsPath, extraLabelsPath, unseenLabelsPath, freshLabelsPath]) {
      const report = evaluateStories(parseLabels(readFileSync(path, 'utf8')));
      if (report.falseMerges.length) console.log(path, report.falseMerges);
      wrong += report.falseMerges.length;
    }
    expect(wrong).toBeLessThanOrEqual(1);
  });
});
