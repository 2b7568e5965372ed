import type { RetentionPolicy } from '../config/retention.ts';
import type { SourceConfig } from '../config/schema.ts';
import type { Enclosure, NewItem } from '../normalize/types.ts';
import type * as schema from './schema.sqlite.ts';
import type { MatchTerm } from './search-text.ts';

export type SourceRow = typeof schema.sources.$inferSelect;
export type ItemRow = typeof schema.items.$inferSelect;

/** Health lifecycle of a source: `new` until its first fetch. */
export type SourceStatus = 'new' | 'ok' | 'degraded' | 'failing' | 'dead';

export type FetchOutcome = 'ok' | 'not_modified' | 'error';

/** What one fetch of a source changes on it (schedule/ computes it; the store only writes it). */
export interface SourceUpdate {
  status?: SourceStatus;
  errorReason?: string | null;
  lastError?: string | null;
  consecutiveErrors?: number;
  lastFetchAt?: number;
  lastSuccessAt?: number;
  nextFetchAt?: number;
  etag?: string | null;
  lastModified?: string | null;
  fetchUrl?: string;
  redirectUrl?: string | null;
  redirectCount?: number;
  publishIntervalSec?: number | null;
  notBefore?: number | null;
  feedTitle?: string | null;
  siteUrl?: string | null;
  description?: string | null;
}

export interface FetchAttemptRecord {
  startedAt: number;
  durationMs: number;
  outcome: FetchOutcome;
  httpStatus?: number | null;
  errorReason?: string | null;
  error?: string | null;
  bytes?: number | null;
  itemsNew?: number;
  itemsUpdated?: number;
}

export interface SyncResult {
  added: string[];
  updated: string[];
  /** In the database but no longer in the config: no longer fetched, items kept. */
  removed: string[];
}

/** What a feed says of itself that its published entries print. */
export interface FeedNaming {
  feedTitle: string | null;
  siteUrl: string | null;
}

export interface UpsertResult {
  /** Rows inserted, with their new ids. */
  inserted: StoredItem[];
  /** Rows whose visible content changed (same id). */
  updated: StoredItem[];
  unchanged: number;
  /** Entries skipped because retention removed them before. */
  tombstoned: number;
}

/** An item as the rest of the app sees it: JSON columns parsed, source facts joined. */
export interface StoredItem extends Omit<NewItem, 'categories' | 'enclosures'> {
  id: number;
  sourceId: number;
  categories: string[];
  enclosures: Enclosure[];
  firstSeenAt: number;
  changedAt: number;
  read: boolean;
  starred: boolean;
  storyKey: string | null;
}

export interface ItemWithSource extends StoredItem {
  sourceTitle: string;
  sourceUrl: string;
  sourceSiteUrl: string | null;
  sourceCategory: string;
}

/** Keyset position in a river ordered by (publishedAt desc, id desc). */
export interface Cursor {
  publishedAt: number;
  id: number;
}

export interface ItemFilter {
  sourceId?: number;
  category?: string;
  topic?: string;
  unreadOnly?: boolean;
  starredOnly?: boolean;
  language?: string;
  /** Only read items (the sync APIs' read stream). */
  readOnly?: boolean;
  /** Leaves starred items out (a sync app excluding its starred stream). */
  unstarredOnly?: boolean;
  /** Published at or after, epoch ms. */
  publishedFrom?: number;
  /** Published at or before, epoch ms. */
  publishedUntil?: number;
  /** Leaves these sources' items out (a sync app excluding a feed or a category: `xt`). */
  excludeSourceIds?: number[];
  /** Leaves the items included in these topics out (a sync app excluding a topic's label). */
  excludeTopics?: string[];
}

/**
 * How `listItemRefText` writes each ref: `before`, the id, then (with `between`) `between` and the published time in
 * epoch ms, then `after`; refs joined by `separator`. E.g. `{ before: '', after: '', separator: ',' }`: "3,2,1".
 */
export interface RefTextFormat {
  before: string;
  between?: string;
  after: string;
  separator: string;
}

/** An item's place in a river: what id lists (sync APIs) need, read straight from an index. */
export interface ItemRef {
  id: number;
  publishedAt: number;
}

export interface Page<T> {
  items: T[];
  /** Cursor of the next (older) page, absent on the last page. */
  next?: Cursor;
}

export interface SearchHit extends ItemWithSource {
  /** The words the query looked for, for the view to mark in the title and excerpt (plain data, no HTML). */
  terms: MatchTerm[];
  /**
   * The plain text to show an excerpt of: the summary, unless the query's words are not in it but in the extracted
   * article (then the article's text, where the excerpt finds them).
   */
  snippet: string;
}

export interface UnreadCounts {
  total: number;
  bySource: Record<number, number>;
  byCategory: Record<string, number>;
  starred: number;
}

export type TopicDecision = 'auto' | 'pinned' | 'excluded';

export interface TopicScore {
  itemId: number;
  score: number;
  included: boolean;
  /** Why the item scored so (curate's Evidence) … */
  evidence?: unknown;
  /** … or the same already as JSON, as the scoring workers send it (text crosses threads far cheaper than objects). */
  evidenceJson?: string;
  publishedAt: number;
}

export interface TopicItem extends ItemWithSource {
  score: number;
  evidence: unknown;
  decision: TopicDecision;
}

export interface TopicRow {
  slug: string;
  title: string;
  description: string;
  rulesHash: string;
  version: number;
  updatedAt: number;
}

/** What the validators of published feeds (all, per category) are made of: see `sources.items_version`. */
export interface ItemsMark {
  /** Sources counted. */
  sources: number;
  /**
   * Sum of their item versions. Each moves whenever one of the source's items is inserted, changed, removed or
   * joins a story, and when the feed's own title or site changes; never for read/starred. Versions only grow, so
   * for one set of sources the sum changes with every such change.
   */
  version: number;
  /** When one of them last moved, epoch ms (0: not since this was recorded). */
  changedAt: number;
}

export interface SourceHealth extends SourceRow {
  itemsPerWeek: number;
}

export interface FetchAttempt extends FetchAttemptRecord {
  id: number;
}

/*
 * The storage API, one part per entity (cf. Miniflux's internal/storage/<entity>.go). Callers take the part they
 * use; `Store` composes them for the runtime. Implemented in store/<entity>.ts over both dialects.
 */

/** Sources: config sync, health, claiming due sources under a lease, recording fetches. */
export interface SourceStore {
  syncSources(sources: SourceConfig[], now?: number): Promise<SyncResult>;
  listSources(): Promise<SourceRow[]>;
  sourceHealth(now?: number): Promise<SourceHealth[]>;
  getSource(id: number): Promise<SourceRow | undefined>;
  /** Matches the config URL or the current fetch URL (after normalisation). */
  findSourceByUrl(url: string): Promise<SourceRow | undefined>;
  /**
   * Claims up to `limit` enabled, in-config sources whose next fetch is due and that no one else holds, leasing them
   * to `owner` until `now + leaseMs` so that no other process fetches them meanwhile (SKIP LOCKED on PostgreSQL).
   * `force` takes them due or not, leaving dead ones unless `onlyIds` names them.
   */
  claimDueSources(
    owner: string,
    limit: number,
    leaseMs: number,
    now?: number,
    force?: boolean,
    onlyIds?: number[],
  ): Promise<SourceRow[]>;
  /** Owners of leases that have not lapsed at `now`. */
  leaseHolders(now?: number): Promise<string[]>;
  /** PostgreSQL: marks `owner` alive for as long as this process's database session lives (no-op on SQLite). */
  announceLeaseOwner(owner: string): Promise<void>;
  /** PostgreSQL: which of these owners announced themselves and still run; undefined on SQLite (no such record). */
  liveLeaseOwners(owners: string[]): Promise<Set<string> | undefined>;
  /** Frees every lease of these owners (processes known to be gone); returns how many sources were freed. */
  releaseLeases(owners: string[]): Promise<number>;
  /** Extends every lease `owner` holds to `leaseUntil` (a heartbeat while it fetches); returns how many. */
  renewLeases(owner: string, leaseUntil: number): Promise<number>;
  /** Writes the fetch's effect on the source, records the attempt, releases the lease. */
  finishFetch(sourceId: number, update: SourceUpdate, attempt: FetchAttemptRecord): Promise<void>;
  /** The newest `perSource` fetch attempts of every source that has any, newest first (the log keeps two weeks). */
  recentAttempts(perSource: number): Promise<Map<number, FetchAttempt[]>>;
}

/** Items: ingest (upsert, retention), rivers, read/star, batch scans, story keys and the published feeds' change mark. */
export interface ItemStore {
  /** Inserts new items, updates changed ones in place, writes nothing for unchanged or tombstoned ones. */
  /** `naming`: the feed's own title and site as just fetched, stored with the items (one change, not two). */
  upsertItems(sourceId: number, items: NewItem[], now?: number, naming?: FeedNaming): Promise<UpsertResult>;
  /**
   * Removes items first seen more than `days` ago or beyond the newest `items`, but never a starred one, one of the
   * `minItems` newest, or one whose uid is in `inLatestDocument` (the source's latest parsed document); leaves a
   * tombstone for each removed item. Returns how many were removed.
   */
  applyRetention(
    sourceId: number,
    policy: RetentionPolicy,
    now?: number,
    inLatestDocument?: Iterable<string>,
  ): Promise<number>;

  /** A river page, newest first; `content: false` leaves `contentHtml` empty (rivers show summaries). */
  listItems(
    filter: ItemFilter,
    limit: number,
    before?: Cursor,
    opts?: { content?: boolean },
  ): Promise<Page<ItemWithSource>>;
  getItem(id: number): Promise<ItemWithSource | undefined>;
  getItemsByIds(ids: number[]): Promise<ItemWithSource[]>;
  setRead(ids: number[], read: boolean): Promise<number>;
  /** Like setRead, but says which of the ids changed (e.g. so that "mark all read" can be undone exactly). */
  changeRead(ids: number[], read: boolean): Promise<number[]>;
  /**
   * The ids of the items next to `at` in river order (newest first) among those matching the filter: `newer`
   * is the one above it, `older` the one below. `at` itself need not match (an item just marked read).
   */
  adjacentItems(filter: ItemFilter, at: Cursor): Promise<{ newer?: number; older?: number }>;
  setStarred(id: number, starred: boolean): Promise<void>;
  /**
   * Ids of the items matching `filter` (its topic too), keyset-paged like rivers: newest first, or oldest first
   * with `oldestFirst` (then `after` is the last ref of the page before, and `next` that of this one).
   */
  listItemRefs(
    filter: ItemFilter,
    limit: number,
    after?: Cursor,
    opts?: { oldestFirst?: boolean },
  ): Promise<Page<ItemRef>>;
  /**
   * The refs `listItemRefs` would list, written as one text by the database (`format`): the sync APIs' long id
   * lists, without an object per ref. A page may hold a few more than `limit` refs when items arrive meanwhile;
   * `next` continues exactly after its last one (nothing is missed or repeated).
   */
  listItemRefText(
    filter: ItemFilter,
    limit: number,
    after: Cursor | undefined,
    opts: { oldestFirst?: boolean; format: RefTextFormat },
  ): Promise<{ text: string; next?: Cursor }>;
  /** Marks every unread item matching `filter` (its topic too) read; returns the ids it changed. */
  markFilterRead(filter: ItemFilter): Promise<number[]>;
  /**
   * Ids of these items and of every report of their stories (curate/stories.ts keys), ascending; unknown ids are
   * left out. The one question behind "mark the story read" in the river and in sync apps.
   */
  storyReportIds(ids: number[]): Promise<number[]>;
  /** Items by id order for id-cursor protocols (Fever): ids above `after` ascending, or below `before` descending (`before: 0`: from the newest). */
  itemsByIdRange(range: { after?: number; before?: number }, limit: number): Promise<ItemWithSource[]>;
  /** Items in id order after `afterId`, for batch jobs (re-scoring, story keys). */
  scanItems(afterId: number, limit: number): Promise<StoredItem[]>;
  /** Sets items' story keys; `null` takes an item out of its story (it stands alone). */
  setStoryKeys(pairs: { itemId: number; storyKey: string | null }[]): Promise<void>;
  itemsByStoryKeys(keys: string[]): Promise<ItemWithSource[]>;
  /** The reports of the item's story, earliest first (the item alone when it has no story); [] for no such item. */
  storyReports(itemId: number): Promise<ItemWithSource[]>;
  /** Marks these items and every report of their stories read (or unread); returns the ids that changed. */
  markStoryRead(ids: number[], read: boolean): Promise<number[]>;
  /** The change mark of all sources' items (or one category's): one aggregate over `sources`, none over items. */
  itemsMark(category?: string): Promise<ItemsMark>;

  /**
   * Queues these items for full-text extraction, due at `now`. An item already queued or extracted is left as it is,
   * unless `again` (a reader asked for it): then it is due now with fresh attempts, its article kept until replaced.
   */
  queueFullTexts(itemIds: number[], now?: number, again?: boolean): Promise<void>;
  /**
   * Takes up to `limit` due extractions, oldest due first, and holds them for `leaseMs` (another process, or this
   * one after a crash, takes them again after that). Returns their item ids and attempts so far.
   */
  claimFullTexts(limit: number, leaseMs: number, now?: number): Promise<{ itemId: number; attempts: number }[]>;
  /** Records an attempt: the article (and bumps the feeds that show the item), or why not and when to try again. */
  finishFullText(itemId: number, outcome: FullTextOutcome, now?: number): Promise<void>;
  fullTextOf(itemId: number): Promise<FullText | undefined>;
  /** The extracted articles of these items (those that have one), by item id. */
  fullTextsOf(itemIds: number[]): Promise<Map<number, string>>;
}

/** Where an item's full-text extraction stands (table item_full_texts; src/extract/ does the work). */
export type FullTextStatus = 'pending' | 'done' | 'failed';

export interface FullText {
  itemId: number;
  status: FullTextStatus;
  /** Why the last attempt failed (a fetch reason or an extraction one), null when it did not. */
  reason: string | null;
  error: string | null;
  attempts: number;
  nextAttemptAt: number;
  requestedAt: number;
  extractedAt: number | null;
  /** The article's sanitised HTML ('' until done). */
  contentHtml: string;
}

/** What one extraction attempt ended in. */
export type FullTextOutcome =
  | { status: 'done'; contentHtml: string }
  | { status: 'pending' | 'failed'; reason: string; error: string; nextAttemptAt?: number };

/** Topics: their rows, item scores and editors' decisions, topic rivers. */
export interface TopicStore {
  /** Creates or updates a topic; returns whether its rules changed (re-score needed). */
  upsertTopic(
    topic: { slug: string; title: string; description: string; rulesHash: string },
    now?: number,
  ): Promise<{
    created: boolean;
    rulesChanged: boolean;
  }>;
  listTopics(): Promise<TopicRow[]>;
  getTopic(slug: string): Promise<TopicRow | undefined>;
  /** Stores scores; an editor's decision on an item is kept and keeps deciding `included`. Bumps the version. */
  saveTopicScores(slug: string, scores: TopicScore[], now?: number): Promise<void>;
  setTopicDecision(slug: string, itemId: number, decision: TopicDecision, now?: number): Promise<void>;
  /**
   * Included items of a topic, newest first, with score, evidence and decision; `content: false` leaves
   * `contentHtml` empty.
   */
  listTopicItems(
    slug: string,
    limit: number,
    before?: Cursor,
    language?: string,
    opts?: { content?: boolean },
  ): Promise<Page<TopicItem>>;
  /** Items an editor pinned or excluded: training labels for the learned model. */
  topicDecisions(slug: string): Promise<{ item: StoredItem; decision: TopicDecision }[]>;
  itemTopics(
    itemId: number,
  ): Promise<
    { slug: string; title: string; score: number; evidence: unknown; decision: TopicDecision; included: boolean }[]
  >;
}

/** Full-text search: items and the terms they matched (plain data; the view marks them). */
export interface SearchStore {
  /**
   * Items matching a query in the search syntax (store/search-query.ts), best first (recency breaks ties); none
   * when the query has nothing to look for (parseSearch says why).
   */
  search(query: string, limit: number, offset?: number): Promise<SearchHit[]>;
}

/** The reader's sidebar counts. */
export interface CountStore {
  unreadCounts(): Promise<UnreadCounts>;
  /**
   * A value that changes whenever anything a read returns may have changed (any connection's commit, other
   * processes' included, and this store's own writes); undefined where the database has no cheap change counter
   * (PostgreSQL). Equal values mean equal reads: pages may be cached by it.
   */
  changeVersion(): string | undefined;
  /** Unread included items per topic slug (the sync APIs show topics as labels). */
  topicUnreadCounts(): Promise<Record<string, number>>;
  /** What /metrics reports about the fetch work of every process sharing the database: health, backlog, leases. */
  fleetStatus(now?: number): Promise<FleetStatus>;
}

/** The fetch work as the database sees it (the same from every process): read at each /metrics scrape. */
export interface FleetStatus {
  /** Enabled sources in the config, by health status. */
  byStatus: Partial<Record<SourceStatus, number>>;
  /** Of those, due now and not leased: waiting for a worker. */
  due: number;
  /** When the longest-waiting of them became due, epoch ms (undefined: none due). */
  oldestDueAt?: number;
  /** Live leases per owner: how many sources it holds, and the earliest lease expiry among them. */
  leases: { owner: string; sources: number; earliestLeaseUntil: number }[];
}

/** A password for the sync APIs (Google Reader, Fever); its name is the login name. */
export interface AppPassword {
  id: number;
  name: string;
  /** scrypt hash (web/auth.ts format). */
  passwordHash: string;
  /** md5("name:password"), hex: the Fever api_key. */
  feverKey: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** App passwords: made and revoked by `rundschau app-password`, checked by the sync APIs. */
export interface AppPasswordStore {
  /** Stores a new app password; undefined when one with this name exists. */
  addAppPassword(
    entry: { name: string; passwordHash: string; feverKey: string },
    now?: number,
  ): Promise<AppPassword | undefined>;
  listAppPasswords(): Promise<AppPassword[]>;
  getAppPassword(name: string): Promise<AppPassword | undefined>;
  appPasswordByFeverKey(feverKey: string): Promise<AppPassword | undefined>;
  /** Whether there was one to remove. */
  revokeAppPassword(name: string): Promise<boolean>;
  touchAppPassword(name: string, now?: number): Promise<void>;
}

/** A site's icon as stored: `contentType` and `body` null for a negative entry (the site had no usable icon). */
export interface SiteIconRow {
  origin: string;
  contentType: string | null;
  body: Uint8Array<ArrayBuffer> | null;
  fetchedAt: number;
}

/** Site icons by origin: fetched once per site (web/favicons.ts), kept across restarts, shared by processes. */
export interface SiteIconStore {
  siteIcon(origin: string): Promise<SiteIconRow | undefined>;
  /** Stores (or replaces) the origin's icon; null records that it has none. */
  saveSiteIcon(origin: string, icon: { contentType: string; body: Uint8Array } | null, now?: number): Promise<void>;
}

/** The numbers behind the reader's pictures, bucketed by UTC day (`floor(ms / 86400000)`) or hour. */
export interface StatsStore {
  /** Items per source and day of publication, since `since`; only these sources with `sourceIds` (one query). */
  itemsPerDay(
    since: number,
    sourceIds?: number | readonly number[],
  ): Promise<{ sourceId: number; day: number; n: number }[]>;
  /**
   * The newest `perSource` attempts of each source since `since`, newest first (what a fetch strip shows); only
   * these sources with `sourceIds` (one query).
   */
  recentAttemptsSince(
    since: number,
    perSource: number,
    sourceIds?: readonly number[],
  ): Promise<Map<number, { outcome: string; errorReason: string | null; startedAt: number }[]>>;
  /** One source's newest attempts, newest first, whole: its error history. */
  sourceAttempts(sourceId: number, limit: number): Promise<FetchAttempt[]>;
  /** Attempts and failed attempts per source and day: health over time. */
  attemptsPerSourceDay(since: number): Promise<{ sourceId: number; day: number; total: number; errors: number }[]>;
  /** Start time and duration of attempts since `since`, newest first (for latency percentiles). */
  fetchDurations(since: number, limit?: number): Promise<{ startedAt: number; durationMs: number }[]>;
  /** Items first seen per hour. */
  itemsIngestedPerHour(since: number): Promise<{ hour: number; n: number }[]>;
  /** Items included in a topic per day of publication and language. */
  topicItemsPerDay(slug: string, since: number): Promise<{ day: number; language: string; n: number }[]>;
  /** A topic's members by how they got in or out: scored in (`auto`), pinned, excluded. */
  topicDecisionCounts(slug: string): Promise<{ auto: number; pinned: number; excluded: number }>;
}

/** The whole store: every part, plus the connection's life. What the runtime holds. */
export interface WorkerRow {
  owner: string;
  role: string;
  startedAt: number;
  seenAt: number;
  fetches: number;
}

/** A cluster-wide request slot for a host: granted (release it by id), or not yet (retry at `retryAt` or soon). */
export type HostSlot =
  | { granted: true; host: string; slot: number; owner: string }
  | { granted: false; retryAt?: number };

/** Processes that fetch, their heartbeats, and the per-host request slots they share (see workers.ts). */
export interface WorkerStore {
  /** Records that `owner` is alive at `now` (adding it on the first beat) and adds the fetches it finished since. */
  heartbeat(owner: string, role: string, now: number, fetchesDone?: number): Promise<void>;
  listWorkers(): Promise<WorkerRow[]>;
  /** Owners whose last heartbeat is older than `seenBefore`. */
  staleWorkers(seenBefore: number): Promise<string[]>;
  /** Drops gone owners' heartbeat rows and host slots. */
  forgetWorkers(owners: string[]): Promise<void>;
  /**
   * Takes one of the host's `perHost` request slots if one is free and the host's gap has passed (then the gap
   * starts again), for at most `leaseMs`. One statement each for the slot and the gap (row locks keep it exact).
   */
  acquireHostSlot(
    host: string,
    owner: string,
    limits: { perHost: number; gapMs: number; leaseMs: number },
    now?: number,
  ): Promise<HostSlot>;
  releaseHostSlot(slot: { host: string; slot: number; owner: string }): Promise<void>;
  /** Requests in flight per host, cluster-wide. */
  hostSlotsInFlight(now?: number): Promise<Map<string, number>>;
}

/** What WebSub hubs were told about each published feed (see websub.ts), shared by every process. */
export interface WebSubStore {
  /**
   * Under a cluster-wide lock: reads the feeds' current marks (path → version mark) with `read`, records them as
   * what `hub` has been told and returns the paths whose mark moved (new paths too): the caller pings the hub for
   * those, and no other process will for the same change. While nothing is recorded for the hub (just configured),
   * records a baseline and returns none; `baselineOnly` records that baseline and nothing else.
   */
  moveFeedMarks(
    hub: string,
    read: () => Promise<Map<string, string>>,
    now: number,
    opts?: { baselineOnly?: boolean },
  ): Promise<string[]>;
}

export interface Store
  extends SourceStore,
    ItemStore,
    TopicStore,
    SearchStore,
    CountStore,
    AppPasswordStore,
    StatsStore,
    SiteIconStore,
    WorkerStore,
    WebSubStore {
  readonly dialect: 'sqlite' | 'pg';
  close(): Promise<void>;
  ping(): Promise<boolean>;
  /** Runs `fn` exclusively among the processes sharing the database (config sync; see Connection.exclusive). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` unless another process runs the job `name` now (undefined then; see Connection.tryExclusive). */
  tryExclusive<T>(name: string, fn: () => Promise<T>): Promise<{ value: T } | undefined>;
}
