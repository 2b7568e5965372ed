import { decodeCursor, encodeCursor } from '../../../lib/links.ts';
import type {
  Cursor,
  ItemFilter,
  ItemRef,
  ItemStore,
  RefTextFormat,
  SourceRow,
  Store,
  TopicRow,
} from '../../../store/types.ts';
import { parseStreamId, type StateName, type StreamId, timestampMs } from './ids.ts';

/** A client's mistake, answered 400 with its message. */
export class BadRequest extends Error {}

/** What a stream id resolves against: read once per request. */
export interface Catalog {
  sources: SourceRow[];
  topics: TopicRow[];
}

export async function loadCatalog(store: Pick<Store, 'listSources' | 'listTopics'>): Promise<Catalog> {
  const [sources, topics] = await Promise.all([store.listSources(), store.listTopics()]);
  return { sources, topics };
}

/** The sources a sync app sees: those in rundschau.yaml. */
export function subscribed(catalog: Catalog): SourceRow[] {
  return catalog.sources.filter((s) => s.inConfig);
}

export function sourceTitle(source: SourceRow): string {
  return source.title || source.feedTitle || source.configUrl;
}

/** A label is a category when a source has it, else a topic by title or slug. */
export function labelFilter(catalog: Catalog, name: string): ItemFilter | null {
  if (catalog.sources.some((s) => s.category === name)) return { category: name };
  const topic = catalog.topics.find((t) => t.title === name) ?? catalog.topics.find((t) => t.slug === name);
  return topic ? { topic: topic.slug } : null;
}

/** `feed/<id>` or `feed/<url>` → the source. */
export function findFeed(catalog: Catalog, ref: string): SourceRow | undefined {
  if (/^\d{1,10}$/.test(ref)) return catalog.sources.find((s) => s.id === Number(ref));
  return (
    catalog.sources.find((s) => s.configUrl === ref || s.fetchUrl === ref) ??
    catalog.sources.find((s) => s.configUrl.replace(/\/$/, '') === ref.replace(/\/$/, ''))
  );
}

function stateFilter(state: StateName, include: boolean): ItemFilter | null {
  switch (state) {
    case 'reading-list':
      return include ? {} : null;
    case 'read':
      return include ? { readOnly: true } : { unreadOnly: true };
    case 'starred':
      return include ? { starredOnly: true } : { unstarredOnly: true };
    case 'kept-unread':
    case 'fresh':
      return include ? { unreadOnly: true } : { readOnly: true };
    default:
      // broadcast, like, …: nothing of ours is in them (excluding them excludes nothing).
      return include ? null : {};
  }
}

function streamOf(text: string): StreamId {
  const stream = parseStreamId(text);
  if (!stream) throw new BadRequest(`unknown stream id: ${text}`);
  return stream;
}

/** One stream as a filter; null when nothing can be in it. */
export function streamFilter(catalog: Catalog, text: string): ItemFilter | null {
  const stream = streamOf(text);
  if (stream.kind === 'state') return stateFilter(stream.state, true);
  if (stream.kind === 'label') return labelFilter(catalog, stream.name);
  const source = findFeed(catalog, stream.ref);
  return source ? { sourceId: source.id } : null;
}

/** Two filters that must both hold; null when they cannot (one source and another, read and unread). */
function both(a: ItemFilter | null, b: ItemFilter | null): ItemFilter | null {
  if (!a || !b) return null;
  const merged: ItemFilter = { ...a };
  for (const [key, value] of Object.entries(b) as [keyof ItemFilter, ItemFilter[keyof ItemFilter]][]) {
    if (value === undefined) continue;
    if (merged[key] !== undefined && merged[key] !== value) return null;
    (merged as Record<string, unknown>)[key] = value;
  }
  if ((merged.readOnly && merged.unreadOnly) || (merged.starredOnly && merged.unstarredOnly)) return null;
  return merged;
}

/**
 * The filter a stream request asks for: `s` (or the path's stream), `xt` exclusions and `it` inclusions (each a
 * state, a label — category or topic — or a feed; several `it` must all hold), `ot`/`nt` in seconds.
 */
export function requestFilter(catalog: Catalog, stream: string, params: URLSearchParams): ItemFilter | null {
  let filter = streamFilter(catalog, stream);
  const sourceIds = new Set<number>();
  const topics = new Set<string>();
  for (const xt of params.getAll('xt')) {
    const excluded = streamOf(xt);
    if (excluded.kind === 'state') {
      filter = both(filter, stateFilter(excluded.state, false));
    } else if (excluded.kind === 'feed') {
      const source = findFeed(catalog, excluded.ref);
      if (source) sourceIds.add(source.id);
    } else {
      // A label that names nothing excludes nothing.
      const label = labelFilter(catalog, excluded.name);
      if (label?.category !== undefined) {
        for (const s of catalog.sources) if (s.category === label.category) sourceIds.add(s.id);
      } else if (label?.topic !== undefined) topics.add(label.topic);
    }
  }
  for (const it of params.getAll('it')) filter = both(filter, streamFilter(catalog, it));
  const ot = timestampMs(params.get('ot'));
  const nt = timestampMs(params.get('nt'));
  if (ot !== undefined) filter = both(filter, { publishedFrom: ot });
  if (nt !== undefined) filter = both(filter, { publishedUntil: nt });
  if (!filter) return null;
  if (filter.sourceId !== undefined && sourceIds.has(filter.sourceId)) return null;
  if (filter.topic !== undefined && topics.has(filter.topic)) return null;
  if (sourceIds.size > 0) filter = { ...filter, excludeSourceIds: [...sourceIds] };
  if (topics.size > 0) filter = { ...filter, excludeTopics: [...topics] };
  return filter;
}

/** `n` within [1, cap], `fallback` when absent or not a number. */
export function countParam(params: URLSearchParams, fallback: number, cap: number): number {
  const n = Number(params.get('n'));
  return Number.isInteger(n) && n > 0 ? Math.min(n, cap) : fallback;
}

/** The keyset position of `c`; none for absent, empty or the `null`/`undefined` some clients send. */
export function continuationParam(params: URLSearchParams): Cursor | undefined {
  const c = params.get('c')?.trim();
  if (!c || c === 'null' || c === 'undefined') return undefined;
  const cursor = decodeCursor(c);
  if (!cursor) throw new BadRequest(`invalid continuation: ${c}`);
  return cursor;
}

export interface RefPage {
  refs: ItemRef[];
  continuation?: string;
}

/**
 * A page of a stream's item refs, newest first (`r=o`: oldest first), keyset-continued: items arriving between
 * pages land before the first page (or after the last, oldest first) and never shift the pages still to come.
 */
export async function streamRefs(
  store: Pick<ItemStore, 'listItemRefs'>,
  filter: ItemFilter | null,
  params: URLSearchParams,
  fallback: number,
  cap: number,
): Promise<RefPage> {
  const limit = countParam(params, fallback, cap);
  const after = continuationParam(params);
  if (!filter) return { refs: [] };
  const page = await store.listItemRefs(filter, limit, after, { oldestFirst: params.get('r') === 'o' });
  return { refs: page.items, continuation: page.next ? encodeCursor(page.next) : undefined };
}

/** `streamRefs` as one text of refs in `format` (stream/items/ids). */
export async function streamRefText(
  store: Pick<ItemStore, 'listItemRefText'>,
  filter: ItemFilter | null,
  params: URLSearchParams,
  fallback: number,
  cap: number,
  format: RefTextFormat,
): Promise<{ text: string; continuation?: string }> {
  const limit = countParam(params, fallback, cap);
  const after = continuationParam(params);
  if (!filter) return { text: '' };
  const page = await store.listItemRefText(filter, limit, after, { oldestFirst: params.get('r') === 'o', format });
  return { text: page.text, continuation: page.next ? encodeCursor(page.next) : undefined };
}
