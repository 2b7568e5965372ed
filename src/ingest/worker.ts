import { parentPort } from 'node:worker_threads';
import { type ProcessInput, processFeed } from './process-feed.ts';

// One parse worker: receives ProcessInput messages tagged with an id, answers with the ProcessedFeed.
parentPort?.on('message', async (message: { id: number; input: ProcessInput }) => {
  const result = await processFeed(message.input);
  parentPort?.postMessage({ id: message.id, result });
});
