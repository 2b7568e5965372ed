import type { Config } from '../config/schema.ts';
import { FEED_FORMATS, paths, publicBaseUrl } from '../lib/links.ts';
import type { Logger } from '../lib/log.ts';
import type { ItemStore, TopicStore } from '../store/types.ts';
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
  store: ItemStore & TopicStore;
  config: () => Config;
  log: Logger;
}

/**
 * Tells the configured WebSub hub about every public feed (all, each category, each topic) whose content changed
 * since it last looked: the same stamps the feeds' ETags are made of, so a hub is pinged exactly when a
 * subscriber's conditional GET would get a new document. Used after each fetch cycle, in `serve` and in a CLI
 * `fetch` alike, and after an editor's decision.
 */
export class FeedAnnouncer {
  /** Where the feeds are served when `server.baseUrl` is not set (serve knows its listening address). */
  fallbackBaseUrl: (() => string) | undefined;
  private last: FeedMarks | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: FeedAnnouncerDeps) {}

  /** Takes the baseline later changes are compared with, unless there is one (no hub configured: nothing). */
  async remember(): Promise<void> {
    if (!this.deps.config().server.websubHub || this.last) return;
    this.last = await this.marks();
  }

  /** Pings the hub for each feed that changed since the baseline, which moves on. Never throws. */
  announce(): Promise<HubPingResult[]> {
    const next = this.running.then(() => this.announceNow());
    this.running = next.catch(() => undefined);
    return next;
  }

  private async announceNow(): Promise<HubPingResult[]> {
    const { websubHub } = this.deps.config().server;
    if (!websubHub) {
      this.last = undefined;
      return [];
    }
    try {
      const now = await this.marks();
      const before = this.last;
      this.last = now;
      // Without a baseline (a hub just configured) nothing is known to have changed.
      if (!before) return [];
      const changed = [...now].filter(([path, mark]) => before.get(path) !== mark).map(([path]) => path);
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
