import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BatchScore, ScoreJobItem, TopicSpec } from '../curate/batch.ts';
import type { StoryInput, StoryOptions } from '../curate/stories.ts';
import type { ExtractInput, ExtractResult } from '../extract/article.ts';
import { fromRoot, runningFromDist } from '../lib/paths.ts';
import type { ProcessedFeed, ProcessInput } from './process-feed.ts';
import type { ThreadStats } from './thread-stats.ts';
import type { WorkerJob } from './worker.ts';

/**
 * Bundled, the worker is its own entry in dist/ (plain JavaScript, no loader); from the sources it is a small .mjs
 * that registers tsx first, since worker threads do not inherit the parent's module loader.
 */
const WORKER_SCRIPT = runningFromDist
  ? fromRoot('dist', 'app', 'worker.js')
  : new URL('./worker-entry.mjs', import.meta.url);

interface Slot {
  worker: Worker;
  busy: number;
  /** Ends the worker once it has had nothing to do for the pool's idle time. */
  idleTimer?: NodeJS.Timeout;
}

interface Pending {
  slot: Slot;
  job: WorkerJob;
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** Ends the worker when the job overruns its time budget (extraction). */
  deadline?: NodeJS.Timeout;
}

interface Waiting {
  job: WorkerJob;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * Jobs handed to one worker at a time: enough that it has the next one at hand while the main thread is busy with a
 * write group (with two it sat idle ~10% of a cold cycle), few enough that most jobs wait here, where they can be
 * reordered (a feed's parse result is useless until its items are scored and stored).
 */
export const IN_FLIGHT_PER_WORKER = 4;

/**
 * Fetched documents that may be in memory waiting for a worker, per worker (`admitFeed`), and the bytes they may
 * hold together (one larger document always gets in). A cycle's concurrency is there to wait on slow hosts; where
 * the workers are the bound (a cold cycle over fast hosts) all of it read bodies ahead of them: on bench:ingest
 * ~60 of 64 sources sat here with their bodies.
 */
export const WAITING_FEEDS_PER_WORKER = 8;
export const WAITING_FEED_BYTES = 4 * 1024 * 1024;

/**
 * A worker with nothing to do for this long ends (RUNDSCHAU_WORKER_IDLE_MS overrides; 0 keeps workers for good), and
 * the next job starts one again (~0.1 s). Between cycles a worker is only memory: its heap and its own copy of the
 * parser, sanitiser and scoring code (20-35 MB RSS on the bench), which a process serving pages does not need.
 */
const DEFAULT_IDLE_MS = 30_000;

/**
 * Parsing, sanitising and scoring are CPU work (tens of ms per feed) that would stall the HTTP server and the
 * fetches: they run in worker threads. `size: 0` runs them in the calling thread (CLI one-offs, tests).
 */
export class ParsePool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  /**
   * Scoring jobs go first: they finish feeds whose items the main thread is holding, while a parse job starts a new
   * feed. First come, first served would keep every feed's items in memory until all queued parses were done.
   */
  private readonly waiting: Record<Queue, Waiting[]> = { score: [], process: [], extract: [] };
  /** Bytes of the documents in `waiting.process`. */
  private waitingFeedBytes = 0;
  /** Documents admitted to be read (`admitFeed`) and not yet handed to `run`. */
  private admitted = 0;
  /** Fetches waiting in `admitFeed` to read their document. */
  private readonly admissions: ((release: () => void) => void)[] = [];
  private nextId = 1;
  private closed = false;
  private readonly max: number;
  private readonly idleMs: number;
  /** Workers started so far (a test and the bench read it: lazily at the first job, again after an idle end). */
  started = 0;

  /**
   * `script` replaces the worker's entry (tests give one that misbehaves on purpose). Workers start at the first job
   * that needs them, up to `size`, and end after `idleMs` without work.
   */
  constructor(
    size: number = defaultWorkers(),
    private readonly script: string | URL = WORKER_SCRIPT,
    opts: { idleMs?: number } = {},
  ) {
    this.max = size;
    this.idleMs = opts.idleMs ?? defaultIdleMs();
  }

  private spawn(): Slot {
    this.started++;
    const slot: Slot = {
      worker: new Worker(this.script, {
        // A runaway document must not take the process down with it: the worker dies, the job fails, it respawns.
        // The young generation is capped at 3 semi-spaces of 2 MB (V8's default grows to 3 x 16 MB): the worker's
        // garbage is short-lived parse output; small nurseries in both threads took ~90 MB off bench:ingest's peak
        // RSS without a measurable slowdown.
        resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 6 },
      }),
      busy: 0,
    };
    slot.worker.unref();
    slot.worker.on('message', (message: { id: number; started?: boolean; result?: unknown; error?: string }) => {
      const job = this.pending.get(message.id);
      if (!job) return;
      if (message.started) {
        // An extraction's budget counts from when the worker starts it, not while it waits behind other jobs.
        if (job.job.kind === 'extract') {
          const budget = job.job.budgetMs;
          job.deadline = setTimeout(
            () => this.replace(slot, new Error(`extraction overran its ${budget} ms budget`), message.id),
            budget,
          );
          job.deadline.unref();
        }
        return;
      }
      this.pending.delete(message.id);
      clearTimeout(job.deadline);
      job.slot.busy--;
      if (message.error !== undefined) job.reject(new Error(message.error));
      else job.resolve(message.result);
      this.dispatch();
      if (slot.busy === 0) this.retireWhenIdle(slot);
    });
    slot.worker.on('error', (error) => this.replace(slot, error));
    // A worker can also end without an error event (process.exit in a dependency): its jobs must not hang.
    slot.worker.on('exit', (code) => this.replace(slot, new Error(`worker exited with code ${code}`)));
    return slot;
  }

  /**
   * A crashed worker fails its jobs (their sources are retried next cycle) and is replaced, once. When one job is
   * known to be the cause (it overran its time budget), only it fails: the others go back to the front of the queue.
   */
  private replace(slot: Slot, error: Error, culprit?: number): void {
    const index = this.slots.indexOf(slot);
    // 'error' is followed by 'exit', close() terminates workers, an idle worker is ended on purpose: either way there
    // is nothing (more) to replace.
    if (this.closed || index < 0) return;
    clearTimeout(slot.idleTimer);
    this.slots[index] = this.spawn();
    for (const [id, job] of [...this.pending].reverse()) {
      if (job.slot !== slot) continue;
      this.pending.delete(id);
      clearTimeout(job.deadline);
      if (culprit === undefined || id === culprit) job.reject(new Error(`worker crashed: ${error.message}`));
      else {
        this.waiting[queueOf(job.job)].unshift({ job: job.job, resolve: job.resolve, reject: job.reject });
        this.waitingFeedBytes += bodyBytes(job.job);
      }
    }
    if (culprit !== undefined) void slot.worker.terminate();
    this.dispatch();
  }

  private submit<T>(job: WorkerJob): Promise<T> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    return new Promise<T>((resolve, reject) => {
      this.waiting[queueOf(job)].push({ job, resolve: resolve as (v: unknown) => void, reject });
      this.waitingFeedBytes += bodyBytes(job);
      this.dispatch();
    });
  }

  /** Ends a worker that stays without work for the idle time (the next job starts another). */
  private retireWhenIdle(slot: Slot): void {
    if (this.idleMs <= 0 || this.closed) return;
    clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => {
      const index = this.slots.indexOf(slot);
      if (slot.busy > 0 || index < 0) return;
      this.slots.splice(index, 1);
      void slot.worker.terminate();
    }, this.idleMs);
    slot.idleTimer.unref();
  }

  /** Hands waiting jobs to workers with room, scoring first; starts a worker while all are full and one may be added. */
  private dispatch(): void {
    for (;;) {
      if (this.waitingCount() === 0) return;
      let slot = this.slots.reduce<Slot | undefined>((best, s) => (!best || s.busy < best.busy ? s : best), undefined);
      if ((!slot || slot.busy > 0) && this.slots.length < this.max) {
        slot = this.spawn();
        this.slots.push(slot);
      }
      if (!slot || slot.busy >= IN_FLIGHT_PER_WORKER) return;
      const next = this.waiting.score.shift() ?? this.waiting.process.shift() ?? this.waiting.extract.shift();
      if (!next) return;
      if (next.job.kind === 'process') this.feedLeft(next.job);
      clearTimeout(slot.idleTimer);
      const id = this.nextId++;
      slot.busy++;
      const pending: Pending = { slot, job: next.job, resolve: next.resolve, reject: next.reject };
      this.pending.set(id, pending);
      slot.worker.postMessage({ id, job: next.job });
    }
  }

  /**
   * Waits until a fetched document may be read into memory and returns the release: at once while fewer than
   * WAITING_FEEDS_PER_WORKER documents per worker (and WAITING_FEED_BYTES) wait here or are admitted, else when one
   * of them went on to a worker. The caller releases once it has handed the body to `run` (or given up on it).
   * Only reading bodies waits, never a request: a slow host holds up nobody, and an unread answer waits in the
   * socket, compressed (the fetcher reads its body after this resolves).
   */
  admitFeed(): Promise<() => void> {
    return new Promise((resolve) => {
      this.admissions.push(resolve);
      this.admit();
    });
  }

  private hasRoomForFeed(): boolean {
    const held = this.waiting.process.length + this.admitted;
    return (
      held === 0 ||
      (held < Math.max(1, this.max) * WAITING_FEEDS_PER_WORKER && this.waitingFeedBytes < WAITING_FEED_BYTES)
    );
  }

  /** Lets in the documents waiting for admission while there is room. */
  private admit(): void {
    while (this.admissions.length > 0 && (this.closed || this.hasRoomForFeed())) {
      const resolve = this.admissions.shift()!;
      this.admitted++;
      let released = false;
      resolve(() => {
        if (released) return;
        released = true;
        this.admitted--;
        this.admit();
      });
    }
  }

  /** A document left the queue for a worker: another may be read. */
  private feedLeft(job: WorkerJob): void {
    this.waitingFeedBytes -= bodyBytes(job);
    this.admit();
  }

  private waitingCount(): number {
    return this.waiting.score.length + this.waiting.process.length + this.waiting.extract.length;
  }

  /** Jobs waiting here for a worker (bounded by the callers: a cycle's concurrency), and those handed to workers. */
  get queued(): {
    waiting: number;
    inFlight: number;
    /** Documents here waiting for a worker, and those admitted to be read and not yet handed over (admitFeed). */
    waitingFeeds: number;
    admittedFeeds: number;
    waitingFeedBytes: number;
  } {
    return {
      waiting: this.waitingCount(),
      inFlight: this.pending.size,
      waitingFeeds: this.waiting.process.length,
      admittedFeeds: this.admitted,
      waitingFeedBytes: this.waitingFeedBytes,
    };
  }

  /** Workers running now (they start at the first job and end when idle). */
  get running(): number {
    return this.slots.length;
  }

  async run(input: ProcessInput): Promise<ProcessedFeed> {
    // Loaded only when parsing happens in this thread: parser, sanitiser and language profiles weigh ~100 MB.
    if (this.max === 0) return (await import('./process-feed.ts')).processFeed(input);
    try {
      return await this.submit<ProcessedFeed>({ kind: 'process', input });
    } catch (error) {
      return { ok: false, reason: 'malformed_xml', message: `parser failed: ${(error as Error).message}` };
    }
  }

  /**
   * Extracts a page's article (extract/article.ts) in a worker, within `budgetMs` of the worker's time: a page that
   * takes longer ends its worker (the only way to stop synchronous DOM work) and fails with reason `timeout`.
   */
  async extract(
    input: ExtractInput,
    budgetMs: number,
  ): Promise<ExtractResult | { ok: false; reason: 'timeout'; message: string }> {
    if (this.max === 0) return (await import('../extract/article.ts')).extractArticle(input);
    try {
      return await this.submit<ExtractResult>({ kind: 'extract', input, budgetMs });
    } catch (error) {
      return { ok: false, reason: 'timeout', message: (error as Error).message };
    }
  }

  async score(topics: TopicSpec[], items: ScoreJobItem[]): Promise<Record<string, BatchScore[]>> {
    if (this.max === 0 || topics.length === 0 || items.length === 0) {
      return (await import('../curate/batch.ts')).scoreBatch(topics, items);
    }
    return this.submit({ kind: 'score', topics, items });
  }

  /** Story grouping (curate/stories.ts) off the main thread: item id → story key. */
  async stories(items: StoryInput[], opts: StoryOptions): Promise<[string, string][]> {
    if (this.max === 0) return [...(await import('../curate/stories.ts')).findStoryClusters(items, opts)];
    return this.submit({ kind: 'stories', items, opts });
  }

  /**
   * Each worker's heap and CPU time (bench:ingest reports them per thread). Asked of the workers directly, past the
   * queue: answered as soon as a worker is between two jobs.
   */
  async threadStats(): Promise<ThreadStats[]> {
    return Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<ThreadStats>((resolve, reject) => {
            const id = this.nextId++;
            slot.busy++;
            this.pending.set(id, { slot, job: { kind: 'stats' }, resolve: resolve as (v: unknown) => void, reject });
            slot.worker.postMessage({ id, job: { kind: 'stats' } });
          }),
      ),
    );
  }

  /** Worker threads at most (0: everything runs in the calling thread). */
  get size(): number {
    return this.max;
  }

  async close(): Promise<void> {
    this.closed = true;
    // Nothing is left hanging: jobs still waiting here and jobs the workers had not answered fail alike.
    const unanswered = [
      ...this.waiting.score.splice(0),
      ...this.waiting.process.splice(0),
      ...this.waiting.extract.splice(0),
      ...this.pending.values(),
    ];
    for (const job of this.pending.values()) clearTimeout(job.deadline);
    for (const slot of this.slots) clearTimeout(slot.idleTimer);
    this.pending.clear();
    this.waitingFeedBytes = 0;
    this.admit();
    for (const job of unanswered) job.reject(new Error('worker pool is closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}

/**
 * One worker per core beyond the first (the main thread does HTTP and database work); RUNDSCHAU_WORKERS overrides,
 * e.g. to trade memory (~40 MB a worker) for ingest speed.
 */
function defaultWorkers(): number {
  const configured = Number(process.env.RUNDSCHAU_WORKERS);
  if (Number.isInteger(configured) && configured >= 0) return configured;
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

function defaultIdleMs(): number {
  const configured = Number(process.env.RUNDSCHAU_WORKER_IDLE_MS);
  return Number.isInteger(configured) && configured >= 0 ? configured : DEFAULT_IDLE_MS;
}

/** Story grouping waits with scoring (both finish work the main thread holds); feeds and article pages wait apart. */
type Queue = 'score' | 'process' | 'extract';
function queueOf(job: WorkerJob): Queue {
  return job.kind === 'stories' || job.kind === 'stats' ? 'score' : job.kind;
}

function bodyBytes(job: WorkerJob): number {
  return job.kind === 'process' ? job.input.body.byteLength : 0;
}
