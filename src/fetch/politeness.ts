export interface HostLimiterOptions {
  /** Tasks running at once across all hosts. */
  concurrency: number;
  /** Tasks running at once against one host. */
  perHost: number;
  /** Minimum time between two task starts on one host, ms. */
  gapMs: number;
  /** Extra random delay added to each gap, as a fraction of gapMs (default 0.5: gap is 1×–1.5×). */
  jitter?: number;
  random?: () => number;
  now?: () => number;
}

/** What ingest asks before each request: run `fn` when politeness towards `host` allows. */
export interface HostGate {
  run<T>(host: string, fn: () => Promise<T>): Promise<T>;
}

interface Pending {
  start: () => void;
}

interface HostState {
  queue: Pending[];
  running: number;
  /** Earliest time the next task on this host may start. */
  nextStart: number;
}

/**
 * Politeness for fetching: a global concurrency limit, a per-host limit and a minimum (jittered) gap between
 * request starts per host. Tasks wait in per-host FIFO queues; a host that must wait never holds a global slot,
 * so one busy host does not serialise the others.
 */
export class HostLimiter implements HostGate {
  private readonly hosts = new Map<string, HostState>();
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(private readonly opts: HostLimiterOptions) {
    if (opts.concurrency < 1 || opts.perHost < 1) throw new Error('concurrency and perHost must be at least 1');
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
  }

  /** Runs `fn` when the host and the global limits allow; resolves or rejects with its result. */
  run<T>(host: string, fn: () => Promise<T>): Promise<T> {
    const key = host.toLowerCase();
    let state = this.hosts.get(key);
    if (!state) {
      state = { queue: [], running: 0, nextStart: 0 };
      this.hosts.set(key, state);
    }
    return new Promise<T>((resolve, reject) => {
      (state as HostState).queue.push({
        start: () => {
          Promise.resolve()
            .then(fn)
            .then(resolve, reject)
            .finally(() => this.finish(key));
        },
      });
      this.pump();
    });
  }

  /** Tasks started and not finished. */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get pending(): number {
    let n = 0;
    for (const s of this.hosts.values()) n += s.queue.length;
    return n;
  }

  private finish(key: string): void {
    this.running--;
    const state = this.hosts.get(key);
    if (state) state.running--;
    this.pump();
  }

  private pump(): void {
    const now = this.now();
    let wakeAt = Number.POSITIVE_INFINITY;
    // A snapshot, because served hosts move to the end of the map: the next free slot goes to another host.
    for (const [key, state] of [...this.hosts]) {
      if (this.running >= this.opts.concurrency) break;
      if (state.queue.length === 0) {
        if (state.running === 0 && state.nextStart <= now) this.hosts.delete(key);
        continue;
      }
      if (state.running >= this.opts.perHost) continue;
      if (state.nextStart > now) {
        wakeAt = Math.min(wakeAt, state.nextStart);
        continue;
      }
      const task = state.queue.shift() as Pending;
      state.running++;
      this.running++;
      const jitter = this.opts.gapMs * (this.opts.jitter ?? 0.5) * this.random();
      state.nextStart = now + this.opts.gapMs + jitter;
      this.hosts.delete(key);
      this.hosts.set(key, state);
      task.start();
      if (state.queue.length > 0 && state.running < this.opts.perHost) wakeAt = Math.min(wakeAt, state.nextStart);
    }
    this.schedule(wakeAt);
  }

  private schedule(at: number): void {
    if (at === Number.POSITIVE_INFINITY || at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, at - this.now()),
    );
  }
}
