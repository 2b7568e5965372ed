import { parentPort } from 'node:worker_threads';
import { type ScoreJobItem, scoreBatch, type TopicSpec } from '../curate/batch.ts';
import { findStoryClusters, type StoryInput, type StoryOptions } from '../curate/stories.ts';
import { type ProcessInput, processFeed } from './process-feed.ts';

export type WorkerJob =
  | { kind: 'process'; input: ProcessInput }
  | { kind: 'score'; topics: TopicSpec[]; items: ScoreJobItem[] }
  | { kind: 'stories'; items: StoryInput[]; opts: StoryOptions };

// One CPU worker: decode/parse/normalise feeds, score items for topics and group stories, answering each job by its id.
parentPort?.on('message', async (message: { id: number; job: WorkerJob }) => {
  try {
    const { job } = message;
    const result =
      job.kind === 'process'
        ? await processFeed(job.input)
        : job.kind === 'score'
          ? scoreBatch(job.topics, job.items)
          : [...findStoryClusters(job.items, job.opts)];
    parentPort?.postMessage({ id: message.id, result });
  } catch (error) {
    parentPort?.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
