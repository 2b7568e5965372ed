import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluatePredictions, parseLabels } from '../../src/curate/eval.ts';
import { modelReady, parseModel, predict, trainModel } from '../../src/curate/model.ts';
import { devLabelsPath, hasDevLabels } from './helpers.ts';

const examples = [
  ...[
    'AWS opens region in Milan',
    'Azure outage hits Europe',
    'Google Cloud revenue grows',
    'Neues Rechenzentrum für die Cloud',
    'Cloud-Anbieter senkt Preise',
    'Oracle cloud contract signed',
    'Hetzner baut Rechenzentrum',
    'Cloud market share report',
    'AWS and Azure price cuts',
    'Sovereign cloud for Europe',
    'Cloud-Markt wächst weiter',
    'Data center capacity expands',
  ].map((title) => ({ title, summary: '', label: true })),
  ...[
    'Amazon Prime price rises',
    'Weather: clouds and rain',
    'New iPhone released',
    'Kindle review',
    'Fußball: Bayern gewinnt',
    'iCloud storage tips',
    'Chrome patches zero-day',
    'Wetter: Wolken am Sonntag',
    'Cloud Rap album review',
    'Amazon drone delivery',
    'Telekom Glasfaser Ausbau',
    'Windows update breaks printers',
  ].map((title) => ({ title, summary: '', label: false })),
];

describe('learned model', () => {
  const model = trainModel(examples);

  it('learns from labels and predicts probabilities', () => {
    expect(model.docs).toEqual([12, 12]);
    expect(modelReady(model)).toBe(true);
    expect(predict(model, { title: 'AWS cloud region opens', summary: '' })).toBeGreaterThan(0.6);
    expect(predict(model, { title: 'Amazon Prime and Kindle deals', summary: '' })).toBeLessThan(0.4);
  });

  it('round-trips through JSON', () => {
    const again = parseModel(JSON.stringify(model));
    expect(again).toEqual(model);
    expect(predict(again!, { title: 'Cloud-Markt', summary: '' })).toBe(
      predict(model, { title: 'Cloud-Markt', summary: '' }),
    );
    expect(parseModel('{"kind":"other"}')).toBeNull();
    expect(parseModel('not json')).toBeNull();
  });

  it('is not ready with few labels per class', () => {
    expect(modelReady(trainModel(examples.slice(0, 15)))).toBe(false);
  });

  it('is deterministic', () => {
    expect(trainModel(examples)).toEqual(model);
  });
});

describe.skipIf(!hasDevLabels)(
  'learned model, cross-validated on the shared set (skips when the corpus is absent)',
  () => {
    it('trained on one half predicts the other half better than chance', () => {
      const items = parseLabels(readFileSync(devLabelsPath, 'utf8')).filter((i) => i.label !== 'borderline');
      const fold = (i: (typeof items)[number]) =>
        createHash('sha1')
          .update(/event=([\w-]+)/.exec(i.notes ?? '')?.[1] ?? i.id)
          .digest()[0]! % 2;
      for (const f of [0, 1]) {
        const train = items.filter((i) => fold(i) !== f);
        const m = trainModel(
          train.map((i) => ({ title: i.title, summary: i.summary, language: i.lang, label: i.label === 'cloud' })),
        );
        const report = evaluatePredictions(
          'cloud',
          items.filter((i) => fold(i) === f),
          (i) => {
            const p = predict(m, { title: i.title, summary: i.summary, language: i.lang });
            return { score: p, included: p >= 0.5 };
          },
        );
        console.log(
          `model fold ${f}: P ${report.precision.toFixed(3)} R ${report.recall.toFixed(3)} F1 ${report.f1.toFixed(3)}`,
        );
        expect(report.f1).toBeGreaterThan(0.75);
      }
    });
  },
);
