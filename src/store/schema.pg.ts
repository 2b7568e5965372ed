import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

// Same tables, columns and TypeScript types as schema.sqlite.ts (generated from it by hand; keep in step).
// Times are epoch milliseconds everywhere.

export const sources = pgTable(
  'sources',
  {
    id: serial('id').primaryKey(),
    /** The URL as written in rundschau.yaml: the key config sync matches on. */
    configUrl: text('config_url').notNull(),
    /** The URL fetched: the config URL, or where a consistent permanent redirect led. */
    fetchUrl: text('fetch_url').notNull(),
    title: text('title').notNull().default(''),
    feedTitle: text('feed_title'),
    siteUrl: text('site_url'),
    description: text('description'),
    category: text('category').notNull().default('Uncategorized'),
    tags: text('tags').notNull().default('[]'),
    language: text('language'),
    identity: text('identity').notNull().default('auto'),
    intervalOverride: integer('interval_override'),
    retentionDays: integer('retention_days'),
    retentionItems: integer('retention_items'),
    retentionMinItems: integer('retention_min_items'),
    inConfig: boolean('in_config').notNull().default(true),
    enabled: boolean('enabled').notNull().default(true),
    status: text('status').notNull().default('new'),
    errorReason: text('error_reason'),
    lastError: text('last_error'),
    consecutiveErrors: integer('consecutive_errors').notNull().default(0),
    lastFetchAt: bigint('last_fetch_at', { mode: 'number' }),
    lastSuccessAt: bigint('last_success_at', { mode: 'number' }),
    nextFetchAt: bigint('next_fetch_at', { mode: 'number' }).notNull().default(0),
    etag: text('etag'),
    lastModified: text('last_modified'),
    /** A permanent redirect target seen on consecutive fetches, and how many times in a row. */
    redirectUrl: text('redirect_url'),
    redirectCount: integer('redirect_count').notNull().default(0),
    /** Mean seconds between the feed's recent items: drives the adaptive schedule. */
    publishIntervalSec: doublePrecision('publish_interval_sec'),
    /** The feed's own earliest-next-fetch (TTL, Cache-Control, Expires, Retry-After), epoch ms. */
    notBefore: bigint('not_before', { mode: 'number' }),
    itemCount: integer('item_count').notNull().default(0),
    unreadCount: integer('unread_count').notNull().default(0),
    /** Bumped whenever one of the source's items is inserted, changed, removed or joins a story: published feeds'
     * ETags are made of it, so a change anywhere in a feed (not only at its top) reaches subscribers. */
    itemsVersion: integer('items_version').notNull().default(0),
    /** When `itemsVersion` last moved, epoch ms: the published feeds' Last-Modified. */
    itemsChangedAt: bigint('items_changed_at', { mode: 'number' }).notNull().default(0),
    leaseOwner: text('lease_owner'),
    leaseUntil: bigint('lease_until', { mode: 'number' }),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('sources_config_url').on(t.configUrl), index('sources_due').on(t.nextFetchAt)],
);

export const items = pgTable(
  'items',
  {
    id: serial('id').primaryKey(),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id),
    uid: text('uid').notNull(),
    guid: text('guid'),
    link: text('link'),
    title: text('title').notNull(),
    author: text('author'),
    summary: text('summary').notNull().default(''),
    language: text('language'),
    publishedAt: bigint('published_at', { mode: 'number' }).notNull(),
    dateEstimated: boolean('date_estimated').notNull().default(false),
    updatedAt: bigint('updated_at', { mode: 'number' }),
    firstSeenAt: bigint('first_seen_at', { mode: 'number' }).notNull(),
    changedAt: bigint('changed_at', { mode: 'number' }).notNull(),
    categories: text('categories').notNull().default('[]'),
    enclosures: text('enclosures').notNull().default('[]'),
    imageUrl: text('image_url'),
    contentHash: text('content_hash').notNull(),
    /** Key shared by items that report the same story (curate/stories.ts). */
    storyKey: text('story_key'),
    read: boolean('read').notNull().default(false),
    starred: boolean('starred').notNull().default(false),
    /** Last on purpose: SQLite keeps a long body in overflow pages, and columns after it would be read through them. */
    contentHtml: text('content_html').notNull().default(''),
  },
  (t) => [
    uniqueIndex('items_source_uid').on(t.sourceId, t.uid),
    index('items_river').on(t.publishedAt, t.id),
    index('items_source_river').on(t.sourceId, t.publishedAt, t.id),
    // Retention looks for items first seen before its cutoff: the old ones only, not the whole source.
    index('items_source_first_seen').on(t.sourceId, t.firstSeenAt),
    index('items_unread_river').on(t.publishedAt, t.id).where(sql`${t.read} = false`),
    // A feed's or a folder's unread items (the sync apps' most frequent lists): read from the index alone.
    index('items_source_unread_river').on(t.sourceId, t.publishedAt, t.id).where(sql`${t.read} = false`),
    index('items_starred_river').on(t.publishedAt, t.id).where(sql`${t.starred} = true`),
    index('items_story').on(t.storyKey),
  ],
);

/** Items removed by retention: remembered so the next fetch does not bring them back. */
export const tombstones = pgTable(
  'tombstones',
  {
    sourceId: integer('source_id').notNull(),
    uid: text('uid').notNull(),
    removedAt: bigint('removed_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.sourceId, t.uid] })],
);

export const fetchAttempts = pgTable(
  'fetch_attempts',
  {
    id: serial('id').primaryKey(),
    sourceId: integer('source_id').notNull(),
    startedAt: bigint('started_at', { mode: 'number' }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    outcome: text('outcome').notNull(),
    httpStatus: integer('http_status'),
    errorReason: text('error_reason'),
    error: text('error'),
    bytes: integer('bytes'),
    itemsNew: integer('items_new').notNull().default(0),
    itemsUpdated: integer('items_updated').notNull().default(0),
  },
  (t) => [index('fetch_attempts_source').on(t.sourceId, t.startedAt)],
);

export const topics = pgTable('topics', {
  slug: text('slug').primaryKey(),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  /** Hash of the topic's rules: a change re-scores stored items. */
  rulesHash: text('rules_hash').notNull(),
  /** Bumped whenever the topic's published selection may have changed: part of feed ETags. */
  version: integer('version').notNull().default(0),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
});

export const topicItems = pgTable(
  'topic_items',
  {
    topicSlug: text('topic_slug').notNull(),
    itemId: integer('item_id').notNull(),
    score: doublePrecision('score').notNull(),
    /** JSON: which terms matched where, the learned model's part. */
    evidence: text('evidence').notNull().default('{}'),
    /** `auto` from scoring; `pinned` / `excluded` from an editor, which always wins. */
    decision: text('decision').notNull().default('auto'),
    included: boolean('included').notNull(),
    publishedAt: bigint('published_at', { mode: 'number' }).notNull(),
    scoredAt: bigint('scored_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.topicSlug, t.itemId] }),
    index('topic_items_river').on(t.topicSlug, t.publishedAt, t.itemId).where(sql`${t.included} = true`),
  ],
);

/** Passwords for sync apps (Google Reader, Fever APIs), apart from the editor's: `rundschau app-password`. */
export const appPasswords = pgTable(
  'app_passwords',
  {
    id: serial('id').primaryKey(),
    /** The login name apps send (Email= in ClientLogin). */
    name: text('name').notNull(),
    /** scrypt, as web/auth.ts hashes. */
    passwordHash: text('password_hash').notNull(),
    /** md5("name:password") in hex: what the Fever protocol sends as api_key, so it is kept from creation. */
    feverKey: text('fever_key').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    lastUsedAt: bigint('last_used_at', { mode: 'number' }),
  },
  (t) => [uniqueIndex('app_passwords_name').on(t.name), index('app_passwords_fever_key').on(t.feverKey)],
);

export const itemFullTexts = pgTable(
  'item_full_texts',
  {
    itemId: integer('item_id').primaryKey(),
    status: text('status').notNull(),
    reason: text('reason'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: bigint('next_attempt_at', { mode: 'number' }).notNull().default(0),
    requestedAt: bigint('requested_at', { mode: 'number' }).notNull(),
    extractedAt: bigint('extracted_at', { mode: 'number' }),
    contentHtml: text('content_html').notNull().default(''),
  },
  (t) => [index('item_full_texts_due').on(t.status, t.nextAttemptAt)],
);

/** Processes that fetch (workers, all-in-one): each heartbeats `seenAt`; a stale one is gone and its leases free. */
export const workers = pgTable('workers', {
  owner: text('owner').primaryKey(),
  role: text('role').notNull(),
  startedAt: bigint('started_at', { mode: 'number' }).notNull(),
  seenAt: bigint('seen_at', { mode: 'number' }).notNull(),
  /** Fetches this process finished (any outcome): per-worker rates across the cluster. */
  fetches: integer('fetches').notNull().default(0),
});

/** One row per host: when the next request to it may start (cluster-wide politeness gap). */
export const fetchHosts = pgTable('fetch_hosts', {
  host: text('host').primaryKey(),
  nextStartAt: bigint('next_start_at', { mode: 'number' }).notNull().default(0),
});

/**
 * A host's request slots, cluster-wide: `perHostConcurrency` of them are used (rows for the most a config may ask
 * for exist); a slot is taken while `leaseUntil` lies ahead, so a crashed holder's slot lapses by itself.
 */
export const hostSlots = pgTable(
  'host_slots',
  {
    host: text('host').notNull(),
    slot: integer('slot').notNull(),
    owner: text('owner'),
    leaseUntil: bigint('lease_until', { mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.host, t.slot] })],
);

export const siteIcons = pgTable('site_icons', {
  origin: text('origin').primaryKey(),
  contentType: text('content_type'),
  body: text('body').notNull().default(''),
  fetchedAt: bigint('fetched_at', { mode: 'number' }).notNull(),
});

/**
 * What a WebSub hub was last told about each published feed (its path): the feed's version mark. The process that
 * moves a mark pings the hub, so one change is announced once however many processes notice it.
 */
export const websubMarks = pgTable(
  'websub_marks',
  {
    hub: text('hub').notNull(),
    path: text('path').notNull(),
    mark: text('mark').notNull(),
    announcedAt: bigint('announced_at', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.hub, t.path] })],
);
