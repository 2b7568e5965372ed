import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { Config } from '../config/schema.ts';
import type { ParsedConfig } from '../config/watch.ts';
import type { Logger } from '../lib/log.ts';
import { type AttemptCounter, RateLimiter } from '../web/auth.ts';

/**
 * `serve --web-processes N`: the primary process keeps the scheduler, fetching, ingest and the parse pool and forks N
 * web processes (node:cluster: they share the port, the primary hands each new connection to the next one in
 * turn). What must be one for all of them stays in the primary and is asked for over the cluster's IPC channel:
 * the login throttles (a guesser meets one limit however its tries are spread) and editors' topic decisions (the
 * learned model that scores new items lives in the primary's curator). Everything else a web process keeps in
 * memory is a cache that follows the database or the config file (see docs/ARCHITECTURE.md, "Web processes").
 */

/** A web process's question to the primary. */
export type Question =
  | { kind: 'attempt'; name: string; limit: number; windowMs: number; key: string; now: number }
  | { kind: 'topic-decision'; slug: string }
  | { kind: 'refresh'; urls: string[] }
  | { kind: 'metrics' };

type ToPrimary =
  | { rundschau: 'hello' }
  | { rundschau: 'listening'; port: number }
  | { rundschau: 'listen-failed'; message: string }
  | { rundschau: 'ask'; id: number; question: Question }
  | { rundschau: 'metrics'; id: number; value: unknown };

type ToChild =
  | { rundschau: 'answer'; id: number; value?: unknown; error?: string }
  /** `config`: the primary's parsed config (v8-serialised, base64) with the hash of its text. */
  | { rundschau: 'go'; config?: { sha256: string; v8: string } }
  | { rundschau: 'metrics-please'; id: number };

/** The environment variable that marks a forked web process (and hands it the shared fallback secret). */
const CHILD_ENV = 'RUNDSCHAU_WEB_PROCESS';
const SECRET_ENV = 'RUNDSCHAU_WEB_SECRET';

/** True in a web process forked by `startWebProcesses`. */
export function isWebProcess(): boolean {
  return cluster.isWorker && process.env[CHILD_ENV] === '1';
}

export interface WebProcessesOptions {
  count: number;
  log: Logger;
  /** An editor's pin or exclusion made in a web process: re-learn (and announce) in the primary. */
  onTopicDecision(slug: string): Promise<void>;
  /** The primary's own metrics (prom-client `getMetricsAsJSON()`): its fetches, ingest, parse pool. */
  metrics(): Promise<unknown>;
  /** "Refresh" pressed in a web process: fetch these sources now, in the primary. */
  onRefresh(urls: string[]): Promise<unknown>;
  /**
   * Resolves when the database is ready for the web processes (the primary migrated it): they load their code and
   * wait meanwhile, and read the config and open the store only then. With the primary's config: a web process
   * whose file still holds the same text takes it instead of parsing the file again (issue 14: three processes
   * starting on two cores each parsed the same YAML).
   */
  storeReady?: Promise<ParsedConfig | undefined>;
  /** First restart delay after a crash (doubles while crashes follow each other within a minute, up to 30 s). */
  restartDelayMs?: number;
}

export interface WebProcesses {
  /** Resolves with the port once every web process listens; rejects with the first failure to listen. */
  listening: Promise<number>;
  /** The web processes' pids now. */
  pids(): number[];
  /** SIGTERM to every web process, waits for them (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/** Forks the web processes (the same command line, marked by the environment) and keeps N of them running. */
export function startWebProcesses(opts: WebProcessesOptions): WebProcesses {
  const secret = randomBytes(32).toString('base64url');
  const throttles = new Map<string, RateLimiter>();
  let stopping = false;
  let started = false;
  let delay = opts.restartDelayMs ?? 250;
  let lastCrash = 0;
  let settle!: { ok: (port: number) => void; fail: (error: Error) => void };
  const listening = new Promise<number>((ok, fail) => {
    settle = { ok, fail };
  });
  const listened = new Set<Worker>();
  const workers = new Set<Worker>();

  // Metrics asked of the web processes (for one that is scraped): by request id.
  let nextAsk = 0;
  const asked = new Map<number, (value: unknown) => void>();
  const metricsOf = (worker: Worker) =>
    new Promise<unknown>((resolve) => {
      const id = ++nextAsk;
      const timer = setTimeout(() => {
        asked.delete(id);
        resolve(undefined);
      }, 2_000);
      asked.set(id, (value) => {
        clearTimeout(timer);
        resolve(value);
      });
      send(worker, { rundschau: 'metrics-please', id });
    });

  const answer = async (question: Question, from: Worker): Promise<unknown> => {
    if (question.kind === 'metrics') {
      const others = [...workers].filter((w) => w !== from && listened.has(w));
      const all = await Promise.all([opts.metrics(), ...others.map(metricsOf)]);
      return all.filter((m) => m !== undefined);
    }
    if (question.kind === 'attempt') {
      const id = `${question.name}:${question.limit}:${question.windowMs}`;
      let limiter = throttles.get(id);
      if (!limiter) {
        limiter = new RateLimiter(question.limit, question.windowMs);
        throttles.set(id, limiter);
      }
      return limiter.attempt(question.key, question.now) ? 0 : limiter.retryAfter(question.key, question.now);
    }
    if (question.kind === 'refresh') return opts.onRefresh(question.urls);
    await opts.onTopicDecision(question.slug);
    return null;
  };

  const fork = (): void => {
    const worker = cluster.fork({ [CHILD_ENV]: '1', [SECRET_ENV]: secret });
    workers.add(worker);
    worker.on('message', (message: ToPrimary) => {
      if (message?.rundschau === 'hello') {
        void (opts.storeReady ?? Promise.resolve(undefined)).then((parsed) =>
          send(worker, {
            rundschau: 'go',
            config: parsed && { sha256: parsed.sha256, v8: serialize(parsed.config).toString('base64') },
          }),
        );
      } else if (message?.rundschau === 'listening') {
        listened.add(worker);
        if (!started && listened.size >= opts.count) {
          started = true;
          settle.ok(message.port);
        }
      } else if (message?.rundschau === 'listen-failed') {
        if (!started) settle.fail(new Error(message.message));
      } else if (message?.rundschau === 'metrics') {
        asked.get(message.id)?.(message.value);
        asked.delete(message.id);
      } else if (message?.rundschau === 'ask') {
        answer(message.question, worker).then(
          (value) => send(worker, { rundschau: 'answer', id: message.id, value }),
          (error: unknown) =>
            send(worker, {
              rundschau: 'answer',
              id: message.id,
              error: error instanceof Error ? error.message : String(error),
            }),
        );
      }
    });
    worker.on('exit', (code, signal) => {
      workers.delete(worker);
      const hadListened = listened.delete(worker);
      if (stopping) return;
      if (!started || !hadListened) {
        // A process that dies before it listens (a taken port, a broken database) would only die again.
        if (!started) settle.fail(new Error(`a web process exited before listening (code ${code ?? signal})`));
        return;
      }
      const now = Date.now();
      delay = now - lastCrash < 60_000 ? Math.min(delay * 2, 30_000) : (opts.restartDelayMs ?? 250);
      lastCrash = now;
      opts.log.error({ pid: worker.process.pid, code, signal, restartInMs: delay }, 'web process ended: restarting it');
      setTimeout(() => {
        if (!stopping) fork();
      }, delay).unref();
    });
  };

  for (let i = 0; i < opts.count; i++) fork();

  return {
    listening,
    pids: () => [...workers].map((w) => w.process.pid!).filter(Boolean),
    async stop(graceMs = 25_000) {
      stopping = true;
      const exits = [...workers].map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.isDead()) return resolve();
            w.once('exit', () => resolve());
            w.process.kill('SIGTERM');
            setTimeout(() => w.process.kill('SIGKILL'), graceMs).unref();
          }),
      );
      await Promise.all(exits);
    },
  };
}

function send(worker: Worker, message: ToChild): void {
  if (worker.isConnected()) worker.send(message);
}

/** A web process's side of the channel: tells the primary it listens, asks it what is kept there. */
export interface PrimaryLink {
  /** The secret the primary handed every web process (sessions and media URLs when no other is set). */
  secret: string | undefined;
  listening(port: number): void;
  listenFailed(error: unknown): void;
  /** Login throttles kept by the primary. */
  attempts(name: string, limit: number, windowMs: number): AttemptCounter;
  topicDecision(slug: string): Promise<void>;
  refresh(urls: string[]): Promise<{ url: string; outcome: string; message?: string }[]>;
  /** The metrics of the primary and the other web processes (prom-client JSON, one entry each). */
  otherMetrics(): Promise<unknown[]>;
  /** What this process answers when the primary asks for its metrics (for another one being scraped). */
  serveMetrics(get: () => Promise<unknown>): void;
  /** Resolves when the primary says the database is ready (migrated), with the primary's config when it sent it. */
  storeReady(): Promise<ParsedConfig | undefined>;
  /** Runs `fn` once when the primary is gone (its channel closed): a web process does not outlive it. */
  onPrimaryGone(fn: () => void): void;
}

export function primaryLink(): PrimaryLink {
  let next = 0;
  const waiting = new Map<number, { ok: (value: unknown) => void; fail: (error: Error) => void }>();
  let go!: (parsed: ParsedConfig | undefined) => void;
  const ready = new Promise<ParsedConfig | undefined>((resolve) => {
    go = resolve;
  });
  let ownMetrics: (() => Promise<unknown>) | undefined;
  process.on('message', (message: ToChild) => {
    if (message?.rundschau === 'go') {
      const shared = message.config;
      return go(shared && { sha256: shared.sha256, config: deserialize(Buffer.from(shared.v8, 'base64')) as Config });
    }
    if (message?.rundschau === 'metrics-please') {
      const id = message.id;
      void (ownMetrics?.() ?? Promise.resolve(undefined)).then(
        (value) => tell({ rundschau: 'metrics', id, value }),
        () => tell({ rundschau: 'metrics', id, value: undefined }),
      );
      return;
    }
    if (message?.rundschau !== 'answer') return;
    const wait = waiting.get(message.id);
    if (!wait) return;
    waiting.delete(message.id);
    if (message.error !== undefined) wait.fail(new Error(message.error));
    else wait.ok(message.value);
  });
  const tell = (message: ToPrimary) => {
    if (process.connected) process.send?.(message);
  };
  const ask = (question: Question) =>
    new Promise<unknown>((ok, fail) => {
      if (!process.connected) return fail(new Error('the primary process is gone'));
      const id = ++next;
      waiting.set(id, { ok, fail });
      tell({ rundschau: 'ask', id, question });
    });
  tell({ rundschau: 'hello' });
  return {
    secret: process.env[SECRET_ENV],
    storeReady: () => ready,
    listening: (port) => tell({ rundschau: 'listening', port }),
    listenFailed: (error) =>
      tell({ rundschau: 'listen-failed', message: error instanceof Error ? error.message : String(error) }),
    attempts: (name, limit, windowMs) => (key, now) =>
      ask({ kind: 'attempt', name, limit, windowMs, key, now }) as Promise<number>,
    topicDecision: async (slug) => {
      await ask({ kind: 'topic-decision', slug });
    },
    otherMetrics: () => ask({ kind: 'metrics' }) as Promise<unknown[]>,
    serveMetrics: (get) => {
      ownMetrics = get;
    },
    refresh: (urls) => ask({ kind: 'refresh', urls }) as Promise<{ url: string; outcome: string; message?: string }[]>,
    onPrimaryGone: (fn) => process.once('disconnect', fn),
  };
}
