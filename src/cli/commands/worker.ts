import { Command } from 'commander';
import { openRuntime } from '../../app/runtime.ts';
import { type Scheduler, startScheduler } from '../../app/scheduler.ts';
import { formatIssues, resolveConfigPath } from '../../config/load.ts';
import { watchConfig } from '../../config/watch.ts';
import { createLogger } from '../../lib/log.ts';
import { createMetrics } from '../../lib/metrics.ts';
import { createWorkerApp } from '../../web/app.ts';
import { configOption, toCliError } from '../output.ts';
import { type HttpServer, listen, port, stopOnSignals } from './serve.ts';

export const DEFAULT_WORKER_PORT = 8081;

/**
 * `rundschau worker`: the scheduler and fetching without the reader — start any number beside `serve --no-fetch`
 * replicas on one PostgreSQL. HTTP only for `/healthz` and `/metrics` (this worker's own fetches).
 */
export function workerCommand(): Command {
  return new Command('worker')
    .description('Fetch feeds on schedule without the web reader (HTTP only for /healthz and /metrics)')
    .addOption(configOption())
    .option('-H, --host <host>', 'bind address for /healthz and /metrics (default: server.host, 127.0.0.1)')
    .option('-p, --port <port>', `port for /healthz and /metrics (default ${DEFAULT_WORKER_PORT})`, port)
    .action(async (opts: { config?: string; host?: string; port?: number }) => {
      const log = createLogger();
      const configPath = resolveConfigPath(opts.config);
      const metrics = createMetrics(true);
      let runtime: Awaited<ReturnType<typeof openRuntime>> | undefined;
      let watcher: ReturnType<typeof watchConfig>;
      try {
        watcher = watchConfig(configPath, {
          onChange: (config) => {
            log.info({ file: configPath }, 'config changed: applying');
            runtime?.applyConfig(config).catch((error: unknown) => log.error({ err: error }, 'applying config failed'));
          },
          onError: (issues) =>
            log.error(`config edit rejected, keeping the last good config:\n${formatIssues(issues)}`),
        });
        runtime = await openRuntime({ configPath, log, metrics, config: watcher.current(), role: 'worker' });
      } catch (error) {
        throw toCliError(error);
      }
      const rt = runtime;
      const hostname = opts.host ?? rt.config().server.host;
      const listenPort = opts.port ?? DEFAULT_WORKER_PORT;
      let scheduler: Scheduler | undefined;
      const app = createWorkerApp({
        store: rt.store,
        config: rt.config,
        metrics,
        log,
        cycleHealth: () => scheduler?.health() ?? { consecutiveFailures: 0 },
      });
      let http: HttpServer;
      try {
        const bound = await listen(app.fetch, hostname, listenPort);
        http = bound.server;
        log.info({ url: `http://${hostname}:${bound.port}/`, config: configPath }, 'rundschau worker is running');
      } catch (error) {
        await watcher.close();
        await rt.close();
        throw error;
      }
      // The hub hears of changes from the process that fetched them (announce after each cycle).
      rt.feedAnnouncer.fallbackBaseUrl = () => `http://${rt.config().server.host}:${rt.config().server.port}`;
      scheduler = startScheduler(rt);

      stopOnSignals(log, 'shutting down: finishing in-flight fetches', http, async () => {
        await scheduler?.stop();
        await watcher.close();
        await rt.close();
      });
    });
}
