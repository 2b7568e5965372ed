import * as z from 'zod';

const DURATION_HINT = 'must be a duration like 30s, 15m, 2h or 1d, or a number of seconds';

/** Durations in the YAML file are written like `15m`, `2h`, `1d`, `30s` or a number of seconds. */
export const duration = z
  .union([z.number().int().positive(), z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/, DURATION_HINT)], {
    error: DURATION_HINT,
  })
  .transform((v) => (typeof v === 'number' ? v : parseDuration(v)));

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: ${text}`);
  const n = Number(m[1]);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Math.round(n * unit);
}

const httpUrl = z
  .string()
  .trim()
  .refine((u) => {
    try {
      const p = new URL(u).protocol;
      return p === 'http:' || p === 'https:';
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL');

export const DEFAULT_RETENTION_DAYS = 180;
/** Newest items kept per source whatever their age, unless the config says otherwise (FreshRSS keeps 50 too). */
export const DEFAULT_MIN_ITEMS = 50;

/**
 * What a source keeps. `days` counts from when rundschau first saw an item, `items` caps the count; neither removes
 * an item the feed still carries, a starred item, or one of the `minItems` newest (see config/retention.ts).
 */
export const retentionSchema = z
  .object({
    days: z.number().int().positive().optional(),
    items: z.number().int().positive().optional(),
    minItems: z.number().int().nonnegative().optional(),
  })
  .strict();

/**
 * `auto`: fetch the linked page when the feed's content looks cut short (src/extract/truncation.ts); `always`: for
 * every new item; `never`: only when a reader asks for it on the item page.
 */
export const fullTextMode = z.enum(['auto', 'always', 'never']);

/** A site where the generic extractor gets it wrong: these selectors win (see src/extract/article.ts). */
export const siteRuleSchema = z
  .object({
    /** The page's host; also matches its subdomains (`example.com` covers `www.example.com`). */
    host: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9.-]+$/, 'a host name like example.com'),
    /** CSS selector of the article body (all matches, in document order); absent: the generic extractor. */
    article: z.string().min(1).optional(),
    /** CSS selectors of parts to drop before extracting (ads, "related", newsletter boxes). */
    remove: z.array(z.string().min(1)).optional(),
  })
  .strict();

export const sourceSchema = z
  .object({
    url: httpUrl,
    title: z.string().optional(),
    category: z.string().default('Uncategorized'),
    tags: z.array(z.string()).default([]),
    language: z.string().min(2).max(8).optional(),
    /** Fixed interval, seconds: overrides the adaptive schedule. */
    interval: duration.optional(),
    /** How items are identified: `auto` (guid, else link, else hash), or forced for publishers whose GUIDs churn. */
    identity: z.enum(['auto', 'guid', 'link']).default('auto'),
    retention: retentionSchema.optional(),
    enabled: z.boolean().default(true),
    /** Fetch each item's linked page for the whole article (absent: `defaults.fullText`). */
    fullText: fullTextMode.optional(),
    /** `disabled: true` keeps the source in the file (and its items) but stops fetching it; what the reader writes. */
    disabled: z.boolean().optional(),
  })
  .strict();

const weightedTerms = z.record(z.string(), z.number());

/** Curate: a term that counts only in context (see src/curate/README.md). */
export const topicContextRuleSchema = z
  .object({
    /** The rule fires when one of these terms occurs … */
    terms: z.array(z.string()).min(1),
    /** … and one of these occurs anywhere in the item (when given) … */
    with: z.array(z.string()).optional(),
    /** … and none of these occurs (when given). */
    without: z.array(z.string()).optional(),
    /** Added once, scaled by the best field the term was found in; may be negative. */
    weight: z.number(),
    /** Limit the rule to items in one language. */
    language: z.string().optional(),
    note: z.string().optional(),
  })
  .strict();

export const topicRulesSchema = z
  .object({
    /** Weighted terms and phrases per language (`any` applies to all). Terms are stemmed. */
    terms: z.record(z.string(), weightedTerms).default({}),
    /** At least one of these (stemmed) terms must occur. */
    required: z.array(z.string()).default([]),
    /** Any of these (stemmed) terms rejects the item, unless a strong term also occurs. */
    excluded: z.array(z.string()).default([]),
    sources: z.array(z.string()).default([]),
    categories: z.array(z.string()).default([]),
    threshold: z.number().default(1),
    /** Terms that count only with (or only without) other terms in the same item: "Amazon" with "AWS". */
    context: z.array(topicContextRuleSchema).optional(),
    /** A positive term at least this heavy overrides `excluded` (default 3). */
    strongWeight: z.number().positive().optional(),
    /** Multiplier per field where a term occurs (defaults: title 1.5, summary 1, content 0.5). */
    fieldWeights: z
      .object({ title: z.number().min(0), summary: z.number().min(0), content: z.number().min(0) })
      .partial()
      .strict()
      .optional(),
  })
  .strict();

export const topicSchema = z
  .object({
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
    title: z.string(),
    description: z.string().default(''),
    languages: z.array(z.string()).default(['de', 'en']),
    rules: topicRulesSchema.prefault({}),
    /** Blend weight of the model learned from editors' decisions and labels (0 = rules only). */
    learnedWeight: z.number().min(0).max(1).default(0.5),
    /** At most this many items per source among the newest 100 published. */
    perSourceCap: z.number().int().positive().default(5),
    /** Its feeds stay readable without login when `server.reading` is private (false: as private as the reader). */
    public: z.boolean().default(true),
    /** A labelled JSONL file (as `curate eval` reads), relative to the config file: the rule editor's precision/recall. */
    labels: z.string().optional(),
  })
  .strict();

export const defaultsSchema = z
  .object({
    minInterval: duration.default(600),
    maxInterval: duration.default(86400),
    concurrency: z.number().int().positive().max(512).default(32),
    perHostConcurrency: z.number().int().positive().max(16).default(2),
    /** Minimum gap between two requests to one host, milliseconds. */
    perHostGapMs: z.number().int().nonnegative().default(200),
    connectTimeout: duration.default(10),
    timeout: duration.default(30),
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
    userAgent: z.string().optional(),
    /** An empty or absent block keeps items 180 days from first sight, and at least the newest 50 per source. */
    retention: retentionSchema
      .extend({ minItems: z.number().int().nonnegative().default(DEFAULT_MIN_ITEMS) })
      .strict()
      .transform((r) => (r.days === undefined && r.items === undefined ? { ...r, days: DEFAULT_RETENTION_DAYS } : r))
      .prefault({}),
    /** A source failing this long is `dead`: re-checked weekly only (transient errors: twice as long). */
    deadAfter: duration.default(7 * 86400),
    fullText: fullTextMode.default('auto'),
  })
  .strict();

export const serverSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    baseUrl: httpUrl.optional(),
    /** `public`: anyone may read; `private`: reading needs the login too. */
    reading: z.enum(['public', 'private']).default('public'),
    /** scrypt hash made by `rundschau hash-password` (or RUNDSCHAU_PASSWORD_HASH). */
    passwordHash: z.string().optional(),
    /** Secret that signs session cookies (or RUNDSCHAU_SESSION_SECRET); derived from the hash when absent. */
    sessionSecret: z.string().optional(),
    websubHub: httpUrl.optional(),
    /** Bearer token for /metrics from other hosts (or RUNDSCHAU_METRICS_TOKEN); without it, loopback only. */
    metricsToken: z.string().min(16, 'must be at least 16 characters').optional(),
    /**
     * `on`: images in articles load through the reader (no request from the browser to image hosts);
     * `allow-private`: also from private/loopback addresses (feeds on a LAN); `off`: straight from their hosts.
     */
    mediaProxy: z.enum(['on', 'off', 'allow-private']).default('on'),
  })
  .strict();

/** The sync APIs for apps: Google Reader (`/api/greader`) and Fever (`/api/fever`), logging in with app passwords. */
export const syncSchema = z
  .object({
    /** Reading one report of a story in an app marks the story's other reports read too. */
    markStoryRead: z.boolean().default(true),
    /** Requests per minute one app password (or, before login, one address) may make; over it, 429 (0: no limit). */
    requestsPerMinute: z.number().int().nonnegative().default(1200),
  })
  .strict();

/**
 * The whole file. Optional blocks use `.prefault({})`, not `.default({})`: zod 4 returns a `.default()` value as it
 * is, so an absent block would come out without its own keys' defaults (`defaults.concurrency` undefined).
 * `.prefault` parses `{}` through the block's schema and yields the complete default object.
 */
export const configSchema = z
  .object({
    defaults: defaultsSchema.prefault({}),
    server: serverSchema.prefault({}),
    sources: z.array(sourceSchema).default([]),
    topics: z.array(topicSchema).default([]),
    sync: syncSchema.prefault({}),
    /** Per-site extraction rules for full text. */
    sites: z.array(siteRuleSchema).default([]),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type SourceConfig = z.infer<typeof sourceSchema>;
export type TopicConfig = z.infer<typeof topicSchema>;
export type TopicRules = z.infer<typeof topicRulesSchema>;
export type TopicContextRule = z.infer<typeof topicContextRuleSchema>;
export type Defaults = z.infer<typeof defaultsSchema>;
export type ServerConfig = z.infer<typeof serverSchema>;
export type FullTextMode = z.infer<typeof fullTextMode>;
export type SiteRule = z.infer<typeof siteRuleSchema>;
