import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { type ScoreJobItem, scoreBatch, type TopicSpec } from '../curate/batch.ts';
import { findStoryClusters, type StoryInput, type StoryOptions } from '../curate/stories.ts';
import type { ExtractInput } from '../extract/article.ts';
import { type ProcessInput, processFeed } from './process-feed.ts';
import { notePeakHeap, threadStats } from './thread-stats.ts';

// Parsing and scoring are background work: this thread yields the CPU to the process's main thread and to the web
// processes (`serve --web-processes N`) when they want it — nice 10 applies to this thread only (Linux), and costs
// nothing when the CPU is free. RUNDSCHAU_WORKER_NICE=0 leaves it at the process's priority.
try {
  setPriority(0, Number(process.env.RUNDSCHAU_WORKER_NICE ?? 10));
} catch {
  /* not allowed here: keep the priority */
}

export type WorkerJob =
  | { kind: 'process'; input: ProcessInput }
  | { kind: 'score'; topics: TopicSpec[]; items: ScoreJobItem[] }
  | { kind: 'stories'; items: StoryInput[]; opts: StoryOptions }
  | { kind: 'extract'; input: ExtractInput; budgetMs: number }
  | { kind: 'stats' };

// One CPU worker: decode/parse/normalise feeds, score items for topics, group stories and extract articles,
// answering each job by its id.
parentPort?.on('message', async (message: { id: number; job: WorkerJob }) => {
  try {
    const { job } = message;
    if (job.kind === 'stats') return parentPort?.postMessage({ id: message.id, result: threadStats() });
    if (job.kind === 'extract') parentPort?.postMessage({ id: message.id, started: true });
    const result =
      job.kind === 'process'
        ? await processFeed(job.input)
        : job.kind === 'score'
          ? scoreBatch(job.topics, job.items)
          : job.kind === 'stories'
            ? [...findStoryClusters(job.items, job.opts)]
            : // Loaded on the first page: a worker that never extracts does not carry the DOM and Readability.
              (await import('../extract/article.ts')).extractArticle(job.input);
    parentPort?.postMessage({ id: message.id, result });
    notePeakHeap();
  } catch (error) {
    parentPort?.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
