import { isUndatedBacklog } from '../normalize/dates.ts';
import type { Cursor, ItemWithSource, Page } from '../store/types.ts';
import type { PublishedEntry } from './entry.ts';

/** Where a feed's items come from: one store query per kind of feed (topic, category, everything). */
export interface ItemSource {
  /** Candidates newest first, `before` exclusive. */
  list(limit: number, before?: Cursor): Promise<Page<ItemWithSource>>;
  /** Whether an item found through its story belongs to this feed (candidates from `list` always do). */
  includes(item: ItemWithSource): Promise<boolean>;
  /** All items sharing one of these story keys, whatever feed they are in. */
  storyMembers(keys: string[]): Promise<ItemWithSource[]>;
}

export interface SelectOptions {
  limit: number;
  before?: Cursor;
  /** At most this many entries per source on one page. */
  perSourceCap?: number;
  /** Stop looking after this many candidates (a page of one capped source must not scan the whole store). */
  maxScan?: number;
}

export interface SelectedPage {
  entries: PublishedEntry[];
  /** Position after the last candidate looked at, when older candidates may exist. */
  next?: Cursor;
}

const MAX_ALSO = 10;

/**
 * One page of a published feed: each story once, at its earliest report in this feed, with the other reports
 * attached; then at most `perSourceCap` entries per source.
 */
export async function selectPage(source: ItemSource, options: SelectOptions): Promise<SelectedPage> {
  const { limit, perSourceCap } = options;
  const maxScan = options.maxScan ?? Math.max(limit * 20, 1000);
  const batchSize = Math.min(Math.max(limit * 2, 20), 400);
  const stories = new StoryResolver(source);
  const perSource = new Map<number, number>();
  const entries: PublishedEntry[] = [];
  let before = options.before;
  let scanned = 0;

  while (scanned < maxScan) {
    const page = await source.list(batchSize, before);
    await stories.prepare(page.items);
    for (const item of page.items) {
      scanned++;
      const position = { publishedAt: item.publishedAt, id: item.id };
      // A new source's undated backlog is not news: readers of a published feed would take it for new entries.
      if (!isUndatedBacklog(item)) {
        const story = await stories.decide(item);
        const count = perSource.get(item.sourceId) ?? 0;
        if (story.shown && (perSourceCap === undefined || count < perSourceCap)) {
          perSource.set(item.sourceId, count + 1);
          entries.push({ item, also: story.also });
        }
      }
      const isLastOfPage = item === page.items[page.items.length - 1];
      if (entries.length >= limit || scanned >= maxScan) {
        return { entries, next: isLastOfPage && !page.next ? undefined : position };
      }
    }
    if (!page.next || page.items.length === 0) return { entries };
    before = page.next;
  }
  return { entries, next: before };
}

/** Decides per story which report a feed shows, asking the store once per batch of story keys. */
class StoryResolver {
  private readonly members = new Map<string, ItemWithSource[]>();
  private readonly representative = new Map<string, number | undefined>();
  private readonly seen = new Set<number>();

  constructor(private readonly source: ItemSource) {}

  async prepare(batch: ItemWithSource[]): Promise<void> {
    for (const item of batch) if (!isUndatedBacklog(item)) this.seen.add(item.id);
    const keys = [...new Set(batch.map((i) => i.storyKey).filter((k): k is string => !!k && !this.members.has(k)))];
    if (!keys.length) return;
    for (const key of keys) this.members.set(key, []);
    for (const member of await this.source.storyMembers(keys)) {
      if (member.storyKey && !isUndatedBacklog(member)) this.members.get(member.storyKey)?.push(member);
    }
  }

  async decide(item: ItemWithSource): Promise<{ shown: boolean; also: ItemWithSource[] }> {
    const key = item.storyKey;
    if (!key) return { shown: true, also: [] };
    const members = this.members.get(key) ?? [];
    if (!members.some((m) => m.id === item.id)) members.push(item);
    members.sort(byEarliest);
    if (!this.representative.has(key)) this.representative.set(key, await this.earliestIncluded(members, item));
    if (this.representative.get(key) !== item.id) return { shown: false, also: [] };
    const also = uniqueById(members.filter((m) => m.id !== item.id)).slice(0, MAX_ALSO);
    return { shown: true, also };
  }

  /** The earliest report of the story that this feed contains; `item` itself is the latest possible answer. */
  private async earliestIncluded(sorted: ItemWithSource[], item: ItemWithSource): Promise<number> {
    for (const member of sorted) {
      if (member.id === item.id || this.seen.has(member.id)) return member.id;
      if (await this.source.includes(member)) return member.id;
    }
    return item.id;
  }
}

function byEarliest(a: ItemWithSource, b: ItemWithSource): number {
  return a.publishedAt - b.publishedAt || a.id - b.id;
}

function uniqueById(items: ItemWithSource[]): ItemWithSource[] {
  const ids = new Set<number>();
  return items.filter((i) => !ids.has(i.id) && ids.add(i.id));
}
