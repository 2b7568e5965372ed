import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TopicCurator } from '../../src/app/curator.ts';
import { ParsePool } from '../../src/app/pool.ts';
import { createLogger } from '../../src/lib/log.ts';
import type { Store } from '../../src/store/types.ts';
import { sqliteDatabase, type TestDatabase } from '../support/databases.ts';
import { makeItem, makeSource } from '../support/items.ts';

const now = Date.UTC(2026, 10, 20, 12);

// One wire story behind two teasers that share nothing: only the extracted articles show they are one story.
const ARTICLE = `<p>${[
  'The regional utility said on Tuesday that its new battery storage plant near the river port will start',
  'feeding the grid next spring, after eighteen months of construction and a permit dispute with two villages.',
  'The plant stores enough power for forty thousand homes during an evening peak, the operator said, and',
  'replaces an old gas turbine that ran only a few hundred hours a year. Engineers tested the inverters in',
  'October; the last cable trench along the harbour road closes in February. Local councillors welcomed the',
  'schedule but asked for a noise study before the cooling fans run at night, which the utility promised.',
].join(' ')}</p>`;

describe('story grouping reads the extracted article', () => {
  let database: TestDatabase;
  let store: Store;
  let pool: ParsePool;
  const ids: number[] = [];

  beforeAll(async () => {
    database = sqliteDatabase();
    store = await database.open();
    pool = new ParsePool(0);
    await store.syncSources([makeSource('https://a.example/feed'), makeSource('https://b.example/feed')], now);
    const teasers = [
      { title: 'Morning briefing: what moves today', summary: 'Our short look at the day. Read more…' },
      { title: 'Five things to know this Tuesday', summary: 'The news in brief. Continue reading…' },
    ];
    for (const [n, url] of ['https://a.example/feed', 'https://b.example/feed'].entries()) {
      const source = (await store.findSourceByUrl(url))!;
      const teaser = teasers[n]!;
      const { inserted } = await store.upsertItems(
        source.id,
        [
          makeItem({
            uid: `teaser-${n}`,
            ...teaser,
            contentHtml: `<p>${teaser.summary}</p>`,
            publishedAt: now - (n + 1) * 3_600_000,
          }),
        ],
        now,
      );
      ids.push(inserted[0]!.id);
    }
  });
  afterAll(async () => {
    await pool?.close();
    await store?.close();
    await database?.drop();
  });

  it('keeps two unrelated teasers apart, then joins them once both articles are extracted', async () => {
    const curator = new TopicCurator(store, createLogger('silent'), pool);
    await curator.assignStories(now);
    const before = await Promise.all(ids.map((id) => store.getItem(id)));
    expect(before.map((i) => i?.storyKey ?? null)).toEqual([null, null]);

    await store.queueFullTexts(ids, now);
    for (const id of ids) await store.finishFullText(id, { status: 'done', contentHtml: ARTICLE }, now);
    await curator.assignStories(now);
    const after = await Promise.all(ids.map((id) => store.getItem(id)));
    expect(after[0]?.storyKey).toBeTruthy();
    expect(after[1]?.storyKey).toBe(after[0]?.storyKey);
  });
});
