import { stemmers } from '../lib/stemmers.ts';

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

const NON_ASCII = /[^\x00-\x7f]/;

/** Lower-case and fold German umlauts and ß, so "Souveränität" and "Souveranitat" meet. */
export function fold(text: string): string {
  // Most words are ASCII: skip the Unicode normalisation passes for them (this runs for every token).
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/ä/g, 'a')
    .replace(/ö/g, 'o')
    .replace(/ü/g, 'u')
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '');
}

const stemCache = new Map<string, string>();

/** Snowball stem of one folded word, with a German fix-up for Latin -um/-en plurals (Zentrum/Zentren). */
export function stem(word: string, lang: StemLanguage): string {
  const key = lang + word;
  const hit = stemCache.get(key);
  if (hit !== undefined) return hit;
  let out: string;
  if (/^\d/.test(word)) out = word;
  else if (lang === 'de') {
    out = stemmers.de.stem(word);
    // Snowball keeps "zentrum" but cuts "zentren" to "zentr": make both "zentr".
    if (out.length >= 6 && out.endsWith('um')) out = out.slice(0, -2);
  } else out = stemmers.en.stem(word);
  if (stemCache.size > 200_000) stemCache.clear();
  stemCache.set(key, out);
  return out;
}

// Numbers keep their separators ("7,8", "1.2") so stories can compare them; words may mix letters and digits (EC2).
const WORD = /\d+(?:[.,]\d+)*|[\p{L}\p{N}]+/gu;

/** Splits text into tokens; hyphenated compounds ("Cloud-Geschäft") become separate tokens. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const raw = m[0];
    const cached = tokenCache.get(raw);
    if (cached) {
      out.push(cached);
      continue;
    }
    let norm = fold(raw);
    norm = Object.hasOwn(SPELLING, norm) ? SPELLING[norm]! : norm;
    if (/^\d/.test(norm)) norm = norm.replace(',', '.');
    const token = { raw, norm, de: stem(norm, 'de'), en: stem(norm, 'en') };
    if (tokenCache.size > 200_000) tokenCache.clear();
    tokenCache.set(raw, token);
    out.push(token);
  }
  return out;
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

/** Start indices where the phrase occurs in the token sequence. */
export function findTerm(pattern: TermPattern, tokens: Token[], lang: StemLanguage): number[] {
  const hits: number[] = [];
  if (pattern.length === 0) return hits;
  for (let i = 0; i + pattern.length <= tokens.length; i++) {
    let ok = true;
    for (let j = 0; j < pattern.length && ok; j++) ok = wordMatches(pattern[j]!, tokens[i + j]!, lang);
    if (ok) hits.push(i);
  }
  return hits;
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
 * The tokens of one field, indexed so that "does this term occur here?" costs a few map look-ups instead of a scan
 * over every token (a topic has ~150 terms; an item's body ~700 tokens).
 */
export class TokenIndex {
  private readonly de = new Set<string>();
  private readonly en = new Set<string>();
  /** German stems by their first 5 letters and last 7 letters: candidates for compound matches. */
  private readonly deHeads = new Map<string, string[]>();
  private readonly deTails = new Map<string, string[]>();
  private readonly norms: string[];

  constructor(readonly tokens: Token[]) {
    const norms = new Set<string>();
    for (const t of tokens) {
      norms.add(t.norm);
      this.en.add(t.en);
      if (this.de.has(t.de)) continue;
      this.de.add(t.de);
      if (t.de.length >= COMPOUND_PREFIX_MIN) push(this.deHeads, t.de.slice(0, COMPOUND_PREFIX_MIN), t.de);
      if (t.de.length >= COMPOUND_SUFFIX_MIN) push(this.deTails, t.de.slice(-COMPOUND_SUFFIX_MIN), t.de);
    }
    this.norms = [...norms];
  }

  private readonly memo = { de: new Map<string, boolean>(), en: new Map<string, boolean>() };

  /** Whether some token matches the word pattern (same rules as wordMatches); remembered per pattern. */
  hasWord(p: WordPattern, lang: StemLanguage): boolean {
    const memo = this.memo[lang];
    let hit = memo.get(p.key);
    if (hit === undefined) {
      hit = this.lookup(p, lang);
      memo.set(p.key, hit);
    }
    return hit;
  }

  private lookup(p: WordPattern, lang: StemLanguage): boolean {
    switch (p.mode) {
      case 'prefix':
        return this.norms.some((n) => n.startsWith(p.de));
      case 'suffix':
        return this.norms.some((n) => n.endsWith(p.de));
      case 'contains':
        return this.norms.some((n) => n.includes(p.de));
      default: {
        if (lang === 'en') return this.en.has(p.en);
        if (this.de.has(p.de)) return true;
        if (p.de.length >= COMPOUND_PREFIX_MIN) {
          const heads = this.deHeads.get(p.de.slice(0, COMPOUND_PREFIX_MIN));
          if (heads?.some((s) => s.length > p.de.length + 2 && s.startsWith(p.de))) return true;
        }
        if (p.de.length >= COMPOUND_SUFFIX_MIN) {
          const tails = this.deTails.get(p.de.slice(-COMPOUND_SUFFIX_MIN));
          if (tails?.some((s) => s.length > p.de.length + 2 && s.endsWith(p.de))) return true;
        }
        return false;
      }
    }
  }

  /** Whether the term (a word or a phrase) occurs: every word must be present before the sequence is scanned. */
  has(pattern: TermPattern, lang: StemLanguage): boolean {
    if (pattern.length === 0) return false;
    if (!pattern.every((w) => this.hasWord(w, lang))) return false;
    return pattern.length === 1 || findTerm(pattern, this.tokens, lang).length > 0;
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
