import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Same tables, columns and TypeScript types as schema.pg.ts; store code is typed against this file.
// Times are epoch milliseconds everywhere.

export const sources = sqliteTable(
  'sources',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
    inConfig: integer('in_config', { mode: 'boolean' }).notNull().default(true),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    status: text('status').notNull().default('new'),
    errorReason: text('error_reason'),
    lastError: text('last_error'),
    consecutiveErrors: integer('consecutive_errors').notNull().default(0),
    lastFetchAt: integer('last_fetch_at'),
    lastSuccessAt: integer('last_success_at'),
    nextFetchAt: integer('next_fetch_at').notNull().default(0),
    etag: text('etag'),
    lastModified: text('last_modified'),
    /** A permanent redirect target seen on consecutive fetches, and how many times in a row. */
    redirectUrl: text('redirect_url'),
    redirectCount: integer('redirect_count').notNull().default(0),
    /** Mean seconds between the feed's recent items: drives the adaptive schedule. */
    publishIntervalSec: real('publish_interval_sec'),
    /** The feed's own earliest-next-fetch (TTL, Cache-Control, Expires, Retry-After), epoch ms. */
    notBefore: integer('not_before'),
    itemCount: integer('item_count').notNull().default(0),
    unreadCount: integer('unread_count').notNull().default(0),
    /** Bumped whenever one of the source's items is inserted, changed, removed or joins a story: published feeds'
     * ETags are made of it, so a change anywhere in a feed (not only at its top) reaches subscribers. */
    itemsVersion: integer('items_version').notNull().default(0),
    /** When `itemsVersion` last moved, epoch ms: the published feeds' Last-Modified. */
    itemsChangedAt: integer('items_changed_at').notNull().default(0),
    leaseOwner: text('lease_owner'),
    leaseUntil: integer('lease_until'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('sources_config_url').on(t.configUrl), index('sources_due').on(t.nextFetchAt)],
);

export const items = sqliteTable(
  'items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
    publishedAt: integer('published_at').notNull(),
    dateEstimated: integer('date_estimated', { mode: 'boolean' }).notNull().default(false),
    updatedAt: integer('updated_at'),
    firstSeenAt: integer('first_seen_at').notNull(),
    changedAt: integer('changed_at').notNull(),
    categories: text('categories').notNull().default('[]'),
    enclosures: text('enclosures').notNull().default('[]'),
    imageUrl: text('image_url'),
    contentHash: text('content_hash').notNull(),
    /** Key shared by items that report the same story (curate/stories.ts). */
    storyKey: text('story_key'),
    read: integer('read', { mode: 'boolean' }).notNull().default(false),
    starred: integer('starred', { mode: 'boolean' }).notNull().default(false),
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
export const tombstones = sqliteTable(
  'tombstones',
  {
    sourceId: integer('source_id').notNull(),
    uid: text('uid').notNull(),
    removedAt: integer('removed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sourceId, t.uid] })],
);

export const fetchAttempts = sqliteTable(
  'fetch_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sourceId: integer('source_id').notNull(),
    startedAt: integer('started_at').notNull(),
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

export const topics = sqliteTable('topics', {
  slug: text('slug').primaryKey(),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  /** Hash of the topic's rules: a change re-scores stored items. */
  rulesHash: text('rules_hash').notNull(),
  /** Bumped whenever the topic's published selection may have changed: part of feed ETags. */
  version: integer('version').notNull().default(0),
  updatedAt: integer('updated_at').notNull(),
});

export const topicItems = sqliteTable(
  'topic_items',
  {
    topicSlug: text('topic_slug').notNull(),
    itemId: integer('item_id').notNull(),
    score: real('score').notNull(),
    /** JSON: which terms matched where, the learned model's part. */
    evidence: text('evidence').notNull().default('{}'),
    /** `auto` from scoring; `pinned` / `excluded` from an editor, which always wins. */
    decision: text('decision').notNull().default('auto'),
    included: integer('included', { mode: 'boolean' }).notNull(),
    publishedAt: integer('published_at').notNull(),
    scoredAt: integer('scored_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.topicSlug, t.itemId] }),
    index('topic_items_river').on(t.topicSlug, t.publishedAt, t.itemId).where(sql`${t.included} = true`),
  ],
);

/** Passwords for sync apps (Google Reader, Fever APIs), apart from the editor's: `rundschau app-password`. */
export const appPasswords = sqliteTable(
  'app_passwords',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The login name apps send (Email= in ClientLogin). */
    name: text('name').notNull(),
    /** scrypt, as web/auth.ts hashes. */
    passwordHash: text('password_hash').notNull(),
    /** md5("name:password") in hex: what the Fever protocol sends as api_key, so it is kept from creation. */
    feverKey: text('fever_key').notNull(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [uniqueIndex('app_passwords_name').on(t.name), index('app_passwords_fever_key').on(t.feverKey)],
);

/**
 * Full-text extraction of an item's linked page (src/extract/): one row per item that wants it, queued at ingest
 * and worked off after each fetch cycle. The feed's own content stays in `items.content_html`.
 */
export const itemFullTexts = sqliteTable(
  'item_full_texts',
  {
    itemId: integer('item_id').primaryKey(),
    /** `pending` (due at `next_attempt_at`), `done` (content below) or `failed` (gave up; `reason` says why). */
    status: text('status').notNull(),
    /** Why the last attempt failed: a fetch reason (not_found, timeout, blocked, …) or an extraction one. */
    reason: text('reason'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull().default(0),
    requestedAt: integer('requested_at').notNull(),
    extractedAt: integer('extracted_at'),
    /** Sanitised HTML of the article (normalize/sanitize.ts); last for the same reason as items.content_html. */
    contentHtml: text('content_html').notNull().default(''),
  },
  (t) => [index('item_full_texts_due').on(t.status, t.nextAttemptAt)],
);

/** Processes that fetch (workers, all-in-one): each heartbeats `seenAt`; a stale one is gone and its leases free. */
export const workers = sqliteTable('workers', {
  owner: text('owner').primaryKey(),
  role: text('role').notNull(),
  startedAt: integer('started_at').notNull(),
  seenAt: integer('seen_at').notNull(),
  /** Fetches this process finished (any outcome): per-worker rates across the cluster. */
  fetches: integer('fetches').notNull().default(0),
});

/** One row per host: when the next request to it may start (cluster-wide politeness gap). */
export const fetchHosts = sqliteTable('fetch_hosts', {
  host: text('host').primaryKey(),
  nextStartAt: integer('next_start_at').notNull().default(0),
});

/**
 * A host's request slots, cluster-wide: `perHostConcurrency` of them are used (rows for the most a config may ask
 * for exist); a slot is taken while `leaseUntil` lies ahead, so a crashed holder's slot lapses by itself.
 */
export const hostSlots = sqliteTable(
  'host_slots',
  {
    host: text('host').notNull(),
    slot: integer('slot').notNull(),
    owner: text('owner'),
    leaseUntil: integer('lease_until'),
  },
  (t) => [primaryKey({ columns: [t.host, t.slot] })],
);

/**
 * Site icons (web/favicons.ts), one row per site origin: fetched once, kept across restarts and shared by every
 * process on the database. `content_type` null is a negative entry (the site has no usable icon), re-tried later.
 */
export const siteIcons = sqliteTable('site_icons', {
  origin: text('origin').primaryKey(),
  contentType: text('content_type'),
  /** The image, base64 (at most 100 KB before encoding); '' for a negative entry. */
  body: text('body').notNull().default(''),
  fetchedAt: integer('fetched_at').notNull(),
});

/**
 * What a WebSub hub was last told about each published feed (its path): the feed's version mark. The process that
 * moves a mark pings the hub, so one change is announced once however many processes notice it.
 */
export const websubMarks = sqliteTable(
  'websub_marks',
  {
    hub: text('hub').notNull(),
    path: text('path').notNull(),
    mark: text('mark').notNull(),
    announcedAt: integer('announced_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.hub, t.path] })],
);
