import { createHash } from 'node:crypto';
import type { TopicConfig } from '../config/schema.ts';
import { type LearnedModel, modelReady, predict } from './model.ts';
import { compileTerm, occursInOrder, type StemLanguage, stemLanguage, tokenize, WordMatcher } from './text.ts';

export type Field = 'title' | 'summary' | 'content';
const FIELDS: Field[] = ['title', 'summary', 'content'];
const DEFAULT_FIELD_WEIGHTS: Record<Field, number> = { title: 1.5, summary: 1, content: 0.5 };
/**
 * How much of a body scoring reads: the opening carries the subject; reading further costs time at ingest (scoring
 * is a large share of its CPU) and adds little. Callers that ship bodies to the scorer cut them to this too.
 */
export const SCORED_BODY_CHARS = 1200;

interface CompiledTerm {
  text: string;
  weight: number;
  /** `any`, `de` or `en`: which items the term applies to. */
  language: string;
  /** The term's words (one, or a phrase's in order) as numbered by the topic's WordMatcher. */
  words: number[];
}

interface CompiledContext {
  terms: CompiledTerm[];
  with: CompiledTerm[];
  without: CompiledTerm[];
  weight: number;
  language: string;
  label: string;
}

export interface CompiledTopic {
  slug: string;
  threshold: number;
  strongWeight: number;
  learnedWeight: number;
  languages: string[];
  fieldWeights: Record<Field, number>;
  terms: CompiledTerm[];
  context: CompiledContext[];
  required: CompiledTerm[];
  excluded: CompiledTerm[];
  sources: string[];
  categories: string[];
  hash: string;
  matcher: WordMatcher;
}

export interface ScoreInput {
  title: string;
  summary: string;
  contentText?: string;
  language?: string | null;
  sourceUrl?: string;
  category?: string;
}

export interface TermEvidence {
  term: string;
  weight: number;
  fields: Field[];
  contribution: number;
}

export interface Evidence {
  /** Sum of term and context contributions, before the model. */
  rulesScore: number;
  threshold: number;
  terms: TermEvidence[];
  context: { rule: string; matched: string; contribution: number }[];
  required: { terms: string[]; hits: string[]; ok: boolean };
  excluded: { hits: string[]; overriddenBy: string | null };
  filters: { language: boolean; source: boolean; category: boolean };
  model: { probability: number; weight: number; contribution: number } | null;
}

export interface ScoreResult {
  score: number;
  included: boolean;
  evidence: Evidence;
}

/** Terms of context rules and of required/excluded lists: unweighted, for any language. */
function compileTerms(matcher: WordMatcher, list: string[]): CompiledTerm[] {
  return list.map((text) => compileOne(matcher, text, 1, 'any'));
}

function compileOne(matcher: WordMatcher, text: string, weight: number, language: string): CompiledTerm {
  return { text, weight, language, words: compileTerm(text).map((w) => matcher.add(w)) };
}

export function compileTopic(topic: TopicConfig): CompiledTopic {
  const r = topic.rules;
  const matcher = new WordMatcher();
  const terms: CompiledTerm[] = [];
  for (const [language, weighted] of Object.entries(r.terms)) {
    for (const [text, weight] of Object.entries(weighted)) terms.push(compileOne(matcher, text, weight, language));
  }
  const context = (r.context ?? []).map((c) => ({
    terms: compileTerms(matcher, c.terms),
    with: compileTerms(matcher, c.with ?? []),
    without: compileTerms(matcher, c.without ?? []),
    weight: c.weight,
    language: c.language ?? 'any',
    label:
      c.note ??
      `${c.terms.join('|')}${c.with ? ` with ${c.with.join('|')}` : ''}${c.without ? ` without ${c.without.join('|')}` : ''}`,
  }));
  return {
    slug: topic.slug,
    threshold: r.threshold,
    strongWeight: r.strongWeight ?? 3,
    learnedWeight: topic.learnedWeight,
    languages: topic.languages,
    fieldWeights: { ...DEFAULT_FIELD_WEIGHTS, ...r.fieldWeights },
    terms,
    context,
    required: compileTerms(matcher, r.required),
    excluded: compileTerms(matcher, r.excluded),
    sources: r.sources,
    categories: r.categories.map((c) => c.toLowerCase()),
    hash: rulesHash(topic),
    matcher,
  };
}

/** Stable hash over everything that changes scores: a new hash means the topic must be re-scored. */
export function rulesHash(topic: TopicConfig): string {
  const relevant = { rules: topic.rules, languages: topic.languages, learnedWeight: topic.learnedWeight };
  return createHash('sha256').update(stableStringify(relevant)).digest('hex').slice(0, 16);
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** An item's fields as tokens, and per language which fields hold each of the topic's words (bit per field). */
interface ItemView {
  /** Per language and field, the topic words each token matches, in token order (for phrases). */
  wordsAt: Partial<Record<StemLanguage, Record<Field, (readonly number[])[]>>>;
  fieldsOfWord: Partial<Record<StemLanguage, Uint8Array>>;
}

const FIELD_BIT: Record<Field, number> = { title: 1, summary: 2, content: 4 };
/** Field lists by bit mask, shared (evidence never mutates them). */
const FIELDS_BY_MASK: Field[][] = Array.from({ length: 8 }, (_, mask) => FIELDS.filter((f) => mask & FIELD_BIT[f]));

/** The item's languages to match in: its own, or both when it is unknown. */
function matchLanguages(language: string | null | undefined): StemLanguage[] {
  const l = stemLanguage(language);
  return l ? [l] : ['de', 'en'];
}

function appliesTo(termLanguage: string, langs: StemLanguage[]): boolean {
  return termLanguage === 'any' || langs.includes(termLanguage as StemLanguage);
}

function viewItem(topic: CompiledTopic, fields: Record<Field, string>, langs: StemLanguage[]): ItemView {
  // Each field is tokenised once, whatever the number of languages.
  const tokens = [tokenize(fields.title), tokenize(fields.summary), tokenize(fields.content)];
  const matcher = topic.matcher;
  const view: ItemView = { wordsAt: {}, fieldsOfWord: {} };
  for (const l of langs) {
    const mask = new Uint8Array(matcher.size);
    const wordsAt = {} as Record<Field, (readonly number[])[]>;
    for (let k = 0; k < FIELDS.length; k++) {
      const bit = 1 << k;
      const list = tokens[k]!;
      const at: (readonly number[])[] = new Array(list.length);
      for (let i = 0; i < list.length; i++) {
        const ids = matcher.matches(list[i]!, l);
        at[i] = ids;
        for (let j = 0; j < ids.length; j++) mask[ids[j]!]! |= bit;
      }
      wordsAt[FIELDS[k]!] = at;
    }
    view.fieldsOfWord[l] = mask;
    view.wordsAt[l] = wordsAt;
  }
  return view;
}

/** Fields in which the term occurs (in any of the item's candidate languages): all its words, phrases in order. */
function fieldsWith(term: CompiledTerm, view: ItemView, langs: StemLanguage[]): Field[] {
  const words = term.words;
  if (words.length === 0) return NONE;
  let found = 0;
  for (const l of langs) {
    const fieldsOfWord = view.fieldsOfWord[l]!;
    let mask = 7;
    for (let i = 0; i < words.length && mask !== 0; i++) mask &= fieldsOfWord[words[i]!]!;
    if (mask !== 0 && words.length > 1) {
      for (const f of FIELDS) {
        if (mask & FIELD_BIT[f] && !occursInOrder(words, view.wordsAt[l]![f])) mask &= ~FIELD_BIT[f];
      }
    }
    found |= mask;
  }
  return FIELDS_BY_MASK[found]!;
}

const NONE: Field[] = [];

function anyHit(terms: CompiledTerm[], view: ItemView, langs: StemLanguage[]): CompiledTerm | undefined {
  return terms.find((t) => fieldsWith(t, view, langs).length > 0);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export function scoreItem(topic: CompiledTopic, item: ScoreInput, model?: LearnedModel | null): ScoreResult {
  const langs = matchLanguages(item.language);
  const view = viewItem(
    topic,
    { title: item.title, summary: item.summary, content: (item.contentText ?? '').slice(0, SCORED_BODY_CHARS) },
    langs,
  );
  const fw = topic.fieldWeights;

  let rulesScore = 0;
  const terms: TermEvidence[] = [];
  let strongHit: string | null = null;
  for (const term of topic.terms) {
    if (!appliesTo(term.language, langs)) continue;
    const fields = fieldsWith(term, view, langs);
    if (fields.length === 0) continue;
    // A term seen in headline and lead is more telling than one seen once; each field counts once.
    const contribution = term.weight * fields.reduce((s, f) => s + fw[f], 0);
    rulesScore += contribution;
    terms.push({ term: term.text, weight: term.weight, fields, contribution: round(contribution) });
    if (term.weight >= topic.strongWeight && !strongHit) strongHit = term.text;
  }

  const context: Evidence['context'] = [];
  for (const rule of topic.context) {
    if (!appliesTo(rule.language, langs)) continue;
    let best: { term: string; factor: number } | null = null;
    for (const t of rule.terms) {
      const fields = fieldsWith(t, view, langs);
      const factor = Math.max(0, ...fields.map((f) => fw[f]));
      if (fields.length > 0 && (!best || factor > best.factor)) best = { term: t.text, factor };
    }
    if (!best) continue;
    if (rule.with.length > 0 && !anyHit(rule.with, view, langs)) continue;
    if (rule.without.length > 0 && anyHit(rule.without, view, langs)) continue;
    const contribution = rule.weight * best.factor;
    rulesScore += contribution;
    context.push({ rule: rule.label, matched: best.term, contribution: round(contribution) });
  }

  const requiredHits = topic.required.filter((t) => fieldsWith(t, view, langs).length > 0).map((t) => t.text);
  const requiredOk = topic.required.length === 0 || requiredHits.length > 0;
  const excludedHits = topic.excluded.filter((t) => fieldsWith(t, view, langs).length > 0).map((t) => t.text);
  const excludedBlocks = excludedHits.length > 0 && !strongHit;

  const itemLang = stemLanguage(item.language) ?? (item.language ?? '').slice(0, 2).toLowerCase();
  const languageOk = !itemLang || topic.languages.some((l) => l.slice(0, 2).toLowerCase() === itemLang);
  const sourceOk = topic.sources.length === 0 || topic.sources.some((s) => (item.sourceUrl ?? '').includes(s));
  const categoryOk = topic.categories.length === 0 || topic.categories.includes((item.category ?? '').toLowerCase());

  let modelEvidence: Evidence['model'] = null;
  let score = rulesScore;
  if (model && topic.learnedWeight > 0 && modelReady(model)) {
    const probability = predict(model, item);
    // Maps p ∈ [0,1] onto ±2·threshold, scaled by the blend weight: a confident model can tip an item either way.
    const contribution = topic.learnedWeight * 2 * Math.max(topic.threshold, 1) * (2 * probability - 1);
    score += contribution;
    modelEvidence = { probability: round(probability), weight: topic.learnedWeight, contribution: round(contribution) };
  }

  const included = score >= topic.threshold && requiredOk && !excludedBlocks && languageOk && sourceOk && categoryOk;
  return {
    score: round(score),
    included,
    evidence: {
      rulesScore: round(rulesScore),
      threshold: topic.threshold,
      terms: terms.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution)),
      context,
      required: { terms: topic.required.map((t) => t.text), hits: requiredHits, ok: requiredOk },
      excluded: { hits: excludedHits, overriddenBy: excludedHits.length > 0 ? strongHit : null },
      filters: { language: languageOk, source: sourceOk, category: categoryOk },
      model: modelEvidence,
    },
  };
}
