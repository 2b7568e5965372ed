/** Feed dates (RFC 822 with odd zones, ISO 8601, German names, epoch numbers) into UTC epoch milliseconds. */

const ZONES: Record<string, string> = {
  UT: '+0000',
  UTC: '+0000',
  GMT: '+0000',
  Z: '+0000',
  WET: '+0000',
  WEST: '+0100',
  BST: '+0100',
  CET: '+0100',
  MEZ: '+0100',
  CEST: '+0200',
  MESZ: '+0200',
  EET: '+0200',
  EEST: '+0300',
  MSK: '+0300',
  IST: '+0530',
  CST: '-0600',
  CDT: '-0500',
  EST: '-0500',
  EDT: '-0400',
  MST: '-0700',
  MDT: '-0600',
  PST: '-0800',
  PDT: '-0700',
  AKST: '-0900',
  AKDT: '-0800',
  HST: '-1000',
  JST: '+0900',
  KST: '+0900',
  AEST: '+1000',
  AEDT: '+1100',
  NZST: '+1200',
  NZDT: '+1300',
};

/** German (and a few other) month and weekday words mapped to English so Date.parse reads them. */
const WORDS: Record<string, string> = {
  januar: 'Jan',
  jan: 'Jan',
  jänner: 'Jan',
  februar: 'Feb',
  feb: 'Feb',
  märz: 'Mar',
  maerz: 'Mar',
  mär: 'Mar',
  mrz: 'Mar',
  april: 'Apr',
  mai: 'May',
  juni: 'Jun',
  juli: 'Jul',
  august: 'Aug',
  september: 'Sep',
  sept: 'Sep',
  oktober: 'Oct',
  okt: 'Oct',
  november: 'Nov',
  dezember: 'Dec',
  dez: 'Dec',
  montag: '',
  dienstag: '',
  mittwoch: '',
  donnerstag: '',
  freitag: '',
  samstag: '',
  sonntag: '',
  mo: '',
  di: '',
  mi: '',
  do: '',
  fr: '',
  sa: '',
  so: '',
};

const ISO_WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const MONTH_WORD = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i;
const NUMERIC_DATE = /\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}/;
const HAS_ZONE = /(?:[+-]\d{2}:?\d{2}|Z)$/i;

function fromEpochNumber(text: string): number | undefined {
  if (!/^\d{9,13}$/.test(text)) return undefined;
  const n = Number(text);
  return text.length <= 10 ? n * 1000 : n;
}

/** Returns UTC epoch ms, or undefined when the text is not a date we can read. */
export function parseFeedDate(raw: string | undefined): number | undefined {
  if (!raw) return undefined;
  let text = raw.trim().replace(/\s+/g, ' ');
  if (!text) return undefined;
  const epoch = fromEpochNumber(text);
  if (epoch !== undefined) return epoch;
  if (ISO_WITHOUT_ZONE.test(text)) return Date.parse(`${text.replace(' ', 'T')}Z`);
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const iso = Date.parse(text.replace(' ', 'T'));
    if (!Number.isNaN(iso)) return iso;
  }
  // RFC 822 family: words to English, named zones to offsets, then a zone-less text counts as UTC.
  text = text.replace(/\p{L}+\.?/gu, (word) => {
    const bare = word.replace(/\.$/, '');
    const zone = ZONES[bare.toUpperCase()];
    if (zone && bare === bare.toUpperCase()) return zone;
    const mapped = WORDS[bare.toLowerCase()];
    return mapped ?? word;
  });
  text = text.replace(/^[\s,]+/, '').replace(/(\d)\.(?=\s)/g, '$1');
  // V8's legacy parser accepts nearly anything ("garbage" is a date to it): insist on a day and a month.
  if (!/\d/.test(text) || !(MONTH_WORD.test(text) || NUMERIC_DATE.test(text))) return undefined;
  if (!HAS_ZONE.test(text)) text += ' +0000';
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : parsed;
}

export interface EntryDates {
  publishedAt: number;
  dateEstimated: boolean;
  updatedAt: number | null;
}

const ONE_DAY = 24 * 60 * 60 * 1000;
/** Dates before this are almost always placeholders (epoch 0, year 1). */
const EARLIEST_PLAUSIBLE = Date.UTC(1990, 0, 1);

function plausible(ms: number | undefined): number | undefined {
  return ms !== undefined && ms >= EARLIEST_PLAUSIBLE ? ms : undefined;
}

/**
 * Published date falls back to updated, then to `now` (marked estimated). A date more than a day ahead is a
 * publisher's clock or time-zone error: clamped to now and marked, so it cannot pin an item to the top.
 */
export function resolveEntryDates(published: string | undefined, updated: string | undefined, now: number): EntryDates {
  const updatedMs = plausible(parseFeedDate(updated));
  const publishedMs = plausible(parseFeedDate(published)) ?? updatedMs;
  if (publishedMs === undefined) return { publishedAt: now, dateEstimated: true, updatedAt: clamp(updatedMs, now) };
  if (publishedMs > now + ONE_DAY) return { publishedAt: now, dateEstimated: true, updatedAt: clamp(updatedMs, now) };
  return { publishedAt: publishedMs, dateEstimated: false, updatedAt: clamp(updatedMs, now) };
}

/** A new source's undated backlog is dated at least this long before its first fetch (normalize/index.ts) … */
export const BACKLOG_BEFORE_MS = ONE_DAY;
/** … one second apart, in the document's order (its first entry newest). */
export const BACKLOG_STEP_MS = 1000;

/**
 * Whether an item is part of a new source's undated backlog: its date is estimated and lies a day or more before it
 * was first seen (an undated item that appears later is dated when first seen, less a millisecond per position).
 * Such items are old news of unknown age: published feeds leave them out.
 */
export function isUndatedBacklog(item: { dateEstimated: boolean; publishedAt: number; firstSeenAt: number }): boolean {
  return item.dateEstimated && item.publishedAt <= item.firstSeenAt - BACKLOG_BEFORE_MS;
}

function clamp(ms: number | undefined, now: number): number | null {
  if (ms === undefined) return null;
  return ms > now + ONE_DAY ? now : ms;
}
