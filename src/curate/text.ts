import { germanStem, stemmers } from '../lib/stemmers.ts';
import { foldWord } from '../lib/text-fold.ts';

/** Languages the curate stage stems for; anything else is matched with both stemmers. */
export type StemLanguage = 'de' | 'en';

export interface Token {
  /** The word as written (case kept: the story detector uses it to spot names). */
  raw: string;
  /** Lower-cased, umlauts folded (ä→a, ß→ss), British spellings mapped to American ones. */
  norm: string;
  de: string;
  en: string;
}

// Same word, two spellings: without this "data centre" and "data center" never meet.
const SPELLING: Record<string, string> = {
  centre: 'center',
  centres: 'centers',
  datacentre: 'datacenter',
  datacentres: 'datacenters',
  programme: 'program',
  programmes: 'programs',
};

/** Lower-case and fold German umlauts and ß, so "Souveränität" and "Souveranitat" meet (the search fold). */
export const fold = foldWord;

const stemCache = new Map<string, string>();

/** Snowball stem of one folded word, with a German fix-up for Latin -um/-en plurals (Zentrum/Zentren). */
export function stem(word: string, lang: StemLanguage): string {
  const key = lang + word;
  const hit = stemCache.get(key);
  if (hit !== undefined) return hit;
  let out: string;
  if (/^\d/.test(word)) out = word;
  else if (lang === 'de') out = germanStem(word);
  else out = stemmers.en.stem(word);
  if (stemCache.size > 200_000) stemCache.clear();
  stemCache.set(key, out);
  return out;
}

/**
 * Splits text into tokens: runs of letters and digits (EC2), or numbers that keep their separators ("7,8", "1.2")
 * so stories can compare them. Hyphenated compounds ("Cloud-Geschäft") become separate tokens. A hand-written
 * scanner rather than a Unicode regex: this runs over every item at ingest and the regex cost twice as much.
 */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const width = wordCharWidth(text, i, c);
    if (width === 0) {
      i++;
      continue;
    }
    const start = i;
    if (c >= 48 && c <= 57) {
      i = skipDigits(text, i + 1);
      // A separator followed by a digit continues the number: 7,8 and 1.2.3.
      while (i + 1 < n && (text.charCodeAt(i) === 44 || text.charCodeAt(i) === 46) && isDigit(text.charCodeAt(i + 1))) {
        i = skipDigits(text, i + 2);
      }
    } else {
      i += width;
      while (i < n) {
        const w = wordCharWidth(text, i, text.charCodeAt(i));
        if (w === 0) break;
        i += w;
      }
    }
    out.push(tokenFor(text.slice(start, i)));
  }
  return out;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function skipDigits(text: string, from: number): number {
  let i = from;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  return i;
}

const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;
/** Whether a BMP code unit is a letter or number: 0 not yet known, 1 yes, 2 no. Filled as text is met. */
const wordCharTable = new Uint8Array(0x10000);

/** UTF-16 units of the letter or number at `i` (2 for one outside the BMP), or 0 when there is none. */
function wordCharWidth(text: string, i: number, c: number): number {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) ? 1 : 0;
  if (c >= 0xd800 && c <= 0xdbff) {
    const cp = text.codePointAt(i)!;
    return cp > 0xffff && LETTER_OR_NUMBER.test(String.fromCodePoint(cp)) ? 2 : 0;
  }
  let known = wordCharTable[c]!;
  if (known === 0) {
    known = LETTER_OR_NUMBER.test(String.fromCharCode(c)) ? 1 : 2;
    wordCharTable[c] = known;
  }
  return known === 1 ? 1 : 0;
}

function tokenFor(raw: string): Token {
  const cached = tokenCache.get(raw);
  if (cached) return cached;
  let norm = fold(raw);
  norm = Object.hasOwn(SPELLING, norm) ? SPELLING[norm]! : norm;
  if (isDigit(norm.charCodeAt(0))) norm = norm.replace(',', '.');
  const token = { raw, norm, de: stem(norm, 'de'), en: stem(norm, 'en') };
  if (tokenCache.size > 200_000) tokenCache.clear();
  tokenCache.set(raw, token);
  return token;
}

/** Tokens are immutable and words repeat across items: one Token per distinct spelling. */
const tokenCache = new Map<string, Token>();

/** Maps a BCP-47-ish tag ("de-DE", "en") to a stemming language, or null when unknown. */
export function stemLanguage(language: string | null | undefined): StemLanguage | null {
  const l = (language ?? '').slice(0, 2).toLowerCase();
  return l === 'de' || l === 'en' ? l : null;
}

/** How one word of a configured term is matched against a token. */
export interface WordPattern {
  /** `stem`: stems equal (plus German compound rules); `prefix`/`suffix`/`contains`: on the folded word. */
  mode: 'stem' | 'prefix' | 'suffix' | 'contains';
  de: string;
  en: string;
  /** Identifies equal patterns (the same word recurs in many terms and context rules). */
  key: string;
}

/** German compound heads/modifiers: shorter stems than this are only matched whole (keeps "cloud" off "icloud"). */
const COMPOUND_PREFIX_MIN = 5;
const COMPOUND_SUFFIX_MIN = 7;

/**
 * Parses one configured word. `cloud*` matches words starting with "cloud", `*zentrum` words ending so,
 * `*rechen*` words containing it; a plain word matches by stem in the item's language.
 */
export function compileWord(word: string): WordPattern {
  const starts = word.startsWith('*');
  const ends = word.endsWith('*') && word.length > 1;
  const bare = fold(word.replace(/^\*|\*$/g, ''));
  const norm = Object.hasOwn(SPELLING, bare) ? SPELLING[bare]! : bare;
  if (starts || ends) {
    const mode = starts && ends ? 'contains' : starts ? 'suffix' : 'prefix';
    return { mode, de: norm, en: norm, key: `${mode}:${norm}` };
  }
  const de = stem(norm, 'de');
  const en = stem(norm, 'en');
  return { mode: 'stem', de, en, key: `stem:${de}:${en}` };
}

/** Does `token` match the word pattern in `lang`? German stems also match as parts of compounds. */
export function wordMatches(p: WordPattern, t: Token, lang: StemLanguage): boolean {
  switch (p.mode) {
    case 'prefix':
      return t.norm.startsWith(p.de);
    case 'suffix':
      return t.norm.endsWith(p.de);
    case 'contains':
      return t.norm.includes(p.de);
    default: {
      if (lang === 'en') return t.en === p.en;
      if (t.de === p.de) return true;
      // Cheap compound split: "Rechenzentrumsbetreiber" starts with "rechenzentr", "Großrechenzentrum" ends with it.
      if (p.de.length >= COMPOUND_PREFIX_MIN && t.de.length > p.de.length + 2 && t.de.startsWith(p.de)) return true;
      return p.de.length >= COMPOUND_SUFFIX_MIN && t.de.length > p.de.length + 2 && t.de.endsWith(p.de);
    }
  }
}

/** A term is one word or a phrase (words in sequence, stemmed). */
export type TermPattern = WordPattern[];

export function compileTerm(term: string): TermPattern {
  return term
    .split(/[\s\-_]+/)
    .filter((w) => w.length > 0)
    .map(compileWord);
}

/**
 * Whether the words (numbered by a WordMatcher) occur one right after the other somewhere in a field, given the words
 * each of its tokens matches (`WordMatcher.matches`, in token order): a one-word term occurs wherever its word does.
 */
export function occursInOrder(words: readonly number[], wordsAt: readonly (readonly number[])[]): boolean {
  if (words.length === 0) return false;
  const first = words[0]!;
  const last = wordsAt.length - words.length;
  for (let i = 0; i <= last; i++) {
    // Most tokens match no word of the topic at all.
    const at = wordsAt[i]!;
    if (at.length === 0 || !at.includes(first)) continue;
    let j = 1;
    while (j < words.length && wordsAt[i + j]!.includes(words[j]!)) j++;
    if (j === words.length) return true;
  }
  return false;
}

const STOP_DE =
  'der die das den dem des ein eine einer eines einem einen und oder aber auch als am an auf aus bei bis da dass du er es für fur hat hatte haben ich ihr im in ist ja kann mit nach nicht noch nun nur ob sein seine sich sie sind so um von vor war was weil wie will wird werden wurde zu zum zur über uber unter mehr sehr schon jetzt dieser diese dieses hier immer wieder soll sollen ab ohne gegen durch sowie bereits rund etwa neue neuen neuer neues'.split(
    ' ',
  );
const STOP_EN =
  'the a an and or but of to in on at by for from with as is are was were be been being it its this that these those has have had will would can could should may might not no new more most than then so if into about over after before up out who what which when where why how all also just their they them he she his her we our you your i s t says said'.split(
    ' ',
  );
const STOPWORDS = new Set([...STOP_DE, ...STOP_EN].map(fold));

export function isStopword(norm: string): boolean {
  return STOPWORDS.has(norm);
}

/**
 * The distinct words of a topic's terms, numbered, and for every token met so far the numbers of the words it
 * matches (per language). Words recur across items, so once warm, matching an item costs one map look-up per
 * token instead of one per term, field and language.
 */
export class WordMatcher {
  private readonly patterns: WordPattern[] = [];
  private readonly ids = new Map<string, number>();
  /** Stem-mode words by their English and German stems; affix-mode words are few and checked one by one. */
  private readonly byEn = new Map<string, number[]>();
  private readonly byDe = new Map<string, number[]>();
  private readonly affixes: number[] = [];
  private readonly memo = { de: new Map<Token, readonly number[]>(), en: new Map<Token, readonly number[]>() };

  /** Registers a word (equal words share a number) and returns its number. */
  add(p: WordPattern): number {
    const known = this.ids.get(p.key);
    if (known !== undefined) return known;
    // What tokens matched was worked out without this word.
    this.memo.de.clear();
    this.memo.en.clear();
    const id = this.patterns.length;
    this.patterns.push(p);
    this.ids.set(p.key, id);
    if (p.mode === 'stem') {
      push(this.byEn, p.en, id);
      push(this.byDe, p.de, id);
    } else this.affixes.push(id);
    return id;
  }

  get size(): number {
    return this.patterns.length;
  }

  /** Numbers of the words `t` matches in `lang` (same rules as wordMatches). */
  matches(t: Token, lang: StemLanguage): readonly number[] {
    const memo = this.memo[lang];
    let hit = memo.get(t);
    if (hit === undefined) {
      hit = this.lookup(t, lang);
      // ~2 MB per topic and language when full; a news vocabulary's common words are back within a few feeds.
      if (memo.size >= MEMO_TOKENS) memo.clear();
      memo.set(t, hit);
    }
    return hit;
  }

  private lookup(t: Token, lang: StemLanguage): readonly number[] {
    const out: number[] = [];
    const add = (ids: number[] | undefined) => {
      if (ids) for (const id of ids) if (!out.includes(id)) out.push(id);
    };
    for (const id of this.affixes) if (wordMatches(this.patterns[id]!, t, lang)) out.push(id);
    if (lang === 'en') add(this.byEn.get(t.en));
    else {
      const s = t.de;
      add(this.byDe.get(s));
      // Compound parts: the word's stem begins with a stem of 5+ letters or ends with one of 7+ (wordMatches).
      for (let n = COMPOUND_PREFIX_MIN; n <= s.length - 3; n++) add(this.byDe.get(s.slice(0, n)));
      for (let n = COMPOUND_SUFFIX_MIN; n <= s.length - 3; n++) add(this.byDe.get(s.slice(s.length - n)));
    }
    return out.length > 0 ? out : NO_WORDS;
  }
}

const NO_WORDS: readonly number[] = [];
const MEMO_TOKENS = 50_000;

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
