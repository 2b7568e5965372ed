import { describe, expect, it } from 'vitest';
import type { ItemWithSource } from '../../src/store/types.ts';
import { foldStories } from '../../src/web/river-stories.ts';

const T0 = Date.UTC(2026, 10, 10);

function item(id: number, sourceId: number, minutes: number, extra: Partial<ItemWithSource> = {}): ItemWithSource {
  return {
    id,
    sourceId,
    publishedAt: T0 + minutes * 60_000,
    storyKey: null,
    read: false,
    starred: false,
    sourceTitle: `source ${sourceId}`,
    sourceCategory: sourceId === 3 ? 'Other' : 'Tech',
    title: `item ${id}`,
    ...extra,
  } as ItemWithSource;
}

const story = 'story:1';
const all = [
  item(1, 1, 0, { storyKey: story }),
  item(2, 2, 10, { storyKey: story }),
  item(3, 3, 20, { storyKey: story, read: true }),
  item(4, 1, 5),
];
const store = {
  itemsByStoryKeys: async (keys: string[]) => all.filter((i) => i.storyKey && keys.includes(i.storyKey)),
};
const newestFirst = (list: ItemWithSource[]) => [...list].sort((a, b) => b.publishedAt - a.publishedAt);

describe('one river card per story', () => {
  it('shows the story at its newest report, the others listed in it earliest first', async () => {
    const out = await foldStories(store, newestFirst(all), {});
    expect(out.map((i) => i.id)).toEqual([3, 4]);
    expect(out[0]!.also?.map((o) => o.id)).toEqual([1, 2]);
    expect(out[1]!.also).toBeUndefined();
  });

  it('in the unread river, at the newest unread report; still listing every report', async () => {
    const unread = all.filter((i) => !i.read);
    const out = await foldStories(store, newestFirst(unread), { unreadOnly: true });
    expect(out.map((i) => i.id)).toEqual([2, 4]);
    expect(out[0]!.also?.map((o) => o.id)).toEqual([1, 3]);
  });

  it('leaves a report out when the story stands higher up (an earlier page) of the same river', async () => {
    // Page two of "all": item 1 only; its story is shown at item 3 on page one.
    expect((await foldStories(store, [all[0]!], {})).map((i) => i.id)).toEqual([]);
  });

  it('in a source or category river, at that river’s own newest report', async () => {
    const source1 = all.filter((i) => i.sourceId === 1);
    const out = await foldStories(store, newestFirst(source1), { sourceId: 1 });
    expect(out.map((i) => i.id)).toEqual([4, 1]);
    expect(out[1]!.also?.map((o) => o.id)).toEqual([2, 3]);
    const tech = all.filter((i) => i.sourceCategory === 'Tech');
    expect((await foldStories(store, newestFirst(tech), { category: 'Tech' })).map((i) => i.id)).toEqual([2, 4]);
  });
});
