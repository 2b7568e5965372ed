import { isStopword, type StemLanguage, stemLanguage, tokenize } from './text.ts';

/**
 * A binarised multinomial naive Bayes over stemmed words and bigrams, learned from editors' decisions.
 * Plain JSON: store it as-is and hand it back to `predict`.
 */
export interface LearnedModel {
  kind: 'naive-bayes';
  version: 1;
  /** Documents per class: [positive, negative]. */
  docs: [number, number];
  /** Feature occurrences per class (each feature counted once per document). */
  totals: [number, number];
  features: Record<string, [number, number]>;
}

export interface TrainingExample {
  title: string;
  summary: string;
  language?: string | null;
  label: boolean;
}

/** Fewer labels than this per class: the model stays out and the rules alone decide. */
export const MIN_LABELS_PER_CLASS = 10;

/** Features of one item: stems (title ones marked separately, since headlines carry the topic) and bigrams. */
export function features(item: { title: string; summary: string; language?: string | null }): Set<string> {
  const lang = stemLanguage(item.language);
  const out = new Set<string>();
  const add = (text: string, prefix: string) => {
    const stems = tokenize(text)
      .filter((t) => t.norm.length > 1 && !isStopword(t.norm) && !/^\d/.test(t.norm))
      .map((t) => stemFor(t, lang));
    for (let i = 0; i < stems.length; i++) {
      out.add(prefix + stems[i]);
      if (i > 0) out.add(`${prefix}${stems[i - 1]}_${stems[i]}`);
    }
  };
  add(item.title, 't:');
  add(`${item.title} ${item.summary}`, '');
  return out;
}

function stemFor(t: { de: string; en: string; norm: string }, lang: StemLanguage | null): string {
  return lang === 'de' ? t.de : lang === 'en' ? t.en : t.norm;
}

export function trainModel(examples: TrainingExample[]): LearnedModel {
  const model: LearnedModel = { kind: 'naive-bayes', version: 1, docs: [0, 0], totals: [0, 0], features: {} };
  for (const ex of examples) {
    const c = ex.label ? 0 : 1;
    model.docs[c]++;
    for (const f of features(ex)) {
      const counts = model.features[f] ?? [0, 0];
      counts[c]++;
      model.features[f] = counts;
      model.totals[c]++;
    }
  }
  return model;
}

/** True when both classes have enough labels for the model to take part in scoring. */
export function modelReady(model: LearnedModel | null | undefined, minPerClass = MIN_LABELS_PER_CLASS): boolean {
  return !!model && model.docs[0] >= minPerClass && model.docs[1] >= minPerClass;
}

/** Probability that the item belongs to the topic. */
export function predict(
  model: LearnedModel,
  item: { title: string; summary: string; language?: string | null },
): number {
  const [pos, neg] = model.docs;
  if (pos === 0 || neg === 0) return pos > 0 ? 1 : neg > 0 ? 0 : 0.5;
  const vocab = Object.keys(model.features).length + 1;
  let logOdds = Math.log((pos + 1) / (neg + 1));
  for (const f of features(item)) {
    const counts = model.features[f];
    // Unknown features say nothing; known ones compare Laplace-smoothed likelihoods.
    if (!counts) continue;
    logOdds +=
      Math.log((counts[0] + 1) / (model.totals[0] + vocab)) - Math.log((counts[1] + 1) / (model.totals[1] + vocab));
  }
  // Naive Bayes is overconfident on correlated features; a softer slope keeps the blend with the rules sane.
  return 1 / (1 + Math.exp(-logOdds / 2));
}

/** Parses a stored model, returning null for anything that is not one. */
export function parseModel(json: string | null | undefined): LearnedModel | null {
  if (!json) return null;
  try {
    const m = JSON.parse(json) as LearnedModel;
    return m && m.kind === 'naive-bayes' && m.version === 1 && Array.isArray(m.docs) ? m : null;
  } catch {
    return null;
  }
}
