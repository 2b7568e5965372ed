import { describe, expect, it } from 'vitest';
import { dialects } from '../support/databases.ts';
import { makeItem, makeSource } from '../support/items.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
// Noon of a fixed day: buckets are UTC days and hours, integers on both dialects.
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const TODAY = Math.floor(NOW / DAY);

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== '')(`stats store on ${dialect.name} ${dialect.skip}`, () => {
    it('counts items per source and day, attempts per day, ingest per hour, topic entries by language', async () => {
      const database = await dialect.create();
      const store = await database.open();
      try {
        await store.syncSources([makeSource('https://a.example/feed'), makeSource('https://b.example/feed')], NOW);
        const a = (await store.findSourceByUrl('https://a.example/feed'))!;
        const b = (await store.findSourceByUrl('https://b.example/feed'))!;
        await store.upsertItems(
          a.id,
          [
            makeItem({ uid: 'a1', language: 'en', publishedAt: NOW - 1 * HOUR }),
            makeItem({ uid: 'a2', language: 'de', publishedAt: NOW - 2 * HOUR }),
            makeItem({ uid: 'a3', language: 'en', publishedAt: NOW - 2 * DAY }),
          ],
          NOW - 3 * HOUR,
        );
        await store.upsertItems(b.id, [makeItem({ uid: 'b1', publishedAt: NOW - 40 * DAY })], NOW - 1 * HOUR);

        const perDay = await store.itemsPerDay(NOW - 30 * DAY);
        expect(perDay.sort((x, y) => x.day - y.day || x.sourceId - y.sourceId)).toEqual([
          { sourceId: a.id, day: TODAY - 2, n: 1 },
          { sourceId: a.id, day: TODAY, n: 2 },
        ]);
        expect(await store.itemsPerDay(NOW - 30 * DAY, b.id)).toEqual([]);
        // Restricted to some sources (a page of the sources list): the same rows, for those only.
        expect((await store.itemsPerDay(NOW - 30 * DAY, [a.id, b.id])).length).toBe(2);
        expect(await store.itemsPerDay(NOW - 30 * DAY, [b.id])).toEqual([]);
        expect(await store.itemsPerDay(NOW - 30 * DAY, [])).toEqual([]);

        expect((await store.itemsIngestedPerHour(NOW - 24 * HOUR)).sort((x, y) => x.hour - y.hour)).toEqual([
          { hour: Math.floor(NOW / HOUR) - 3, n: 3 },
          { hour: Math.floor(NOW / HOUR) - 1, n: 1 },
        ]);

        const attempt = (startedAt: number, outcome: 'ok' | 'error' | 'not_modified', durationMs = 10) => ({
          startedAt,
          durationMs,
          outcome,
          errorReason: outcome === 'error' ? 'timeout' : null,
        });
        await store.finishFetch(a.id, {}, attempt(NOW - 1 * DAY, 'ok', 100));
        await store.finishFetch(a.id, {}, attempt(NOW - 1 * DAY + HOUR, 'error', 300));
        await store.finishFetch(a.id, {}, attempt(NOW - 2 * HOUR, 'not_modified', 20));
        await store.finishFetch(b.id, {}, attempt(NOW - 3 * HOUR, 'error', 5000));
        const days = await store.attemptsPerSourceDay(NOW - 14 * DAY);
        expect(days.sort((x, y) => x.day - y.day || x.sourceId - y.sourceId)).toEqual([
          { sourceId: a.id, day: TODAY - 1, total: 2, errors: 1 },
          { sourceId: a.id, day: TODAY, total: 1, errors: 0 },
          { sourceId: b.id, day: TODAY, total: 1, errors: 1 },
        ]);
        const strips = await store.recentAttemptsSince(NOW - 14 * DAY, 2);
        expect(strips.get(a.id)!.map((x) => x.outcome)).toEqual(['not_modified', 'error']);
        expect(strips.get(b.id)).toEqual([{ outcome: 'error', errorReason: 'timeout', startedAt: NOW - 3 * HOUR }]);
        const onlyB = await store.recentAttemptsSince(NOW - 14 * DAY, 2, [b.id]);
        expect([...onlyB.keys()]).toEqual([b.id]);
        expect(onlyB.get(b.id)).toEqual(strips.get(b.id));
        expect((await store.recentAttemptsSince(NOW - 14 * DAY, 2, [])).size).toBe(0);
        expect((await store.fetchDurations(NOW - 12 * HOUR)).map((d) => d.durationMs)).toEqual([20, 5000]);
        expect((await store.sourceAttempts(a.id, 10)).map((x) => x.durationMs)).toEqual([20, 300, 100]);

        await store.upsertTopic({ slug: 't', title: 'T', description: '', rulesHash: 'h' }, NOW);
        const items = (await store.listItems({ sourceId: a.id }, 10)).items;
        await store.saveTopicScores(
          't',
          items.map((i) => ({ itemId: i.id, score: 1, included: i.uid !== 'a3', publishedAt: i.publishedAt })),
          NOW,
        );
        const a3 = items.find((i) => i.uid === 'a3')!;
        await store.setTopicDecision('t', a3.id, 'pinned', NOW);
        const entering = await store.topicItemsPerDay('t', NOW - 30 * DAY);
        expect(entering.sort((x, y) => x.day - y.day || x.language.localeCompare(y.language))).toEqual([
          { day: TODAY - 2, language: 'en', n: 1 },
          { day: TODAY, language: 'de', n: 1 },
          { day: TODAY, language: 'en', n: 1 },
        ]);
        expect(await store.topicDecisionCounts('t')).toEqual({ auto: 2, pinned: 1, excluded: 0 });
      } finally {
        await store.close();
        await database.drop();
      }
    });
  });
}
