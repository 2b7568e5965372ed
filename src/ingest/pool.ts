import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type ProcessedFeed, type ProcessInput, processFeed } from './process-feed.ts';

/**
 * Parsing and sanitising are CPU work (~30 ms per MB) that would stall the HTTP server: they run in worker threads.
 * `size: 0` processes in the calling thread (CLI one-offs, tests that want no threads).
 */
export class ParsePool {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, (result: ProcessedFeed) => void>();
  private nextId = 1;
  private closed = false;

  constructor(size = Math.max(1, Math.min(4, availableParallelism())) as number) {
    for (let i = 0; i < size; i++) this.workers.push({ worker: this.spawn(), busy: 0 });
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url));
    worker.unref();
    worker.on('message', (message: { id: number; result: ProcessedFeed }) => {
      const slot = this.workers.find((w) => w.worker === worker);
      if (slot) slot.busy--;
      const resolve = this.pending.get(message.id);
      this.pending.delete(message.id);
      resolve?.(message.result);
    });
    worker.on('error', (error) => this.replace(worker, error));
    return worker;
  }

  /** A crashed worker fails its jobs (they are retried next cycle) and is replaced. */
  private replace(worker: Worker, error: Error): void {
    const slot = this.workers.find((w) => w.worker === worker);
    if (!slot || this.closed) return;
    for (const [id, resolve] of [...this.pending]) {
      const owner = (resolve as { worker?: Worker }).worker;
      if (owner === worker) {
        this.pending.delete(id);
        resolve({ ok: false, reason: 'malformed_xml', message: `parser crashed: ${error.message}` });
      }
    }
    slot.worker = this.spawn();
    slot.busy = 0;
  }

  run(input: ProcessInput): Promise<ProcessedFeed> {
    if (this.closed) return Promise.reject(new Error('parse pool is closed'));
    const slot = this.workers.reduce<(typeof this.workers)[number] | undefined>(
      (best, w) => (!best || w.busy < best.busy ? w : best),
      undefined,
    );
    if (!slot) return processFeed(input);
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve) => {
      const settle = Object.assign((result: ProcessedFeed) => resolve(result), { worker: slot.worker });
      this.pending.set(id, settle);
      slot.worker.postMessage({ id, input });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }
}
