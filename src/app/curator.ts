import { createHash } from 'node:crypto';
import type { TopicConfig } from '../config/schema.ts';
import type { ScoreJobItem, TopicSpec } from '../curate/batch.ts';
import { type LearnedModel, modelReady, trainModel } from '../curate/model.ts';
import { rulesHash, SCORED_BODY_CHARS } from '../curate/score.ts';
import { htmlToText } from '../lib/html-text.ts';
import type { Logger } from '../lib/log.ts';
import type { Cursor, ItemStore, SourceRow, SourceStore, StoredItem, TopicStore } from '../store/types.ts';
import type { ParsePool } from './pool.ts';

type SourceFacts = Pick<SourceRow, 'id' | 'configUrl' | 'category'>;

const RESCORE_BATCH = 1000;
/** Reports of one story arrive within days of each other. */
const STORY_WINDOW_MS = 3 * 86_400_000;
/** Bound on the items grouped per run (the newest, by date: hours of a busy installation). */
const STORY_POOL_MAX = 2000;
/** The opening of an item's body says what the story is and is enough to spot wire copies. */
const STORY_BODY_CHARS = 6000;
const STORY_BODY_HTML = 60_000;

/**
 * Keeps the stored topic memberships in step with the configured topics: scores new and changed items at ingest,
 * re-scores everything when a topic's rules change, and re-learns from editors' pins and exclusions. The scoring
 * itself runs in the worker pool.
 */
export class TopicCurator {
  private topics = new Map<string, TopicSpec>();

  constructor(
    private readonly store: SourceStore & ItemStore & TopicStore,
    private readonly log: Logger,
    private readonly pool: ParsePool,
  ) {}

  /** Applies the configured topics; returns the slugs that were re-scored because their rules changed. */
  async configure(topics: TopicConfig[]): Promise<string[]> {
    const next = new Map<string, TopicSpec>();
    const rescore: string[] = [];
    for (const config of topics) {
      const { rulesChanged } = await this.store.upsertTopic({
        slug: config.slug,
        title: config.title,
        description: config.description,
        rulesHash: rulesHash(config),
      });
      next.set(config.slug, spec(config, await this.learn(config.slug)));
      if (rulesChanged) rescore.push(config.slug);
    }
    this.topics = next;
    for (const slug of rescore) {
      const n = await this.rescore(slug);
      this.log.info({ topic: slug, items: n }, 'topic rules changed: re-scored stored items');
    }
    return rescore;
  }

  private async learn(slug: string): Promise<LearnedModel | null> {
    const decisions = await this.store.topicDecisions(slug);
    const model = trainModel(
      decisions.map(({ item, decision }) => ({
        title: item.title,
        summary: item.summary,
        language: item.language,
        label: decision === 'pinned',
      })),
    );
    return modelReady(model) ? model : null;
  }

  /** After an editor's decision: re-learn, and re-score when the learned model takes part. */
  async relearn(slug: string): Promise<void> {
    const topic = this.topics.get(slug);
    if (!topic) return;
    const model = await this.learn(slug);
    this.topics.set(slug, spec(topic.config, model));
    if (model) await this.rescore(slug);
  }

  /** Scores new or changed items of one source against every topic. Returns slugs that now include some. */
  async scoreItems(items: StoredItem[], source: SourceFacts): Promise<string[]> {
    if (items.length === 0 || this.topics.size === 0) return [];
    const specs = [...this.topics.values()];
    const scores = await this.pool.score(
      specs,
      items.map((item) => jobItem(item, source)),
    );
    const grew: string[] = [];
    for (const [slug, list] of Object.entries(scores)) {
      await this.store.saveTopicScores(slug, list);
      if (list.some((s) => s.included)) grew.push(slug);
    }
    return grew;
  }

  /**
   * Re-scores every stored item for one topic. Batches go to the workers while the next batch is read, so the
   * database and the scorers work at the same time. Returns the number of items scored.
   */
  async rescore(slug: string): Promise<number> {
    const topic = this.topics.get(slug);
    if (!topic) return 0;
    const sources = new Map((await this.store.listSources()).map((s) => [s.id, s]));
    const inFlight = new Set<Promise<void>>();
    const parallel = Math.max(1, this.pool.size);
    let after = 0;
    let n = 0;
    for (;;) {
      const scanned = await this.store.scanItems(after, RESCORE_BATCH);
      if (scanned.length === 0) break;
      // Items with an extracted article are judged on it, like at extraction time (app/full-text.ts).
      const articles = await this.store.fullTextsOf(scanned.map((i) => i.id));
      const batch = articles.size ? scanned.map((i) => withArticle(i, articles.get(i.id))) : scanned;
      after = batch[batch.length - 1]!.id;
      n += batch.length;
      const job = this.pool
        .score(
          [topic],
          batch.map((item) => jobItem(item, sources.get(item.sourceId))),
        )
        .then((scores) => this.store.saveTopicScores(slug, scores[slug] ?? []))
        .finally(() => inFlight.delete(job));
      inFlight.add(job);
      if (inFlight.size >= parallel) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    return n;
  }

  /**
   * Gives the latest items (all sources, German and English together) that report the same story one story key, so
   * published feeds show such a story once with the other sources as "also reported by", and the river shows one
   * card with "N sources". The pool is the newest `poolMax` items by date, however old: a busy installation's pool
   * spans hours, a quiet one's (or a new feed's backlog of older news) reaches back to its last stories, which a pool
   * of the last three days before `now` never grouped. Only reports within the three-day window of each other join.
   * The grouping runs in a worker: a full pool is a second of CPU.
   */
  async assignStories(now = Date.now(), poolMax = STORY_POOL_MAX): Promise<number> {
    const pool = new Map<number, StoredItem>();
    let before: Cursor | undefined;
    for (;;) {
      const page = await this.store.listItems({}, 200, before, { content: true });
      for (const item of page.items) {
        if (item.publishedAt <= now && pool.size < poolMax) pool.set(item.id, item);
      }
      if (!page.next || page.items.length === 0 || pool.size >= poolMax) break;
      before = page.next;
    }
    if (pool.size < 2) return 0;
    // The pool's oldest edge: an item there may have reports just older than the pool, so it keeps a key it has
    // (a story does not fall apart as the pool moves on) and its story takes that key.
    let oldest = Number.POSITIVE_INFINITY;
    for (const item of pool.values()) oldest = Math.min(oldest, item.publishedAt);
    const atEdge = (item: StoredItem) => pool.size >= poolMax && item.publishedAt < oldest + STORY_WINDOW_MS;
    // The extracted article where there is one: a teaser says too little to tell two stories apart.
    const articles = await this.store.fullTextsOf([...pool.keys()]);
    const clusters = await this.pool.stories(
      [...pool.values()].map((i) => ({
        id: String(i.id),
        title: i.title,
        summary: i.summary,
        text: htmlToText(articles.get(i.id) ?? i.contentHtml, STORY_BODY_HTML).slice(0, STORY_BODY_CHARS),
        language: i.language,
        publishedAt: i.publishedAt,
        sourceId: i.sourceId,
      })),
      { windowMs: STORY_WINDOW_MS },
    );
    // Only reports of a story with others get a key; an item left alone loses the one it had. Most items are alone,
    // and a key written for them would be a write and a feed version bump each for nothing.
    const size = new Map<string, number>();
    const kept = new Map<string, string>();
    for (const [id, key] of clusters) {
      size.set(key, (size.get(key) ?? 0) + 1);
      const item = pool.get(Number(id));
      if (item?.storyKey && atEdge(item) && !kept.has(key)) kept.set(key, item.storyKey);
    }
    const changed = clusters
      .map(([id, key]) => {
        const item = pool.get(Number(id));
        const storyKey =
          item?.storyKey && atEdge(item)
            ? item.storyKey
            : (kept.get(key) ?? ((size.get(key) ?? 0) > 1 ? `story:${key}` : null));
        return { itemId: Number(id), storyKey };
      })
      .filter((p) => (pool.get(p.itemId)?.storyKey ?? null) !== p.storyKey);
    await this.store.setStoryKeys(changed);
    return changed.length;
  }

  slugs(): string[] {
    return [...this.topics.keys()];
  }
}

function spec(config: TopicConfig, model: LearnedModel | null): TopicSpec {
  const version = createHash('sha1')
    .update(rulesHash(config))
    .update(model ? JSON.stringify(model) : '')
    .digest('hex')
    .slice(0, 16);
  return { config, model, version };
}

function jobItem(item: StoredItem, source: SourceFacts | undefined): ScoreJobItem {
  return {
    id: item.id,
    publishedAt: item.publishedAt,
    title: item.title,
    summary: item.summary,
    contentText: item.searchText?.slice(0, SCORED_BODY_CHARS),
    contentHtml: item.searchText ? '' : item.contentHtml,
    language: item.language,
    sourceUrl: source?.configUrl,
    category: source?.category,
  };
}

/** The item as topic scoring and story grouping should read it: the article in place of the teaser. */
export function withArticle<T extends StoredItem>(item: T, articleHtml: string | undefined): T {
  if (!articleHtml) return item;
  return { ...item, contentHtml: articleHtml, searchText: htmlToText(articleHtml, 60_000) };
}
