import { htmlToText } from '../lib/html-text.ts';
import { germanStem, stemmers } from '../lib/stemmers.ts';
import { foldSharpS, foldWord } from '../lib/text-fold.ts';

// Words are folded the same way everywhere (lib/text-fold.ts); re-exported for the search modules.
export { foldWord } from '../lib/text-fold.ts';

/** Text as the SQLite full-text index receives it: only ß needs folding, unicode61 does the rest. */
export function foldForIndex(text: string): string {
  return /[ßẞ]/.test(text) ? foldSharpS(text) : text;
}

/** Body text from HTML when the parse workers made none: as much of the HTML as normalize reads for it. */
export function searchTextFromHtml(html: string): string {
  return htmlToText(html, 60_000);
}

/** What the full-text index holds besides the title: summary and body text, the summary once if it opens the body. */
export function indexedBody(summary: string, bodyText: string): string {
  const opening = summary.endsWith('…') ? summary.slice(0, -1) : summary;
  return bodyText.startsWith(opening) ? bodyText : `${summary} ${bodyText}`;
}

/**
 * The index's body when the item has an extracted article: the feed's own text stays searchable (a teaser's words
 * are the article's anyway; a feed's own remarks are not), the article's text follows it.
 */
export function withArticle(body: string, articleText: string | undefined): string {
  return articleText ? `${body} ${articleText}` : body;
}

/**
 * The prefix a longer word is searched by: it matches the word's German and English inflections both ways
 * ("company" ↔ "companies", "Rechenzentrum" ↔ "Rechenzentren"). The index holds unstemmed words (SQLite) or stems
 * (PostgreSQL), so the query side takes the shorter of the two stems and cuts it back to what the word and its
 * forms share: English stems turn a final y into i ("compani"), and German keeps Latin plurals (Zentrum/Zentren).
 */
export function stemPrefix(folded: string): string {
  const german = germanStem(folded);
  const english = stemmers.en.stem(folded).replace(/i$/, '');
  let prefix = commonPrefix(german.length <= english.length ? german : english, folded);
  if (prefix.length >= 7) prefix = prefix.replace(/(um|us|en|er)$/, '');
  return prefix.length >= 3 ? prefix : folded.slice(0, 3);
}

function commonPrefix(a: string, b: string): string {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return a.slice(0, n);
}

/** A word as the index sees it: letters and digits, with the marks that belong to them (Indic vowel signs). */
export const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu;

/** A query word as the view highlights it. */
export interface MatchTerm {
  /** Folded (see foldWord). */
  text: string;
  /** Matches words that start with `text`; otherwise only the whole word. */
  prefix: boolean;
  /** A whole word that also matches its plural in -s ("GPU" ↔ "GPUs"). */
  plural?: boolean;
}

/** A piece of text, marked when it is a word that matches one of the terms. */
export interface TextPart {
  text: string;
  match: boolean;
}

function matches(word: string, terms: readonly MatchTerm[]): boolean {
  const folded = foldWord(word);
  return terms.some((t) =>
    t.prefix ? folded.startsWith(t.text) : folded === t.text || (t.plural === true && folded === `${t.text}s`),
  );
}

/** Whether a word of the text matches one of the terms. */
export function hasMatch(text: string, terms: readonly MatchTerm[]): boolean {
  for (const m of text.matchAll(WORD)) if (matches(m[0], terms)) return true;
  return false;
}

/** Splits text into words that match the terms and the text between them (for <mark> in the view). */
export function markMatches(text: string, terms: readonly MatchTerm[]): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(WORD)) {
    if (!matches(m[0], terms)) continue;
    if (m.index > last) parts.push({ text: text.slice(last, m.index), match: false });
    parts.push({ text: m[0], match: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), match: false });
  return parts;
}

/** About `width` characters of plain text around the first matching word, cut at word boundaries. */
export function excerpt(text: string, terms: readonly MatchTerm[], width = 240): string {
  let start = 0;
  for (const m of text.matchAll(WORD)) {
    if (!matches(m[0], terms)) continue;
    if (m.index > width / 3) start = text.lastIndexOf(' ', m.index - Math.floor(width / 3)) + 1;
    break;
  }
  let piece = text.slice(start, start + width);
  if (start + width < text.length) piece = `${piece.replace(/\s+\S*$/, '')} …`;
  return (start > 0 ? '… ' : '') + piece;
}
