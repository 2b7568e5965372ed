import { describe, expect, it } from 'vitest';
import { type ItemSource, selectPage } from '../../src/publish/select.ts';
import type { Cursor, ItemWithSource } from '../../src/store/types.ts';
import { publishedItem } from './fixtures.ts';

/** An ItemSource over arrays, ordered and paged like the store (publishedAt desc, id desc, `before` exclusive). */
function arraySource(feedItems: ItemWithSource[], everything: ItemWithSource[] = feedItems): ItemSource {
  const sorted = [...feedItems].sort((a, b) => b.publishedAt - a.publishedAt || b.id - a.id);
  const inFeed = new Set(feedItems.map((i) => i.id));
  return {
    async list(limit: number, before?: Cursor) {
      const rest = before
        ? sorted.filter(
            (i) => i.publishedAt < before.publishedAt || (i.publishedAt === before.publishedAt && i.id < before.id),
          )
        : sorted;
      const items = rest.slice(0, limit);
      const last = items[items.length - 1];
      return { items, next: rest.length > limit && last ? { publishedAt: last.publishedAt, id: last.id } : undefined };
    },
    includes: async (item) => inFeed.has(item.id),
    storyMembers: async (keys) => everything.filter((i) => i.storyKey && keys.includes(i.storyKey)),
  };
}

async function walk(source: ItemSource, limit: number, perSourceCap?: number) {
  const pages: number[][] = [];
  let before: Cursor | undefined;
  for (let n = 0; n < 100; n++) {
    const page = await selectPage(source, { limit, before, perSourceCap });
    pages.push(page.entries.map((e) => e.item.id));
    if (!page.next) break;
    before = page.next;
  }
  return pages;
}

describe('selectPage', () => {
  it("leaves out a new source's undated backlog, also as a story's earliest report, and keeps later undated items", async () => {
    const seen = Date.UTC(2026, 2, 1);
    const news = publishedItem({ id: 1, publishedAt: seen - 3_600_000, storyKey: 'story' });
    const backlog = Array.from({ length: 5 }, (_, i) =>
      publishedItem({
        id: 10 + i,
        sourceId: 2,
        dateEstimated: true,
        firstSeenAt: seen,
        publishedAt: seen - 86_400_000 - (i + 1) * 1000,
      }),
    );
    backlog[0]!.storyKey = 'story';
    const laterUndated = publishedItem({
      id: 20,
      sourceId: 2,
      dateEstimated: true,
      firstSeenAt: seen + 1,
      publishedAt: seen + 1,
    });
    const dated = publishedItem({ id: 30, publishedAt: seen - 3 * 86_400_000 });
    const page = await selectPage(arraySource([news, ...backlog, laterUndated, dated]), { limit: 10 });
    expect(page.entries.map((e) => e.item.id)).toEqual([20, 1, 30]);
    expect(page.entries.find((e) => e.item.id === 1)!.also).toEqual([]);
  });

  it('pages through everything without repeats', async () => {
    const items = Array.from({ length: 23 }, (_, i) =>
      publishedItem({ id: i + 1, publishedAt: 1_000_000 - (i % 5) * 1000 }),
    );
    const pages = await walk(arraySource(items), 5);
    const ids = pages.flat();
    expect(ids).toHaveLength(23);
    expect(new Set(ids).size).toBe(23);
    expect(pages.slice(0, -1).every((p) => p.length === 5)).toBe(true);
  });

  it('caps entries per source on a page', async () => {
    const chatty = Array.from({ length: 30 }, (_, i) =>
      publishedItem({ id: 100 + i, sourceId: 1, publishedAt: 2_000_000 - i }),
    );
    const quiet = Array.from({ length: 5 }, (_, i) =>
      publishedItem({ id: 200 + i, sourceId: 2, publishedAt: 1_000_000 - i }),
    );
    const page = await selectPage(arraySource([...chatty, ...quiet]), { limit: 10, perSourceCap: 3 });
    expect(page.entries.filter((e) => e.item.sourceId === 1)).toHaveLength(3);
    expect(page.entries.filter((e) => e.item.sourceId === 2)).toHaveLength(3);
    expect(page.entries.map((e) => e.item.id)).toEqual([100, 101, 102, 200, 201, 202]);
  });

  it('shows a story once, at its earliest report in the feed, with the others attached', async () => {
    const early = publishedItem({ id: 1, storyKey: 'k', publishedAt: 1000, sourceTitle: 'A' });
    const middle = publishedItem({ id: 2, storyKey: 'k', publishedAt: 2000, sourceTitle: 'B' });
    const late = publishedItem({ id: 3, storyKey: 'k', publishedAt: 3000, sourceTitle: 'C' });
    const alone = publishedItem({ id: 4, publishedAt: 2500 });
    const page = await selectPage(arraySource([early, middle, late, alone]), { limit: 10 });
    expect(page.entries.map((e) => e.item.id)).toEqual([4, 1]);
    expect(page.entries[1]!.also.map((i) => i.id)).toEqual([2, 3]);
  });

  it('picks the earliest report this feed contains, even when an earlier one lives elsewhere', async () => {
    const elsewhere = publishedItem({ id: 1, storyKey: 'k', publishedAt: 500 });
    const mine = publishedItem({ id: 2, storyKey: 'k', publishedAt: 1000 });
    const mineLater = publishedItem({ id: 3, storyKey: 'k', publishedAt: 2000 });
    const page = await selectPage(arraySource([mine, mineLater], [elsewhere, mine, mineLater]), { limit: 10 });
    expect(page.entries.map((e) => e.item.id)).toEqual([2]);
    expect(page.entries[0]!.also.map((i) => i.id)).toEqual([1, 3]);
  });

  it('dedups across pages: the later reports on page one do not come back', async () => {
    const items = [
      publishedItem({ id: 1, storyKey: 'k', publishedAt: 100 }),
      ...Array.from({ length: 6 }, (_, i) => publishedItem({ id: 10 + i, publishedAt: 200 + i })),
      publishedItem({ id: 2, storyKey: 'k', publishedAt: 1000 }),
    ];
    const ids = (await walk(arraySource(items), 3)).flat();
    expect(ids.filter((id) => id === 1 || id === 2)).toEqual([1]);
    expect(ids).toHaveLength(7);
  });
});
