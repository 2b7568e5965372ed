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
