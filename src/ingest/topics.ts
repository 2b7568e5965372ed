import type { TopicConfig } from '../config/schema.ts';
import { type LearnedModel, modelReady, trainModel } from '../curate/model.ts';
import { type CompiledTopic, compileTopic, rulesHash, scoreItem } from '../curate/score.ts';
import { htmlToText } from '../lib/html-text.ts';
import type { Logger } from '../lib/log.ts';
import type { SourceRow, Store, StoredItem, TopicScore } from '../store/types.ts';

interface ActiveTopic {
  config: TopicConfig;
  compiled: CompiledTopic;
  model: LearnedModel | null;
}

type SourceFacts = Pick<SourceRow, 'id' | 'configUrl' | 'category'>;

const RESCORE_BATCH = 2000;

/**
 * Keeps the stored topic memberships in step with the configured topics: scores new and changed items at ingest,
 * re-scores everything when a topic's rules change, and re-learns from editors' pins and exclusions.
 */
export class TopicCurator {
  private topics = new Map<string, ActiveTopic>();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  /** Applies the configured topics; returns the slugs that were re-scored because their rules changed. */
  async configure(topics: TopicConfig[]): Promise<string[]> {
    const next = new Map<string, ActiveTopic>();
    const rescore: string[] = [];
    for (const config of topics) {
      const compiled = compileTopic(config);
      const { rulesChanged } = await this.store.upsertTopic({
        slug: config.slug,
        title: config.title,
        description: config.description,
        rulesHash: rulesHash(config),
      });
      next.set(config.slug, { config, compiled, model: await this.learn(config.slug) });
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

  /** After an editor's decision: re-learn and re-score (the model moves every score a little). */
  async relearn(slug: string): Promise<void> {
    const topic = this.topics.get(slug);
    if (!topic) return;
    const model = await this.learn(slug);
    topic.model = model;
    if (model) await this.rescore(slug);
  }

  score(topic: ActiveTopic, item: StoredItem, source: SourceFacts | undefined): TopicScore {
    const result = scoreItem(
      topic.compiled,
      {
        title: item.title,
        summary: item.summary,
        contentText: htmlToText(item.contentHtml, 4000),
        language: item.language,
        sourceUrl: source?.configUrl,
        category: source?.category,
      },
      topic.model,
    );
    return {
      itemId: item.id,
      score: result.score,
      included: result.included,
      evidence: result.evidence,
      publishedAt: item.publishedAt,
    };
  }

  /** Scores new or changed items of one source against every topic. Returns slugs whose selection grew. */
  async scoreItems(items: StoredItem[], source: SourceFacts): Promise<string[]> {
    const grew: string[] = [];
    if (items.length === 0) return grew;
    for (const topic of this.topics.values()) {
      const scores = items.map((item) => this.score(topic, item, source));
      await this.store.saveTopicScores(topic.config.slug, scores);
      if (scores.some((s) => s.included)) grew.push(topic.config.slug);
    }
    return grew;
  }

  /** Re-scores every stored item for one topic, in batches. Returns the number of items scored. */
  async rescore(slug: string): Promise<number> {
    const topic = this.topics.get(slug);
    if (!topic) return 0;
    const sources = new Map((await this.store.listSources()).map((s) => [s.id, s]));
    let after = 0;
    let n = 0;
    for (;;) {
      const batch = await this.store.scanItems(after, RESCORE_BATCH);
      if (batch.length === 0) break;
      await this.store.saveTopicScores(
        slug,
        batch.map((item) => this.score(topic, item, sources.get(item.sourceId))),
      );
      n += batch.length;
      after = batch[batch.length - 1]!.id;
    }
    return n;
  }

  slugs(): string[] {
    return [...this.topics.keys()];
  }
}
