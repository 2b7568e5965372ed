import { createHash } from 'node:crypto';
import type { LabelledItem } from './eval.ts';
import { groupStories, type StoryInput, type StoryOptions } from './stories.ts';

/** Pairwise agreement of "same story" between the grouping and the labels' `event=<tag>` notes. */
export interface StoryEvalReport {
  precision: number;
  recall: number;
  /** Items compared, labelled events (with ≥ 2 reports) and pair counts. */
  items: number;
  events: number;
  pairs: { tp: number; fp: number; fn: number };
  /** Rightly joined pairs, wrongly joined ones (a false merge hides news) and missed ones, by title. */
  joined: [string, string][];
  falseMerges: [string, string][];
  missed: [string, string][];
}

/** The `event=<tag>` of a labelled item, if any. */
export function eventTag(item: Pick<LabelledItem, 'notes'>): string | undefined {
  return /event=([\w.-]+)/.exec(item.notes ?? '')?.[1];
}

/**
 * Two folds that keep reports of one event together, so a story cannot be tuned on in one half and tested in the
 * other (the same split the topic evaluation uses).
 */
export function eventFold(item: Pick<LabelledItem, 'id' | 'notes'>): 0 | 1 {
  const key = eventTag(item) ?? item.id;
  return (createHash('sha1').update(key).digest()[0]! % 2) as 0 | 1;
}

function hostOf(url: string | undefined): string | undefined {
  const m = /^https?:\/\/(?:www\.)?([^/]+)/.exec(url ?? '');
  return m?.[1];
}

/**
 * Groups the labelled items as one batch (the labels carry no dates: all are treated as simultaneous, the worst
 * case) and counts pairs: reports of one event that share a story are hits, items of different events (or none)
 * in one story are false merges.
 */
export function evaluateStories(items: LabelledItem[], opts: StoryOptions = {}): StoryEvalReport {
  const inputs: StoryInput[] = items.map((i) => ({
    id: i.id,
    title: i.title,
    summary: i.summary,
    language: i.lang,
    publishedAt: 0,
    sourceId: hostOf(i.source) ?? i.id,
  }));
  const storyOf = new Map<string, string>();
  for (const c of groupStories(inputs, opts)) {
    storyOf.set(c.representative, c.key);
    for (const o of c.others) storyOf.set(o, c.key);
  }
  const pairs = { tp: 0, fp: 0, fn: 0 };
  const joinedRight: [string, string][] = [];
  const falseMerges: [string, string][] = [];
  const missed: [string, string][] = [];
  const events = new Map<string, number>();
  for (let a = 0; a < items.length; a++) {
    const ea = eventTag(items[a]!);
    if (ea) events.set(ea, (events.get(ea) ?? 0) + 1);
    for (let b = a + 1; b < items.length; b++) {
      const eb = eventTag(items[b]!);
      const same = ea !== undefined && ea === eb;
      const joined = storyOf.get(items[a]!.id) === storyOf.get(items[b]!.id);
      const titles: [string, string] = [items[a]!.title, items[b]!.title];
      if (same && joined) {
        pairs.tp++;
        joinedRight.push(titles);
      } else if (joined) {
        pairs.fp++;
        falseMerges.push(titles);
      } else if (same) {
        pairs.fn++;
        missed.push(titles);
      }
    }
  }
  return {
    precision: pairs.tp + pairs.fp === 0 ? 1 : pairs.tp / (pairs.tp + pairs.fp),
    recall: pairs.tp + pairs.fn === 0 ? 1 : pairs.tp / (pairs.tp + pairs.fn),
    items: items.length,
    events: [...events.values()].filter((n) => n >= 2).length,
    pairs,
    joined: joinedRight,
    falseMerges,
    missed,
  };
}

export function formatStoryReport(report: StoryEvalReport, label = 'stories'): string {
  const { tp, fp, fn } = report.pairs;
  return `${label.padEnd(10)} pairwise precision ${(report.precision * 100).toFixed(1)}%  recall ${(report.recall * 100).toFixed(1)}%  (${tp} joined right, ${fp} wrong, ${fn} missed; ${report.events} events, ${report.items} items)`;
}
