import { describe, expect, it } from 'vitest';
import { topicSchema } from '../../src/config/schema.ts';
import { trainModel } from '../../src/curate/model.ts';
import { compileTopic, rulesHash, scoreItem } from '../../src/curate/score.ts';
import { bundledCloudTopic } from './helpers.ts';

const cloud = compileTopic(bundledCloudTopic());
const score = (title: string, summary: string, language = 'en') => scoreItem(cloud, { title, summary, language });

describe('cloud topic scoring', () => {
  it.each([
    [
      'en',
      'iCloud+ now includes more storage',
      'Apple doubles the iCloud storage of its cheapest plan for iPhone owners.',
    ],
    ['de', 'Amazon Prime wird teurer', 'Das Prime-Abo des Online-Händlers kostet künftig 89,90 Euro im Jahr.'],
    ['en', 'Amazon Prime Day returns in July', 'The retailer promises deals on Echo speakers and Kindle readers.'],
    [
      'de',
      'Dichte Wolken und Regen am Wochenende',
      'Der Wetterdienst erwartet eine Kaltfront, Wolken bleiben bis Sonntag.',
    ],
    ['en', 'Clouds may cool the planet less than thought', 'Climate scientists studied low clouds over the Pacific.'],
    ['de', 'Cloud Rap: Verhallte Beats erobern die Charts', 'Das Genre Cloud Rap wird immer populärer.'],
    ['en', 'Cloud Nothings release a new album', 'The band returns with ten loud songs.'],
  ])('leaves out hard negative (%s) %s', (language, title, summary) => {
    expect(score(title, summary, language).included).toBe(false);
  });

  it.each([
    [
      'de',
      'Microsoft eröffnet zwei neue Rechenzentren in Berlin',
      'Der Konzern baut seine Cloud-Region in Deutschland aus.',
    ],
    [
      'en',
      'AWS outage in us-east-1 disrupts thousands of sites',
      'Amazon Web Services said its Northern Virginia region had elevated error rates.',
    ],
    [
      'en',
      'Cloud infrastructure spending reaches record',
      'Analysts say AWS, Azure and Google Cloud together hold two thirds of the market.',
    ],
    [
      'de',
      'Amazon investiert Milliarden in Rechenzentren in Spanien',
      'Die Cloud-Tochter AWS baut drei neue Standorte.',
    ],
  ])('includes cloud news (%s) %s', (language, title, summary) => {
    expect(score(title, summary, language).included).toBe(true);
  });

  it('tells Amazon the retailer from Amazon the cloud provider by context', () => {
    expect(score('Amazon baut neues Logistikzentrum', 'Der Versandhändler schafft 1000 Stellen.', 'de').included).toBe(
      false,
    );
    expect(score('Amazon baut neues Rechenzentrum', 'Die Cloud-Tochter AWS schafft 1000 Stellen.', 'de').included).toBe(
      true,
    );
  });

  it('explains itself: terms with fields and weights, context rules, model', () => {
    const r = score('AWS opens new cloud region in Spain', 'Amazon Web Services invests 15 billion in data centers.');
    const aws = r.evidence.terms.find((t) => t.term === 'aws');
    expect(aws).toMatchObject({ weight: 3, fields: ['title'], contribution: 4.5 });
    expect(r.evidence.terms.find((t) => t.term === 'data center')?.fields).toEqual(['summary']);
    expect(r.evidence.context.some((c) => c.matched === 'amazon')).toBe(true);
    expect(r.evidence.rulesScore).toBe(r.score);
    expect(r.evidence.model).toBeNull();
    expect(r.evidence.threshold).toBe(3);
    expect(JSON.parse(JSON.stringify(r.evidence))).toEqual(r.evidence);
  });

  it('weighs a title match more than a body match', () => {
    const inTitle = score('Hetzner news', 'A short note.');
    const inBody = scoreItem(cloud, {
      title: 'News',
      summary: 'A short note.',
      contentText: 'Hetzner',
      language: 'en',
    });
    expect(inTitle.score).toBeGreaterThan(inBody.score);
    expect(inBody.evidence.terms[0]?.fields).toEqual(['content']);
  });
});

describe('rules: required, excluded, filters, hash', () => {
  const topic = topicSchema.parse({
    slug: 't',
    title: 'T',
    rules: {
      terms: { any: { kubernetes: 2, 'service mesh': 3 }, de: { rechenzentrum: 1 } },
      required: ['kubernetes'],
      excluded: ['job ad'],
      categories: ['Tech'],
      threshold: 2,
    },
  });
  const t = compileTopic(topic);

  it('needs a required term and blocks excluded ones unless a strong term occurs', () => {
    expect(scoreItem(t, { title: 'Service mesh', summary: '', category: 'Tech' }).evidence.required.ok).toBe(false);
    expect(scoreItem(t, { title: 'Kubernetes 2.0', summary: '', category: 'Tech' }).included).toBe(true);
    const ad = scoreItem(t, { title: 'Kubernetes job ad', summary: '', category: 'Tech' });
    expect(ad.included).toBe(false);
    expect(ad.evidence.excluded.hits).toEqual(['job ad']);
    const strong = scoreItem(t, { title: 'Kubernetes job ad', summary: 'service mesh', category: 'Tech' });
    expect(strong.evidence.excluded.overriddenBy).toBe('service mesh');
    expect(strong.included).toBe(true);
  });

  it('applies category and language filters', () => {
    expect(scoreItem(t, { title: 'Kubernetes 2.0', summary: '', category: 'Sport' }).included).toBe(false);
    expect(scoreItem(t, { title: 'Kubernetes 2.0', summary: '', category: 'Tech', language: 'fr' }).included).toBe(
      false,
    );
  });

  it('uses language-specific terms only for that language (and both when unknown)', () => {
    const de = scoreItem(t, { title: 'Kubernetes im Rechenzentrum', summary: '', language: 'de', category: 'Tech' });
    const en = scoreItem(t, { title: 'Kubernetes im Rechenzentrum', summary: '', language: 'en', category: 'Tech' });
    const unknown = scoreItem(t, { title: 'Kubernetes im Rechenzentrum', summary: '', category: 'Tech' });
    expect(de.score).toBeGreaterThan(en.score);
    expect(unknown.score).toBe(de.score);
  });

  it('hashes rules stably and changes the hash when rules change', () => {
    const reordered = topicSchema.parse({
      ...topic,
      rules: { ...topic.rules, terms: { de: { rechenzentrum: 1 }, any: { 'service mesh': 3, kubernetes: 2 } } },
    });
    expect(rulesHash(reordered)).toBe(rulesHash(topic));
    expect(rulesHash({ ...topic, rules: { ...topic.rules, threshold: 3 } })).not.toBe(rulesHash(topic));
  });

  it('blends a trained model in only when it has enough labels', () => {
    const few = trainModel([{ title: 'Kubernetes', summary: '', label: true }]);
    expect(scoreItem(t, { title: 'Kubernetes 2.0', summary: '', category: 'Tech' }, few).evidence.model).toBeNull();
    const examples = Array.from({ length: 24 }, (_, i) => ({
      title: i % 2 ? `Kubernetes release ${i} for operators` : `Kubernetes job ad ${i} recruiting`,
      summary: i % 2 ? 'cluster scheduling news' : 'we are hiring engineers',
      label: i % 2 === 1,
    }));
    const model = trainModel(examples);
    const r = scoreItem(t, { title: 'Kubernetes cluster scheduling release', summary: '', category: 'Tech' }, model);
    expect(r.evidence.model?.probability).toBeGreaterThan(0.5);
    expect(r.evidence.model?.contribution).toBeGreaterThan(0);
    expect(r.score).toBeCloseTo(r.evidence.rulesScore + r.evidence.model!.contribution, 2);
  });
});
