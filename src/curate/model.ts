import { isStopword, type StemLanguage, stemLanguage, tokenize } from './text.ts';

/**
 * L2-regularised logistic regression over stemmed words and bigrams (binary features), learned from editors'
 * decisions. Chosen over naive Bayes because with a few dozen labels NB lets every word seen once in a positive
 * item push towards "positive"; regularised weights stay near zero unless a feature keeps agreeing with labels.
 * Plain JSON: store it as-is and hand it back to `predict`.
 */
export interface LearnedModel {
  kind: 'logistic';
  version: 1;
  /** Training examples per class: [positive, negative]. */
  docs: [number, number];
  bias: number;
  weights: Record<string, number>;
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

const EPOCHS = 300;
const LEARNING_RATE = 0.5;
const L2 = 0.02;
/** Features seen in fewer training items than this are noise at this data size. */
const MIN_FEATURE_DOCS = 2;

export function trainModel(examples: TrainingExample[]): LearnedModel {
  const docs: [number, number] = [0, 0];
  const rows = examples.map((ex) => {
    docs[ex.label ? 0 : 1]++;
    return { fs: [...features(ex)], y: ex.label ? 1 : 0 };
  });
  const df = new Map<string, number>();
  for (const r of rows) for (const f of r.fs) df.set(f, (df.get(f) ?? 0) + 1);
  const index = new Map<string, number>();
  for (const [f, n] of [...df.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (n >= MIN_FEATURE_DOCS) index.set(f, index.size);
  }
  const x = rows.map((r) => r.fs.map((f) => index.get(f)).filter((i): i is number => i !== undefined));
  // Balance the classes so a topic with few positives is not learned as "always no".
  const classWeight = [
    docs[1] > 0 ? rows.length / (2 * Math.max(docs[1], 1)) : 1,
    rows.length / (2 * Math.max(docs[0], 1)),
  ];
  const w = new Float64Array(index.size);
  let bias = 0;
  const n = Math.max(rows.length, 1);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const grad = new Float64Array(index.size);
    let gBias = 0;
    rows.forEach((r, k) => {
      let z = bias;
      for (const i of x[k]!) z += w[i]!;
      const err = (1 / (1 + Math.exp(-z)) - r.y) * classWeight[r.y]!;
      gBias += err;
      for (const i of x[k]!) grad[i]! += err;
    });
    for (let i = 0; i < w.length; i++) w[i]! -= LEARNING_RATE * (grad[i]! / n + L2 * w[i]!);
    bias -= (LEARNING_RATE * gBias) / n;
  }
  const weights: Record<string, number> = {};
  for (const [f, i] of index) if (Math.abs(w[i]!) > 1e-4) weights[f] = Math.round(w[i]! * 1e4) / 1e4;
  return { kind: 'logistic', version: 1, docs, bias: Math.round(bias * 1e4) / 1e4, weights };
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
  let z = model.bias;
  for (const f of features(item)) z += model.weights[f] ?? 0;
  return 1 / (1 + Math.exp(-z));
}

/** Parses a stored model, returning null for anything that is not one. */
export function parseModel(json: string | null | undefined): LearnedModel | null {
  if (!json) return null;
  try {
    const m = JSON.parse(json) as LearnedModel;
    return m && m.kind === 'logistic' && m.version === 1 && Array.isArray(m.docs) && typeof m.weights === 'object'
      ? m
      : null;
  } catch {
    return null;
  }
}
