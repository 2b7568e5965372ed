import type { NewItem } from '../normalize/types.ts';
import type { Schema } from './db-types.ts';
import type {
  FetchAttempt,
  FetchAttemptRecord,
  ItemRow,
  ItemWithSource,
  Page,
  StoredItem,
  TopicDecision,
  TopicItem,
} from './types.ts';

/** Row mapping between the database and the types the rest of the app sees: the one place that knows both. */

/** Rows per multi-row statement: well under SQLite's 32766 and PostgreSQL's 65535 bound parameters. */
export const CHUNK = 200;

export function chunks<T>(list: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function toStoredItem(row: ItemRow): StoredItem {
  return {
    id: row.id,
    sourceId: row.sourceId,
    uid: row.uid,
    guid: row.guid,
    link: row.link,
    title: row.title,
    author: row.author,
    summary: row.summary,
    contentHtml: row.contentHtml ?? '',
    language: row.language,
    publishedAt: Number(row.publishedAt),
    dateEstimated: row.dateEstimated,
    updatedAt: row.updatedAt == null ? null : Number(row.updatedAt),
    categories: parseJson(row.categories, []),
    enclosures: parseJson(row.enclosures, []),
    imageUrl: row.imageUrl,
    contentHash: row.contentHash ?? '',
    firstSeenAt: Number(row.firstSeenAt ?? row.publishedAt),
    changedAt: Number(row.changedAt ?? row.publishedAt),
    read: row.read,
    starred: row.starred,
    storyKey: row.storyKey,
  };
}

/** An item row joined with the source facts every list shows. */
export interface RiverRow {
  item: ItemRow;
  sourceTitle: string;
  sourceFeedTitle: string | null;
  sourceUrl: string;
  sourceSiteUrl: string | null;
  sourceCategory: string;
}

export interface TopicRiverRow extends RiverRow {
  score: number;
  evidence: string;
  decision: string;
}

/** The select of an item with its source; `withContent: false` leaves bodies and bookkeeping columns out. */
export function riverColumns(t: Schema, withContent = true) {
  const { items, sources } = t;
  return {
    // Rivers show summaries: leaving bodies and bookkeeping columns in the database saves reading, copying and
    // parsing them for every entry of every page.
    item: withContent ? items : riverItemColumns(items),
    sourceTitle: sources.title,
    sourceFeedTitle: sources.feedTitle,
    sourceUrl: sources.configUrl,
    sourceSiteUrl: sources.siteUrl,
    sourceCategory: sources.category,
  };
}

/** The columns a river entry shows; toStoredItem fills the others with empty values. */
function riverItemColumns(items: Schema['items']) {
  const { id, sourceId, uid, guid, link, title, author, summary, language, publishedAt, dateEstimated } = items;
  const { read, starred, storyKey, imageUrl } = items;
  return {
    id,
    sourceId,
    uid,
    guid,
    link,
    title,
    author,
    summary,
    language,
    publishedAt,
    dateEstimated,
    read,
    starred,
    storyKey,
    imageUrl,
  } as unknown as Schema['items'];
}

export function withSource(row: RiverRow): ItemWithSource {
  // Extends the StoredItem in place: spreading a 25-field object per row showed up in every page's profile.
  const item = toStoredItem(row.item) as ItemWithSource;
  item.sourceTitle = row.sourceTitle || row.sourceFeedTitle || row.sourceUrl;
  item.sourceUrl = row.sourceUrl;
  item.sourceSiteUrl = row.sourceSiteUrl;
  item.sourceCategory = row.sourceCategory;
  return item;
}

export function toTopicItem(r: TopicRiverRow): TopicItem {
  const item = withSource(r) as TopicItem;
  item.score = r.score;
  item.evidence = parseJson(r.evidence, {});
  item.decision = r.decision as TopicDecision;
  return item;
}

/** The columns of an item row that come from the parsed entry (JSON fields serialised). */
export function itemColumns(item: NewItem) {
  return {
    uid: item.uid,
    guid: item.guid,
    link: item.link,
    title: item.title,
    author: item.author,
    summary: item.summary,
    contentHtml: item.contentHtml,
    language: item.language,
    publishedAt: item.publishedAt,
    dateEstimated: item.dateEstimated,
    updatedAt: item.updatedAt,
    categories: JSON.stringify(item.categories),
    enclosures: JSON.stringify(item.enclosures),
    imageUrl: item.imageUrl,
    contentHash: item.contentHash,
  };
}

/** A whole new item row. */
export type ItemInsert = ReturnType<typeof itemColumns> & { sourceId: number; firstSeenAt: number; changedAt: number };

export function itemInsert(item: NewItem, sourceId: number, now: number): ItemInsert {
  return { ...itemColumns(item), sourceId, firstSeenAt: now, changedAt: now };
}

export function storedFromNew(item: NewItem, id: number, sourceId: number, now: number): StoredItem {
  return {
    ...item,
    id,
    sourceId,
    firstSeenAt: now,
    changedAt: now,
    read: false,
    starred: false,
    storyKey: null,
  };
}

/** A topic membership row as saveTopicScores writes it. */
export interface TopicItemInsert {
  topicSlug: string;
  itemId: number;
  score: number;
  evidence: string;
  decision: string;
  included: boolean;
  publishedAt: number;
  scoredAt: number;
}

export function pageOf<T extends { publishedAt: number; id: number }>(rows: T[], limit: number): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1]!;
  return { items, next: { publishedAt: last.publishedAt, id: last.id } };
}

/** A `fetch_attempts` row as the store hands it out (the sources page strip, a source's error history). */
export function toFetchAttempt(r: Schema['fetchAttempts']['$inferSelect']): FetchAttempt {
  return {
    id: r.id,
    startedAt: Number(r.startedAt),
    durationMs: r.durationMs,
    outcome: r.outcome as FetchAttemptRecord['outcome'],
    httpStatus: r.httpStatus,
    errorReason: r.errorReason,
    error: r.error,
    bytes: r.bytes,
    itemsNew: r.itemsNew,
    itemsUpdated: r.itemsUpdated,
  };
}
