import { describe, expect, it } from 'vitest';
import { findStoryClusters, groupStories, type StoryInput } from '../../src/curate/stories.ts';

const T0 = Date.UTC(2026, 0, 14, 8);
const H = 3_600_000;

const items: StoryInput[] = [
  {
    id: 'de-1',
    sourceId: 'heise',
    language: 'de',
    publishedAt: T0 + 2 * H,
    title: 'Alibaba eröffnet erstes Rechenzentrum in Frankfurt',
    summary:
      'Der chinesische Konzern Alibaba will mit seiner Cloud in Europa gegen Amazon, Microsoft und Google antreten.',
  },
  {
    id: 'en-1',
    sourceId: 'register',
    language: 'en',
    publishedAt: T0,
    title: 'Alibaba opens its first data centre in Frankfurt',
    summary: 'The Chinese giant Alibaba takes its cloud to Europe to compete with Amazon, Microsoft and Google.',
  },
  {
    id: 'de-2',
    sourceId: 'golem',
    language: 'de',
    publishedAt: T0 + 5 * H,
    title: 'Alibaba Cloud: Erstes europäisches Rechenzentrum steht in Frankfurt',
    summary: 'Alibaba eröffnet in Frankfurt sein erstes Rechenzentrum in Europa und tritt gegen Amazon an.',
  },
  {
    id: 'other-1',
    sourceId: 'heise',
    language: 'de',
    publishedAt: T0 + 3 * H,
    title: 'Microsoft erhöht Preise für Azure in Europa um 11 Prozent',
    summary: 'Kunden zahlen ab April mehr für Cloud-Dienste von Microsoft.',
  },
  {
    id: 'other-2',
    sourceId: 'verge',
    language: 'en',
    publishedAt: T0 + 4 * H,
    title: 'Amazon Prime Day returns in July with early deals',
    summary: 'The retailer promises discounts on Echo speakers and Kindle readers.',
  },
  {
    id: 'late-1',
    sourceId: 'dcd',
    language: 'en',
    publishedAt: T0 + 10 * 24 * H,
    title: 'Alibaba opens its first data centre in Frankfurt',
    summary: 'The Chinese giant Alibaba takes its cloud to Europe to compete with Amazon, Microsoft and Google.',
  },
];

describe('story clusters', () => {
  it('joins reports of one event across sources and languages; the earliest represents it', () => {
    const keys = findStoryClusters(items);
    expect(keys.get('de-1')).toBe('en-1');
    expect(keys.get('de-2')).toBe('en-1');
    expect(keys.get('en-1')).toBe('en-1');
    const cluster = groupStories(items).find((c) => c.key === 'en-1');
    expect(cluster?.others).toEqual(['de-1', 'de-2']);
  });

  it('keeps different events apart', () => {
    const keys = findStoryClusters(items);
    expect(keys.get('other-1')).toBe('other-1');
    expect(keys.get('other-2')).toBe('other-2');
  });

  it('only clusters within the time window', () => {
    expect(findStoryClusters(items).get('late-1')).toBe('late-1');
    expect(findStoryClusters(items, { windowMs: 30 * 24 * H }).get('late-1')).toBe('en-1');
  });

  it('does not join two items of one source', () => {
    const same = items.slice(0, 2).map((i) => ({ ...i, sourceId: 'one' }));
    expect(new Set(findStoryClusters(same).values()).size).toBe(2);
  });

  it('is deterministic whatever the input order', () => {
    const a = findStoryClusters(items);
    const b = findStoryClusters([...items].reverse());
    expect([...b.entries()].sort()).toEqual([...a.entries()].sort());
  });
});

describe('story clusters: bodies, wire copies and headlines that disagree', () => {
  const wire =
    'Frankfurt (Reuters) - The cloud unit of the retailer said on Wednesday it would spend the money over five years ' +
    'on new server halls near the airport, on fibre links between them and on training for local staff. The ' +
    'company expects the first of the halls to take customers in the spring of next year, a spokeswoman said, and ' +
    'the state government has promised faster permits for the power lines that the site will need.';

  it('joins two copies of one wire report under different headlines by their bodies', () => {
    const a: StoryInput = {
      id: 'w1',
      sourceId: 's1',
      language: 'en',
      publishedAt: T0,
      title: 'Retailer to spend big',
      summary: '',
      text: wire,
    };
    const b: StoryInput = {
      ...a,
      id: 'w2',
      sourceId: 's2',
      title: 'New server halls near the airport',
      text: `${wire} Shares rose 2%.`,
    };
    expect(findStoryClusters([a, b]).get('w2')).toBe('w1');
    // Without the bodies the two headlines share nothing.
    expect(
      findStoryClusters([
        { ...a, text: '' },
        { ...b, text: '' },
      ]).get('w2'),
    ).toBe('w2');
  });

  it('keeps apart headlines about different companies or countries that share the rest of their words', () => {
    const base = {
      language: 'de',
      publishedAt: T0,
      summary: 'Der Konzern will in den kommenden Jahren Rechenzentren bauen.',
    };
    const list: StoryInput[] = [
      { ...base, id: 'a', sourceId: 'x', title: 'Amazon investiert Milliarden in neue Rechenzentren in Deutschland' },
      {
        ...base,
        id: 'b',
        sourceId: 'y',
        title: 'Amazon investiert Milliarden in neue Rechenzentren in Großbritannien',
      },
      { ...base, id: 'c', sourceId: 'z', title: 'Oracle investiert Milliarden in neue Rechenzentren in Deutschland' },
    ];
    expect(new Set(findStoryClusters(list).values()).size).toBe(3);
  });

  it('reads amounts across languages: "7,8 Milliarden Euro" is "€7.8 billion"', () => {
    const list: StoryInput[] = [
      {
        id: 'de',
        sourceId: 'a',
        language: 'de',
        publishedAt: T0,
        title: 'AWS investiert 7,8 Milliarden Euro in Brandenburg',
        summary: 'Die Cloud-Tochter von Amazon baut Rechenzentren.',
      },
      {
        id: 'en',
        sourceId: 'b',
        language: 'en',
        publishedAt: T0 + H,
        title: 'AWS to invest €7.8 billion in Brandenburg',
        summary: 'Amazon’s cloud arm is building data centres.',
      },
    ];
    expect(findStoryClusters(list).get('en')).toBe('de');
  });
});
