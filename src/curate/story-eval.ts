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
  /**
   * The cloud feed's view (what the hidden set counts): events with ≥ 2 reports labelled `cloud`, and how many
   * of them the feed would show more than once (their cloud reports not all in one story).
   */
  feed: { events: number; shownMoreThanOnce: number };
}

export interface StoryEvalOptions extends StoryOptions {
  /**
   * Date the items from their source URLs (/2016/03/14/, /2016-03-14, a month as /2016-10/ or golem's -1610-) and
   * group them in the time window as production does; a date known to the month may be any day of it, an item
   * without one may be any day at all. Without this all items are one simultaneous batch (the worst case).
   */
  dated?: boolean;
}

const DAY_MS = 86_400_000;

/** The publication date a URL carries, as the span it may fall in (a day, or a month), if any. */
export function urlDate(url: string | undefined): { from: number; spanMs: number } | undefined {
  if (!url) return undefined;
  const path = url.replace(/^https?:\/\/[^/]+/, '').replace(/[?#].*$/, '');
  const valid = (y: number, m: number, d = 1) => y >= 1995 && y <= 2035 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
  // A full date: /2016/03/14/, /2016-03-14, /20160314, /2025/10-08-.
  const day =
    /(?:^|[/_-])((?:19|20)\d\d)[/-]?(\d\d)[/-](\d\d)(?=[/_.-]|$)/.exec(path) ??
    /\/((?:19|20)\d\d)(\d\d)(\d\d)(?=[/_.-]|$)/.exec(path);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    if (valid(y, m, d)) return { from: Date.UTC(y, m - 1, d), spanMs: DAY_MS };
  }
  // A month: /2016-10/, /2016/10/, or golem.de's -YYMM- before the article number (…-1610-123638.html).
  const month = /\/((?:19|20)\d\d)[/-](\d\d)(?=\/)/.exec(path);
  const golem = /golem\.de\//.test(url) ? /-(\d\d)(\d\d)-\d{5,}\.html?$/.exec(path) : null;
  const ym = month
    ? [Number(month[1]), Number(month[2])]
    : golem
      ? [2000 + Number(golem[1]), Number(golem[2])]
      : undefined;
  if (ym && valid(ym[0]!, ym[1]!)) {
    const from = Date.UTC(ym[0]!, ym[1]! - 1, 1);
    return { from, spanMs: Date.UTC(ym[0]!, ym[1]!, 1) - from };
  }
  return undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * The date a labelled item's `source` carries: its URL's, or for an item taken from a feed file in a repository
 * ("github:owner/repo feed.xml @commit (… feed, Apr 2016); item link https://…") its link's, else the feed's month.
 */
export function sourceDate(source: string | undefined): { from: number; spanMs: number } | undefined {
  if (!source?.startsWith('github:')) return urlDate(source);
  const link = /https?:\/\/\S+/.exec(source)?.[0];
  const fromLink = urlDate(link);
  if (fromLink) return fromLink;
  const m = /\b([A-Z][a-z]{2})[a-z]* ((?:19|20)\d\d)\)/.exec(source);
  const month = m ? MONTHS.indexOf(m[1]!.toLowerCase()) : -1;
  if (!m || month < 0) return undefined;
  const from = Date.UTC(Number(m[2]), month, 1);
  return { from, spanMs: Date.UTC(Number(m[2]), month + 1, 1) - from };
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
export function evaluateStories(items: LabelledItem[], opts: StoryEvalOptions = {}): StoryEvalReport {
  const { dated, ...grouping } = opts;
  const inputs: StoryInput[] = items.map((i) => {
    const date = dated ? sourceDate(i.source) : undefined;
    return {
      id: i.id,
      title: i.title,
      summary: i.summary,
      language: i.lang,
      publishedAt: date?.from ?? 0,
      dateSpanMs: dated ? (date?.spanMs ?? Number.POSITIVE_INFINITY) : undefined,
      sourceId: hostOf(i.source) ?? i.id,
    };
  });
  const storyOf = new Map<string, string>();
  for (const c of groupStories(inputs, grouping)) {
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
  const feed = { events: 0, shownMoreThanOnce: 0 };
  const byEvent = new Map<string, string[]>();
  for (const item of items) {
    const tag = eventTag(item);
    if (tag && item.label === 'cloud') byEvent.set(tag, [...(byEvent.get(tag) ?? []), item.id]);
  }
  for (const ids of byEvent.values()) {
    if (ids.length < 2) continue;
    feed.events++;
    if (new Set(ids.map((id) => storyOf.get(id))).size > 1) feed.shownMoreThanOnce++;
  }
  return {
    feed,
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
  const { events, shownMoreThanOnce } = report.feed;
  return `${label.padEnd(10)} pairwise precision ${(report.precision * 100).toFixed(1)}%  recall ${(report.recall * 100).toFixed(1)}%  (${tp} joined right, ${fp} wrong, ${fn} missed; ${report.events} events, ${report.items} items); cloud feed: ${shownMoreThanOnce} of ${events} events shown more than once`;
}
