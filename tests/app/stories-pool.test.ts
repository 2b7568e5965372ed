import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TopicCurator } from '../../src/app/curator.ts';
import { ParsePool } from '../../src/app/pool.ts';
import { createLogger } from '../../src/lib/log.ts';
import type { Store } from '../../src/store/types.ts';
import { sqliteDatabase, type TestDatabase } from '../support/databases.ts';
import { makeItem, makeSource } from '../support/items.ts';

const now = Date.UTC(2026, 10, 20, 12);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Two outlets' reports of one story (each in its own words), months before `now`: a feed's backlog, or a quiet
// installation whose last stories are older than three days.
const reports = [
  {
    title: 'Alibaba eröffnet erstes Rechenzentrum in Frankfurt',
    summary: 'Der chinesische Konzern Alibaba startet seine Cloud in Europa mit einem Rechenzentrum in Frankfurt.',
  },
  {
    title: 'Alibaba opens its first European data centre in Frankfurt',
    summary: 'Alibaba Cloud has opened a data centre in Frankfurt, its first in Europe, to win European customers.',
  },
];

describe('story grouping pool: the newest items by date, however old', () => {
  let database: TestDatabase;
  let store: Store;
  let pool: ParsePool;
  const ids: number[] = [];
  const urls = ['https://a.example/feed', 'https://b.example/feed', 'https://c.example/feed'];

  beforeAll(async () => {
    database = sqliteDatabase();
    store = await database.open();
    pool = new ParsePool(0);
    await store.syncSources(
      urls.map((u) => makeSource(u)),
      now,
    );
    for (const [n, report] of reports.entries()) {
      const source = (await store.findSourceByUrl(urls[n]!))!;
      const { inserted } = await store.upsertItems(
        source.id,
        [makeItem({ uid: `r-${n}`, ...report, contentHtml: '', publishedAt: now - 200 * DAY + n * 5 * HOUR })],
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

  const keys = async () => (await Promise.all(ids.map((id) => store.getItem(id)))).map((i) => i?.storyKey ?? null);

  it('groups a story published long before now (a pool of the last three days would not see it)', async () => {
    const curator = new TopicCurator(store, createLogger('silent'), pool);
    await curator.assignStories(now);
    const [a, b] = await keys();
    expect(a).toBeTruthy();
    expect(b).toBe(a);
  });

  it('keeps the key of a report at the pool’s oldest edge when its partner has left the pool', async () => {
    const before = await keys();
    const source = (await store.findSourceByUrl(urls[2]!))!;
    await store.upsertItems(
      source.id,
      [
        makeItem({
          uid: 'later',
          title: 'Telekom senkt Preise für Glasfaser',
          summary: 'Neue Tarife ab März.',
          publishedAt: now - 199 * DAY,
        }),
      ],
      now,
    );
    const curator = new TopicCurator(store, createLogger('silent'), pool);
    // A pool of two: the later item and the newer report; the older report is outside it.
    await curator.assignStories(now, 2);
    expect(await keys()).toEqual(before);
  });
});
