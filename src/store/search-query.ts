import { foldWord, type MatchTerm, stemPrefix, WORD } from './search-text.ts';

/**
 * The search syntax: words (all must occur), "quoted phrases" (words next to each other, in order), `a OR b`,
 * `-word` / `-"phrase"` to leave out. Everything else, punctuation included (c++, node.js, colons, FTS operators
 * such as NEAR, *, ^), is text: it only ever splits words and never reaches a database as syntax. Words keep their
 * German and English inflections (stem prefixes); short words (≤ 3 letters), acronyms and numbers match whole
 * words only, so "aws" does not find "away".
 */

/** One word as the index is searched for it. */
export interface SearchWord extends MatchTerm {
  /**
   * The word lower-cased but with its diacritics, when they differ from `text`: PostgreSQL's English configuration
   * keeps "café" and "zürich" as they are, so its query looks for both forms.
   */
  accented?: string;
}

/** Words that must occur next to each other, in this order (usually just one word). */
export type SearchPhrase = SearchWord[];

export interface SearchQuery {
  /** Every entry must match; an entry matches when any one of its phrases does (a OR b). */
  all: SearchPhrase[][];
  /** No item that matches one of these is found. */
  none: SearchPhrase[];
}

export type SearchProblem = 'empty' | 'onlyExcluded';

export type ParsedSearch = { query: SearchQuery; problem?: undefined } | { query?: undefined; problem: SearchProblem };

/**
 * How many of a query's newest matches are ranked (bm25 / ts_rank_cd), so that a common word costs a bounded amount
 * of scoring at a million items instead of scoring every item it occurs in. Trade-off: when a query has more
 * matches, an old item that would rank high comes after the window (older matches follow it, newest first), not at
 * the top; a more specific query brings it into the window.
 */
export const SEARCH_RANKED_WINDOW = 1000;

/** More words than this are ignored: each one costs the index a lookup. */
const MAX_WORDS = 12;
/** Whole-word match for words this short: as prefixes they would match nearly everything. */
const SHORT_WORD = 3;

type Token = { kind: 'or' } | { kind: 'phrase'; words: SearchPhrase; exclude: boolean };

export function parseSearch(input: string): ParsedSearch {
  const all: SearchPhrase[][] = [];
  const none: SearchPhrase[] = [];
  let words = 0;
  let afterOr = false;
  let lastPositive = false;
  for (const token of tokenize(input)) {
    if (token.kind === 'or') {
      afterOr = lastPositive;
      continue;
    }
    const phrase = token.words.slice(0, MAX_WORDS - words);
    if (phrase.length === 0) continue;
    words += phrase.length;
    if (token.exclude) {
      none.push(phrase);
      afterOr = lastPositive = false;
    } else {
      if (afterOr) all[all.length - 1]!.push(phrase);
      else all.push([phrase]);
      afterOr = false;
      lastPositive = true;
    }
  }
  if (all.length > 0) return { query: { all, none } };
  return { problem: none.length > 0 ? 'onlyExcluded' : 'empty' };
}

function* tokenize(input: string): Generator<Token> {
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    let exclude = false;
    if (ch === '-' && i + 1 < input.length && !/\s/.test(input[i + 1]!)) {
      exclude = true;
      i++;
    }
    let text: string;
    if (input[i] === '"') {
      const close = input.indexOf('"', i + 1);
      const end = close === -1 ? input.length : close;
      text = input.slice(i + 1, end);
      i = end + 1;
    } else {
      let end = i;
      while (end < input.length && !/\s/.test(input[end]!) && input[end] !== '"') end++;
      text = input.slice(i, end);
      i = end;
      if (text === 'OR' && !exclude) {
        yield { kind: 'or' };
        continue;
      }
    }
    // Punctuation inside a chunk joins its words into a phrase: "e-mail", "node.js"; "c++" is the word c.
    const words = (text.match(WORD) ?? []).map(searchWord);
    // FTS5 has no alternatives inside a phrase: within one, a whole word matches only itself (on both databases).
    if (words.length > 1) for (const word of words) delete word.plural;
    yield { kind: 'phrase', words, exclude };
  }
}

function searchWord(typed: string): SearchWord {
  // "GPUs", "APIs": the acronym, which also matches its plural.
  const raw = /^[\p{Lu}\p{N}]*\p{Lu}[\p{Lu}\p{N}]*s$/u.test(typed) && typed.length >= 3 ? typed.slice(0, -1) : typed;
  const text = foldWord(raw);
  const lower = raw.toLowerCase().normalize('NFC').replace(/[ßẞ]/g, 'ss');
  const acronym = raw.length >= 2 && raw === raw.toUpperCase() && raw !== raw.toLowerCase();
  const number = /\p{N}/u.test(raw);
  const whole = [...text].length <= SHORT_WORD || acronym || number;
  const word: SearchWord = whole ? { text, prefix: false } : { text: stemPrefix(text), prefix: true };
  if (whole && !number && [...text].length >= 2) word.plural = true;
  // Precomposed letters fold one to one, so the accented prefix is as long as the folded one.
  if (lower !== text && lower.length === text.length) {
    const accented = lower.slice(0, word.text.length);
    if (accented !== word.text) word.accented = accented;
  }
  return word;
}

/** The words the view marks in results: those the query looks for (not the excluded ones). */
export function matchTerms(query: SearchQuery): MatchTerm[] {
  return query.all.flat(2).map(({ text, prefix, plural }) => (plural ? { text, prefix, plural } : { text, prefix }));
}

/** An FTS5 MATCH expression: every word a quoted string, so no input is ever read as FTS5 syntax. */
export function toFts5Match(query: SearchQuery): string {
  const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;
  const word = (w: SearchWord) =>
    w.plural ? `(${quoted(w.text)} OR ${quoted(`${w.text}s`)})` : `${quoted(w.text)}${w.prefix ? '*' : ''}`;
  const phrase = (p: SearchPhrase) => p.map(word).join(' + ');
  const anyOf = (alternatives: SearchPhrase[]) =>
    alternatives.length === 1 ? phrase(alternatives[0]!) : `(${alternatives.map(phrase).join(' OR ')})`;
  const positive = query.all.map(anyOf).join(' AND ');
  return query.none.length === 0 ? positive : `(${positive})${query.none.map((p) => ` NOT ${phrase(p)}`).join('')}`;
}

/**
 * A PostgreSQL tsquery (for to_tsquery('simple', …)): words are quoted lexemes, prefixes `:*`, phrases `<->`.
 * The index holds German and English stems; a stem prefix matches both, and a short word's stems are the word.
 */
export function toTsquery(query: SearchQuery): string {
  const lexeme = (text: string, prefix: boolean) => `'${text.replace(/'/g, "''")}'${prefix ? ':*' : ''}`;
  const word = (w: SearchWord) => {
    const forms = [w.text, ...(w.accented ? [w.accented] : [])];
    if (w.plural) forms.push(...forms.map((f) => `${f}s`));
    const lexemes = forms.map((f) => lexeme(f, w.prefix));
    return lexemes.length === 1 ? lexemes[0]! : `(${lexemes.join(' | ')})`;
  };
  const phrase = (p: SearchPhrase) => (p.length === 1 ? word(p[0]!) : `(${p.map(word).join(' <-> ')})`);
  const anyOf = (alternatives: SearchPhrase[]) =>
    alternatives.length === 1 ? phrase(alternatives[0]!) : `(${alternatives.map(phrase).join(' | ')})`;
  return [...query.all.map(anyOf), ...query.none.map((p) => `!${phrase(p)}`)].join(' & ');
}
