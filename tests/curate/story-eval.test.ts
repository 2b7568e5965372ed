import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLabels } from '../../src/curate/eval.ts';
import { evaluateStories, eventFold, formatStoryReport } from '../../src/curate/story-eval.ts';
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

    it('joins German and English reports of one event', () => {
      const report = evaluateStories(items);
      const byId = new Map(items.map((i) => [i.title, i.lang]));
      const crossJoined = report.pairs.tp - countSameLanguage(report, byId);
      expect(crossJoined).toBeGreaterThanOrEqual(3);
    });
  },
);

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
