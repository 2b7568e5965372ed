import type { Config, FullTextMode } from '../config/schema.ts';
import { collapseWhitespace, htmlToText } from '../lib/html-text.ts';

/** Body text shorter than this is a teaser, not an article (a few sentences; Readability's own minimum is 500). */
export const TEASER_MAX_CHARS = 500;

/** How feeds say "the rest is on the website": an ellipsis, "[…]", or a read-more link's words at the very end. */
const CUT_OFF_ENDING =
  /(?:…|\.\.\.|\[\s*(?:…|\.\.\.)\s*\]|\b(?:read|continue|keep)\s+(?:more|reading)\b|\bread the (?:full|rest|whole) (?:story|article|post)\b|\bweiterlesen\b|\bmehr lesen\b|\blesen sie (?:mehr|weiter)\b|\bzum (?:vollständigen )?artikel\b|\blire la suite\b|\bleer m[aá]s\b|\bcontinua a leggere\b|\(more\W*\))[\s\p{P}\p{S}]*$/iu;

export interface FeedBody {
  contentHtml: string;
  summary: string;
  /** The body's text when the caller has it already (the parse workers make it). */
  searchText?: string;
}

/**
 * Whether the feed's content looks cut short, so the linked page likely holds more: short, ending in "…", "[…]",
 * "Read more"/"Weiterlesen", or nothing beyond the summary.
 */
export function looksTruncated(item: FeedBody): boolean {
  const text = collapseWhitespace(item.searchText ?? htmlToText(item.contentHtml));
  if (text.length < TEASER_MAX_CHARS) return true;
  if (CUT_OFF_ENDING.test(text.slice(-80))) return true;
  return text === collapseWhitespace(item.summary);
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
