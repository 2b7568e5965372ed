import cron, { type ScheduledTask } from 'node-cron';
import { type CycleContext, type CycleSummary, runCycle } from './cycle.ts';

export interface Scheduler {
  /** Runs a cycle now unless one is running (then waits for that one). */
  runNow(): Promise<CycleSummary | undefined>;
  /** Stops ticking, lets the cycle in flight finish its sources (up to `graceMs`), then returns. */
  stop(graceMs?: number): Promise<void>;
  /** How the cycles go: /healthz reports a scheduler whose cycles fail (not a source that fails: that is health). */
  health(): CycleHealth;
}

export interface CycleHealth {
  /** Cycles in a row that ended in an error (0 after one that ran). */
  consecutiveFailures: number;
  lastError?: string;
  lastSuccessAt?: number;
}

/**
 * A frequent node-cron tick fetches whatever is due; the schedule itself lives in each source's next fetch time.
 * Cycles never overlap: a tick that finds one running is skipped.
 */
export function startScheduler(
  ctx: CycleContext,
  expression = process.env.RUNDSCHAU_TICK ?? '*/30 * * * * *',
): Scheduler {
  let running: Promise<CycleSummary | undefined> | undefined;
  const shutdown = new AbortController();
  const health: CycleHealth = { consecutiveFailures: 0 };

  const cycle = (): Promise<CycleSummary | undefined> => {
    if (running) return running;
    running = runCycle(ctx, { signal: shutdown.signal })
      .then((summary) => {
        if (summary.sources > 0) {
          const { outcomes: _, skipped: __, ...figures } = summary;
          ctx.log.info(figures, 'fetch cycle done');
        }
        health.consecutiveFailures = 0;
        health.lastError = undefined;
        health.lastSuccessAt = Date.now();
        return summary;
      })
      .catch((error: unknown) => {
        ctx.log.error({ err: error }, 'fetch cycle failed');
        health.consecutiveFailures++;
        health.lastError = error instanceof Error ? error.message : String(error);
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const task: ScheduledTask = cron.schedule(expression, () => void cycle(), { noOverlap: true, name: 'fetch-tick' });
  // Heartbeats for the process's life (PostgreSQL), not only during cycles: an idle worker notices a crashed one
  // within seconds and takes the sources it freed (a cycle running now picks them up as it claims).
  let letGo: (() => void) | undefined;
  if (ctx.presence) {
    ctx.presence.onReleased = () => void cycle();
    void ctx.presence.hold().then(
      (release) => {
        letGo = release;
      },
      (error: unknown) => ctx.log.warn({ err: error }, 'worker heartbeat failed'),
    );
  }
  void cycle();

  return {
    runNow: cycle,
    health: () => ({ ...health }),
    async stop(graceMs = 20_000) {
      await task.stop();
      shutdown.abort();
      letGo?.();
      if (running) {
        await Promise.race([running, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
      }
    },
  };
}
