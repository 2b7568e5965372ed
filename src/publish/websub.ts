import type { Config } from '../config/schema.ts';
import { FEED_FORMATS, paths, publicBaseUrl } from '../lib/links.ts';
import type { Logger } from '../lib/log.ts';
import type { ItemStore, TopicStore, WebSubStore } from '../store/types.ts';
import { feedIsPublic } from './access.ts';

import { allScope, categoriesOf, categoryScope, type FeedScope, topicScope } from './scopes.ts';

export interface HubPingResult {
  topicUrl: string;
  ok: boolean;
  status?: number;
  error?: string;
}

/**
 * Tells a WebSub hub that feeds changed (`hub.mode=publish`, one POST per feed URL, since hubs differ in whether they
 * accept several). Never throws: a hub being down must not break ingest.
 */
export async function pingHub(hubUrl: string, topicUrls: string[], timeoutMs = 10_000): Promise<HubPingResult[]> {
  return Promise.all(
    topicUrls.map(async (topicUrl): Promise<HubPingResult> => {
      try {
        const res = await fetch(hubUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topicUrl }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        return { topicUrl, ok: res.ok, status: res.status };
      } catch (err) {
        return { topicUrl, ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
}

/** The URLs of a topic's feeds that subscribers use and a hub is told about. */
export function topicFeedUrls(baseUrl: string, slug: string): string[] {
  return feedUrls(baseUrl, paths.feedBase(slug));
}

/** A feed's URL in each format (the first page, no query: what subscribers subscribe to). */
export function feedUrls(baseUrl: string, path: string): string[] {
  const base = publicBaseUrl(baseUrl, '');
  return FEED_FORMATS.map((ext) => `${base}${path}.${ext}`);
}

/** Each public feed's path and what its validator is made of. */
type FeedMarks = Map<string, string>;

export interface FeedAnnouncerDeps {
  store: ItemStore & TopicStore & WebSubStore;
  config: () => Config;
  log: Logger;
}

/**
 * Tells the configured WebSub hub about every public feed (all, each category, each topic) whose content changed
 * since the hub was last told: the same stamps the feeds' ETags are made of, so a hub is pinged exactly when a
 * subscriber's conditional GET would get a new document. Used after each fetch cycle, in `serve`, `worker` and in a
 * CLI `fetch` alike, and after an editor's decision. What the hub was told is kept in the database
 * (`WebSubStore.moveFeedMarks`, under a cluster-wide lock on PostgreSQL), so with several processes each change is
 * announced once, by the process that records it first, however many of them notice it.
 */
export class FeedAnnouncer {
  /** Where the feeds are served when `server.baseUrl` is not set (serve knows its listening address). */
  fallbackBaseUrl: (() => string) | undefined;
  /** The hub this process made sure has a baseline. */
  private remembered: string | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: FeedAnnouncerDeps) {}

  /** Takes the baseline later changes are compared with, unless the hub has one (no hub configured: nothing). */
  async remember(): Promise<void> {
    const hub = this.deps.config().server.websubHub;
    if (!hub || this.remembered === hub) return;
    await this.deps.store.moveFeedMarks(hub, () => this.marks(), Date.now(), { baselineOnly: true });
    this.remembered = hub;
  }

  /** Pings the hub for each feed that changed since it was last told, which moves on. Never throws. */
  announce(): Promise<HubPingResult[]> {
    const next = this.running.then(() => this.announceNow());
    this.running = next.catch(() => undefined);
    return next;
  }

  private async announceNow(): Promise<HubPingResult[]> {
    const { websubHub } = this.deps.config().server;
    if (!websubHub) return [];
    try {
      // Without a baseline (a hub just configured) nothing is known to have changed: none come back.
      const changed = await this.deps.store.moveFeedMarks(websubHub, () => this.marks(), Date.now());
      this.remembered = websubHub;
      if (changed.length === 0) return [];
      const results = await pingHub(
        websubHub,
        changed.flatMap((path) => feedUrls(this.baseUrl(), path)),
      );
      for (const r of results.filter((x) => !x.ok)) this.deps.log.warn(r, 'WebSub hub ping failed');
      return results;
    } catch (error) {
      this.deps.log.error({ err: error }, 'WebSub: finding changed feeds failed');
      return [];
    }
  }

  private baseUrl(): string {
    const server = this.deps.config().server;
    return publicBaseUrl(server.baseUrl, this.fallbackBaseUrl?.() ?? `http://${server.host}:${server.port}`);
  }

  /** The public feeds and their stamps: 1 + categories + topics cheap queries. */
  private async marks(): Promise<FeedMarks> {
    const config = this.deps.config();
    const { store } = this.deps;
    const scopes: FeedScope[] = [];
    if (feedIsPublic(config)) {
      scopes.push(allScope(store, config));
      for (const category of categoriesOf(config)) scopes.push(categoryScope(store, config, category));
    }
    for (const topic of config.topics) if (feedIsPublic(config, topic)) scopes.push(topicScope(store, topic, config));
    const marks: FeedMarks = new Map();
    for (const scope of scopes) {
      const { stamp } = await scope.stamp();
      marks.set(scope.path, JSON.stringify([stamp, scope.configFingerprint]));
    }
    return marks;
  }
}
