import type { TopicConfig } from '../config/schema.ts';
import type { LearnedModel } from './model.ts';
import { compileTopic, scoreItem } from './score.ts';

/** One line of a labels file (the format of the shared curation corpus). */
export interface LabelledItem {
  id: string;
  lang: string;
  title: string;
  summary: string;
  /** The topic's slug (or `cloud` for the bundled set), `not`, or `borderline`. */
  label: string;
  source?: string;
  notes?: string;
}

export interface Metrics {
  precision: number;
  recall: number;
  f1: number;
  n: number;
}

export interface EvalReport {
  topic: string;
  precision: number;
  recall: number;
  f1: number;
  byLanguage: Record<string, Metrics>;
  counts: { total: number; positives: number; negatives: number; tp: number; fp: number; fn: number; tn: number };
  misclassified: { id: string; lang: string; title: string; label: string; score: number; predicted: boolean }[];
  /** Borderline items are scored and reported, never counted in the metrics. */
  borderline: { n: number; included: number };
}

export interface EvalOptions {
  /** Label that counts as positive; defaults to the topic's slug. */
  positiveLabel?: string;
  model?: LearnedModel | null;
  /** Evaluate only these ids (cross-validation folds). */
  ids?: Set<string>;
}

export function parseLabels(jsonl: string): LabelledItem[] {
  return jsonl
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l, i) => {
      const o = JSON.parse(l) as LabelledItem;
      if (typeof o.title !== 'string' || typeof o.label !== 'string')
        throw new Error(`labels line ${i + 1}: no title/label`);
      return { ...o, id: String(o.id ?? i + 1), lang: o.lang ?? '', summary: o.summary ?? '' };
    });
}

export function metrics(tp: number, fp: number, fn: number, n: number): Metrics {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, n };
}

/** Scores every labelled item with the topic's rules (and model, when given) and compares. */
export function evaluatePredictions(
  topicSlug: string,
  items: LabelledItem[],
  predictOne: (item: LabelledItem) => { score: number; included: boolean },
  positiveLabel = topicSlug,
): EvalReport {
  const byLang = new Map<string, { tp: number; fp: number; fn: number; n: number }>();
  const counts = { total: 0, positives: 0, negatives: 0, tp: 0, fp: 0, fn: 0, tn: 0 };
  const misclassified: EvalReport['misclassified'] = [];
  const borderline = { n: 0, included: 0 };
  for (const item of items) {
    const { score, included } = predictOne(item);
    if (item.label === 'borderline') {
      borderline.n++;
      if (included) borderline.included++;
      continue;
    }
    const positive = item.label === positiveLabel;
    counts.total++;
    if (positive) counts.positives++;
    else counts.negatives++;
    const lang = byLang.get(item.lang) ?? { tp: 0, fp: 0, fn: 0, n: 0 };
    lang.n++;
    if (positive && included) {
      counts.tp++;
      lang.tp++;
    } else if (!positive && included) {
      counts.fp++;
      lang.fp++;
    } else if (positive) {
      counts.fn++;
      lang.fn++;
    } else counts.tn++;
    byLang.set(item.lang, lang);
    if (positive !== included) {
      misclassified.push({
        id: item.id,
        lang: item.lang,
        title: item.title,
        label: item.label,
        score,
        predicted: included,
      });
    }
  }
  const all = metrics(counts.tp, counts.fp, counts.fn, counts.total);
  const byLanguage: Record<string, Metrics> = {};
  for (const [lang, c] of [...byLang.entries()].sort()) byLanguage[lang] = metrics(c.tp, c.fp, c.fn, c.n);
  return {
    topic: topicSlug,
    precision: all.precision,
    recall: all.recall,
    f1: all.f1,
    byLanguage,
    counts,
    misclassified,
    borderline,
  };
}

export function evaluateTopic(topic: TopicConfig, labelsJsonl: string, opts: EvalOptions = {}): EvalReport {
  const compiled = compileTopic(topic);
  const items = parseLabels(labelsJsonl).filter((i) => !opts.ids || opts.ids.has(i.id));
  return evaluatePredictions(
    topic.slug,
    items,
    (i) => scoreItem(compiled, { title: i.title, summary: i.summary, language: i.lang }, opts.model),
    opts.positiveLabel ?? topic.slug,
  );
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);

export function formatEvalReport(report: EvalReport): string {
  const lines = [`topic ${report.topic}`, '            precision  recall      f1     n'];
  const row = (name: string, m: Metrics) =>
    `${name.padEnd(10)} ${pct(m.precision)}  ${pct(m.recall)} ${pct(m.f1)} ${String(m.n).padStart(5)}`;
  lines.push(row('all', { ...report, n: report.counts.total }));
  for (const [lang, m] of Object.entries(report.byLanguage)) lines.push(row(lang, m));
  const c = report.counts;
  lines.push(
    `tp ${c.tp}  fp ${c.fp}  fn ${c.fn}  tn ${c.tn}; borderline ${report.borderline.included}/${report.borderline.n} included`,
  );
  if (report.misclassified.length > 0) {
    lines.push('', 'misclassified:');
    for (const m of report.misclassified) {
      const kind = m.predicted ? 'FP' : 'FN';
      lines.push(`  ${kind} ${m.lang} ${m.score.toFixed(2).padStart(6)}  ${m.title.slice(0, 90)}  (${m.id})`);
    }
  }
  return lines.join('\n');
}
