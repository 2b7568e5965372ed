import { openRuntime, type Runtime } from '../app/runtime.ts';
import { resolveConfigPath } from '../config/load.ts';
import { createLogger, type Logger } from '../lib/log.ts';
import { toCliError } from './output.ts';

/** Opens the runtime for one command, runs `fn`, always closes. Logs go to stderr so --json stays clean. */
export async function withRuntime<T>(
  /** `sync: false`: a command that only reads (items) leaves the config's sync to the next one that writes. */
  opts: { config?: string; workers?: number; log?: Logger; sync?: boolean },
  fn: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const log = opts.log ?? createLogger(process.env.LOG_LEVEL ?? 'warn');
  let runtime: Runtime;
  try {
    runtime = await openRuntime({
      configPath: resolveConfigPath(opts.config),
      log,
      workers: opts.workers,
      sync: opts.sync,
    });
  } catch (error) {
    throw toCliError(error);
  }
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}
