import type { TopicConfig } from '../config/schema.ts';
import { htmlToText } from '../lib/html-text.ts';
import type { LearnedModel } from './model.ts';
import { type CompiledTopic, compileTopic, scoreItem } from './score.ts';

/** A topic as sent to a scorer (possibly in a worker thread): plain data, compiled on arrival and cached. */
export interface TopicSpec {
  config: TopicConfig;
  model: LearnedModel | null;
  /** Changes whenever config or model change: the compile cache key. */
  version: string;
}

export interface ScoreJobItem {
  id: number;
  publishedAt: number;
  title: string;
  summary: string;
  /** The body as plain text when the caller has it (fresh from ingest) … */
  contentText?: string;
  /** … else as HTML, turned into text here, in the worker, not by the caller. */
  contentHtml: string;
  language: string | null;
  sourceUrl?: string;
  category?: string;
}

export interface BatchScore {
  itemId: number;
  score: number;
  included: boolean;
  /** The Evidence as JSON: a string crosses the worker boundary at a fraction of the cost of the object tree. */
  evidenceJson: string;
  publishedAt: number;
}

/** Scoring reads the opening of a body; this much HTML covers it. */
const BODY_HTML_CHARS = 6000;

const compiled = new Map<string, CompiledTopic>();

function compiledFor(spec: TopicSpec): CompiledTopic {
  const key = `${spec.config.slug}:${spec.version}`;
  let topic = compiled.get(key);
  if (!topic) {
    if (compiled.size > 64) compiled.clear();
    topic = compileTopic(spec.config);
    compiled.set(key, topic);
  }
  return topic;
}

/** Scores items against topics; pure apart from the compile cache. Result keyed by topic slug. */
export function scoreBatch(topics: TopicSpec[], items: ScoreJobItem[]): Record<string, BatchScore[]> {
  const out: Record<string, BatchScore[]> = {};
  for (const spec of topics) {
    const topic = compiledFor(spec);
    out[spec.config.slug] = items.map((item) => {
      const result = scoreItem(
        topic,
        {
          title: item.title,
          summary: item.summary,
          contentText: item.contentText ?? htmlToText(item.contentHtml, BODY_HTML_CHARS),
          language: item.language,
          sourceUrl: item.sourceUrl,
          category: item.category,
        },
        spec.model,
      );
      return {
        itemId: item.id,
        score: result.score,
        included: result.included,
        evidenceJson: JSON.stringify(result.evidence),
        publishedAt: item.publishedAt,
      };
    });
  }
  return out;
}
