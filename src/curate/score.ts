import { createHash } from 'node:crypto';
import type { TopicConfig } from '../config/schema.ts';
import { type LearnedModel, modelReady, predict } from './model.ts';
import { compileTerm, type StemLanguage, stemLanguage, type TermPattern, TokenIndex, tokenize } from './text.ts';

export type Field = 'title' | 'summary' | 'content';
const FIELDS: Field[] = ['title', 'summary', 'content'];
const DEFAULT_FIELD_WEIGHTS: Record<Field, number> = { title: 1.5, summary: 1, content: 0.5 };
/** Long bodies add little topic signal beyond their opening and cost time. */
// The body's opening carries its subject; reading further costs time at ingest and adds little.
const CONTENT_CHARS = 1200;

interface CompiledTerm {
  text: string;
  weight: number;
  /** `any`, `de` or `en`: which items the term applies to. */
  language: string;
  pattern: TermPattern;
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

function compileTerms(list: string[], language: string, weight = 1): CompiledTerm[] {
  return list.map((text) => ({ text, weight, language, pattern: compileTerm(text) }));
}

export function compileTopic(topic: TopicConfig): CompiledTopic {
  const r = topic.rules;
  const terms: CompiledTerm[] = [];
  for (const [language, weighted] of Object.entries(r.terms)) {
    for (const [text, weight] of Object.entries(weighted)) {
      terms.push({ text, weight, language, pattern: compileTerm(text) });
    }
  }
  const context = (r.context ?? []).map((c) => ({
    terms: compileTerms(c.terms, 'any'),
    with: compileTerms(c.with ?? [], 'any'),
    without: compileTerms(c.without ?? [], 'any'),
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
    required: compileTerms(r.required, 'any'),
    excluded: compileTerms(r.excluded, 'any'),
    sources: r.sources,
    categories: r.categories.map((c) => c.toLowerCase()),
    hash: rulesHash(topic),
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

type FieldTokens = Record<Field, TokenIndex>;

/** The item's languages to match in: its own, or both when it is unknown. */
function matchLanguages(language: string | null | undefined): StemLanguage[] {
  const l = stemLanguage(language);
  return l ? [l] : ['de', 'en'];
}

function appliesTo(termLanguage: string, langs: StemLanguage[]): boolean {
  return termLanguage === 'any' || langs.includes(termLanguage as StemLanguage);
}

/** Fields in which the term occurs (in any of the item's candidate languages). */
function fieldsWith(term: CompiledTerm, tokens: FieldTokens, langs: StemLanguage[]): Field[] {
  let found: Field[] | undefined;
  for (const f of FIELDS) {
    for (const l of langs) {
      if (tokens[f].has(term.pattern, l)) {
        if (found) found.push(f);
        else found = [f];
        break;
      }
    }
  }
  return found ?? NONE;
}

const NONE: Field[] = [];

function anyHit(terms: CompiledTerm[], tokens: FieldTokens, langs: StemLanguage[]): CompiledTerm | undefined {
  return terms.find((t) => fieldsWith(t, tokens, langs).length > 0);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export function scoreItem(topic: CompiledTopic, item: ScoreInput, model?: LearnedModel | null): ScoreResult {
  const langs = matchLanguages(item.language);
  const tokens: FieldTokens = {
    title: new TokenIndex(tokenize(item.title)),
    summary: new TokenIndex(tokenize(item.summary)),
    content: new TokenIndex(tokenize((item.contentText ?? '').slice(0, CONTENT_CHARS))),
  };
  const fw = topic.fieldWeights;

  let rulesScore = 0;
  const terms: TermEvidence[] = [];
  let strongHit: string | null = null;
  for (const term of topic.terms) {
    if (!appliesTo(term.language, langs)) continue;
    const fields = fieldsWith(term, tokens, langs);
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
      const fields = fieldsWith(t, tokens, langs);
      const factor = Math.max(0, ...fields.map((f) => fw[f]));
      if (fields.length > 0 && (!best || factor > best.factor)) best = { term: t.text, factor };
    }
    if (!best) continue;
    if (rule.with.length > 0 && !anyHit(rule.with, tokens, langs)) continue;
    if (rule.without.length > 0 && anyHit(rule.without, tokens, langs)) continue;
    const contribution = rule.weight * best.factor;
    rulesScore += contribution;
    context.push({ rule: rule.label, matched: best.term, contribution: round(contribution) });
  }

  const requiredHits = topic.required.filter((t) => fieldsWith(t, tokens, langs).length > 0).map((t) => t.text);
  const requiredOk = topic.required.length === 0 || requiredHits.length > 0;
  const excludedHits = topic.excluded.filter((t) => fieldsWith(t, tokens, langs).length > 0).map((t) => t.text);
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
