import { createRequire } from 'node:module';

interface Stemmer {
  stem(word: string): string;
}
// snowball-stemmers is CommonJS without type declarations.
const snowball = createRequire(import.meta.url)('snowball-stemmers') as { newStemmer(name: string): Stemmer };

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

const stemmers = {
  de: snowball.newStemmer('german'),
  en: snowball.newStemmer('english'),
};

// Same word, two spellings: without this "data centre" and "data center" never meet.
const SPELLING: Record<string, string> = {
  centre: 'center',
  centres: 'centers',
  datacentre: 'datacenter',
  datacentres: 'datacenters',
  programme: 'program',
  programmes: 'programs',
};

/** Lower-case and fold German umlauts and ß, so "Souveränität" and "Souveranitat" meet. */
export function fold(text: string): string {
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
    let norm = fold(raw);
    norm = SPELLING[norm] ?? norm;
    if (/^\d/.test(norm)) norm = norm.replace(',', '.');
    out.push({ raw, norm, de: stem(norm, 'de'), en: stem(norm, 'en') });
  }
  return out;
}

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
  const norm = SPELLING[bare] ?? bare;
  if (starts || ends) {
    const mode = starts && ends ? 'contains' : starts ? 'suffix' : 'prefix';
    return { mode, de: norm, en: norm };
  }
  return { mode: 'stem', de: stem(norm, 'de'), en: stem(norm, 'en') };
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
