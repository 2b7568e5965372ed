import type { ItemFilter, ItemStore, ItemWithSource } from '../store/types.ts';

/** A river entry that stands for a story: the other reports of it, earliest first. */
export type WithStory<T> = T & { also?: ItemWithSource[] };

/** At most this many other reports in one card (a story with more is still one card). */
const MAX_REPORTS = 20;

/**
 * One card per story in a river page: a story shows at its newest report that belongs to this river (so it stays in
 * one place across pages), its other reports (from any source) listed in the card; reports of it further down this
 * page or on older pages are left out. One query for the page's story keys.
 */
export async function foldStories<T extends ItemWithSource>(
  store: Pick<ItemStore, 'itemsByStoryKeys'>,
  items: T[],
  filter: ItemFilter,
): Promise<WithStory<T>[]> {
  const keys = [...new Set(items.map((i) => i.storyKey).filter((k): k is string => !!k))];
  if (keys.length === 0) return items;
  const members = new Map<string, ItemWithSource[]>();
  for (const m of await store.itemsByStoryKeys(keys)) {
    if (!m.storyKey) continue;
    const list = members.get(m.storyKey);
    if (list) list.push(m);
    else members.set(m.storyKey, [m]);
  }
  const onPage = new Set(items.map((i) => i.id));
  const inRiver = (m: ItemWithSource) => onPage.has(m.id) || matches(m, filter);
  const out: WithStory<T>[] = [];
  for (const item of items) {
    const reports = item.storyKey ? (members.get(item.storyKey) ?? []) : [];
    if (reports.length < 2) {
      out.push(item);
      continue;
    }
    const shownAt = reports.filter(inRiver).sort(newestFirst)[0];
    if (shownAt && shownAt.id !== item.id) continue;
    const also = reports
      .filter((r) => r.id !== item.id)
      .sort((a, b) => a.publishedAt - b.publishedAt || a.id - b.id)
      .slice(0, MAX_REPORTS);
    out.push({ ...item, also });
  }
  return out;
}

function newestFirst(a: ItemWithSource, b: ItemWithSource): number {
  return b.publishedAt - a.publishedAt || b.id - a.id;
}

/** Whether a report outside the page belongs to the river (a topic's membership is not known here: only the page). */
function matches(item: ItemWithSource, filter: ItemFilter): boolean {
  if (filter.topic !== undefined) return false;
  if (filter.sourceId !== undefined && item.sourceId !== filter.sourceId) return false;
  if (filter.category !== undefined && item.sourceCategory !== filter.category) return false;
  if (filter.unreadOnly && item.read) return false;
  if (filter.starredOnly && !item.starred) return false;
  if (filter.language && item.language !== filter.language) return false;
  return true;
}
