import type { Config, FullTextMode } from '../config/schema.ts';
import { collapseWhitespace, htmlToText } from '../lib/html-text.ts';

/** Body text shorter than this is a teaser, not an article (a few sentences; Readability's own minimum is 500). */
export const TEASER_MAX_CHARS = 500;

/**
 * How feeds say "the rest is on the website": an ellipsis ("…", "...", also in "[…]" or "(more…)") in the run of
 * spaces, punctuation and symbols the text ends with, or a read-more link's words just before that run.
 * This runs for every new item of every feed on the main thread, so it is plain string work: the end-anchored,
 * case-insensitive Unicode regex it replaces was tried by V8 from every position of the tail (~30 µs an item), and
 * with a second whitespace collapse of an already collapsed text it cost ~15% of a cold cycle's CPU.
 */
const CUT_OFF_PHRASES = [
  ...['read', 'continue', 'keep'].flatMap((verb) => [`${verb} more`, `${verb} reading`]),
  ...['full', 'rest', 'whole'].flatMap((what) => ['story', 'article', 'post'].map((n) => `read the ${what} ${n}`)),
  'weiterlesen',
  'mehr lesen',
  'lesen sie mehr',
  'lesen sie weiter',
  'zum artikel',
  'zum vollständigen artikel',
  'lire la suite',
  'leer mas',
  'leer más',
  'continua a leggere',
  '(more',
];
const TRAILING_MARK = /[\s\p{P}\p{S}]/u;
const WORD_CHAR = /[A-Za-z0-9_]/;

/** Whether the text ends in a cut-off mark (marks are at the very end; whitespace is expected collapsed). */
export function endsCutOff(text: string): boolean {
  let end = text.length;
  // The trailing run of spaces, punctuation and symbols (up to 40 characters of it).
  while (end > 0 && text.length - end < 40 && TRAILING_MARK.test(text[end - 1]!)) end--;
  const run = text.slice(end);
  if (run.includes('…') || run.includes('...')) return true;
  if (end === 0) return false;
  // A phrase ends just before the run and starts at a word boundary ("(more" needs none).
  const last = text[end - 1]!.toLowerCase();
  return CUT_OFF_PHRASES.some((phrase) => {
    if (phrase.length > end || phrase[phrase.length - 1] !== last) return false;
    const start = end - phrase.length;
    if (text.slice(start, end).toLowerCase() !== phrase) return false;
    return phrase[0] === '(' || start === 0 || !WORD_CHAR.test(text[start - 1]!);
  });
}

export interface FeedBody {
  contentHtml: string;
  summary: string;
  /** The body's text when the caller has it already (the parse workers make it, whitespace collapsed). */
  searchText?: string;
}

/**
 * Whether the feed's content looks cut short, so the linked page likely holds more: short, ending in "…", "[…]",
 * "Read more"/"Weiterlesen", or nothing beyond the summary.
 */
export function looksTruncated(item: FeedBody): boolean {
  const text = item.searchText ?? htmlToText(item.contentHtml);
  if (text.length < TEASER_MAX_CHARS) return true;
  if (endsCutOff(text)) return true;
  // Collapsing whitespace never lengthens a text: a shorter summary cannot be the same.
  return item.summary.length >= text.length && text === collapseWhitespace(item.summary);
}

/** Whether an item with this body wants its page fetched under the source's `fullText` mode. */
export function wantsFullText(mode: 'auto' | 'always' | 'never', item: FeedBody & { link: string | null }): boolean {
  if (mode === 'never' || !item.link || !/^https?:\/\//i.test(item.link)) return false;
  return mode === 'always' || looksTruncated(item);
}

const modesByConfig = new WeakMap<Config, Map<string, FullTextMode>>();

/** A source's `fullText`, else `defaults.fullText` (one map per config object, so a reload applies at once). */
export function fullTextModeOf(config: Config, sourceConfigUrl: string): FullTextMode {
  let modes = modesByConfig.get(config);
  if (!modes) {
    modes = new Map(config.sources.map((s) => [s.url, s.fullText ?? config.defaults.fullText]));
    modesByConfig.set(config, modes);
  }
  return modes.get(sourceConfigUrl) ?? config.defaults.fullText;
}
