import { expect, it } from 'vitest';
import { forEachDialect } from '../support/databases.ts';
import { makeItem, makeSource } from '../support/items.ts';

const now = Date.UTC(2026, 10, 20);

forEachDialect('topic store', (db) => {
  it('stores topic scores, keeps editor decisions over re-scoring, and bumps the version', async () => {
    const store = await db.fresh();
    await store.syncSources([makeSource('https://a.example/feed')], now);
    const source = (await store.findSourceByUrl('https://a.example/feed'))!;
    await store.upsertItems(
      source.id,
      [1, 2, 3].map((n) => makeItem({ uid: `u${n}`, publishedAt: now - n * 1000 })),
      now,
    );
    const { created } = await store.upsertTopic(
      { slug: 'cloud', title: 'Cloud', description: '', rulesHash: 'h1' },
      now,
    );
    expect(created).toBe(true);
    const all = await store.scanItems(0, 100);
    const [a, b, c] = all;
    await store.saveTopicScores(
      'cloud',
      [
        { itemId: a!.id, score: 3, included: true, evidence: { terms: ['cloud'] }, publishedAt: a!.publishedAt },
        { itemId: b!.id, score: 0.5, included: false, evidence: {}, publishedAt: b!.publishedAt },
        { itemId: c!.id, score: 0, included: false, evidence: {}, publishedAt: c!.publishedAt },
      ],
      now,
    );
    const v1 = (await store.getTopic('cloud'))!.version;
    expect((await store.listTopicItems('cloud', 10)).items.map((i) => i.id)).toEqual([a!.id]);
    // Published topic feeds read bodies; the reader's topic river (and story assignment) leave them in the database.
    const body = (await store.getItem(a!.id))!.contentHtml;
    expect(body).not.toBe('');
    expect((await store.listTopicItems('cloud', 10)).items[0]).toMatchObject({ contentHtml: body, score: 3 });
    const river = await store.listItems({ topic: 'cloud' }, 10, undefined, { content: false });
    expect(river.items.map((i) => [i.id, i.contentHtml, i.title])).toEqual([[a!.id, '', a!.title]]);
    expect((await store.listTopicItems('cloud', 10, undefined, undefined, { content: false })).items[0]).toMatchObject({
      contentHtml: '',
      score: 3,
      decision: 'auto',
    });
    await store.setTopicDecision('cloud', b!.id, 'pinned', now);
    await store.setTopicDecision('cloud', a!.id, 'excluded', now);
    await store.saveTopicScores('cloud', [
      { itemId: a!.id, score: 5, included: true, evidence: {}, publishedAt: a!.publishedAt },
      { itemId: b!.id, score: 0, included: false, evidence: {}, publishedAt: b!.publishedAt },
    ]);
    expect((await store.listTopicItems('cloud', 10)).items.map((i) => i.id)).toEqual([b!.id]);
    expect((await store.getTopic('cloud'))!.version).toBeGreaterThan(v1);
    expect((await store.topicDecisions('cloud')).map((d) => d.decision).sort()).toEqual(['excluded', 'pinned']);
    expect((await store.itemTopics(b!.id))[0]).toMatchObject({ slug: 'cloud', decision: 'pinned', included: true });
    const changed = await store.upsertTopic({ slug: 'cloud', title: 'Cloud', description: '', rulesHash: 'h2' }, now);
    expect(changed.rulesChanged).toBe(true);
  });
});
