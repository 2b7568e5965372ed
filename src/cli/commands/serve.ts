import { serve as serveHttp } from '@hono/node-server';
import { Command, InvalidArgumentError } from 'commander';
import { RuntimeConfigManager } from '../../app/config-manager.ts';
import { extractNow } from '../../app/full-text.ts';
import { openRuntime } from '../../app/runtime.ts';
import { type Scheduler, startScheduler } from '../../app/scheduler.ts';
import { ConfigError, formatIssues, loadConfigFile, resolveConfigPath } from '../../config/load.ts';
import { watchConfig } from '../../config/watch.ts';
import { createLogger } from '../../lib/log.ts';
import { createMetrics } from '../../lib/metrics.ts';
import { createApp } from '../../web/app.ts';
import { CliError, configOption, toCliError } from '../output.ts';
import { resolveFeed } from './add.ts';

export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number 0-65535');
  return n;
}

/** Why the server could not bind, in one line a user can act on (the port and address they asked for). */
export function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `port ${port} on ${host}`;
  if (code === 'EADDRINUSE')
    return new CliError(`rundschau: ${where} is already in use (another rundschau?); choose one with --port`);
  if (code === 'EACCES')
    return new CliError(`rundschau: not allowed to listen on ${where} (ports below 1024 need privileges)`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new CliError(`rundschau: cannot listen on ${where}: no such address on this machine`);
  }
  return error;
}

/** The HTTP server `listen` starts (serve and worker). */
export type HttpServer = ReturnType<typeof serveHttp>;

/**
 * Starts the HTTP server and resolves once it listens (with the port, for `--port 0`); a failure to bind rejects
 * with `listenError`'s one-line reason.
 */
export function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  hostname: string,
  listenPort: number,
): Promise<{ server: HttpServer; port: number }> {
  return new Promise((listening, failed) => {
    const server = serveHttp({ fetch, hostname, port: listenPort }, (info) => {
      server.off('error', failed);
      listening({ server, port: info.port });
    });
    server.once('error', failed);
  }).catch((error: unknown) => {
    throw listenError(error, hostname, listenPort);
  }) as Promise<{ server: HttpServer; port: number }>;
}

/**
 * SIGTERM/SIGINT: stop accepting connections, let `finish` end in-flight work (scheduler, watcher, runtime), exit 0;
 * forced exit after 30 s. Shared by `serve` and `worker`.
 */
export function stopOnSignals(
  log: { info(obj: object | string, msg?: string): void },
  message: string,
  http: HttpServer,
  finish: () => Promise<void>,
): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, message);
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    http.close();
    (http as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    await finish();
    log.info('bye');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('Run the scheduler and the web reader (the main job)')
    .addOption(configOption())
    .option('-H, --host <host>', 'bind address (default: server.host in the config, 127.0.0.1)')
    .option('-p, --port <port>', 'port (default: server.port in the config, 8080)', port)
    .option('--no-fetch', 'serve only; do not fetch feeds')
    .action(async (opts: { config?: string; host?: string; port?: number; fetch: boolean }) => {
      const log = createLogger();
      const configPath = resolveConfigPath(opts.config);
      const metrics = createMetrics(true);
      let runtime: Awaited<ReturnType<typeof openRuntime>> | undefined;
      let watcher: ReturnType<typeof watchConfig>;
      let manager: RuntimeConfigManager | undefined;
      try {
        watcher = watchConfig(configPath, {
          onChange: (config) => {
            log.info({ file: configPath }, 'config changed: applying');
            runtime
              ?.applyConfig(config)
              .then(() => manager?.fileApplied())
              .catch((error: unknown) => log.error({ err: error }, 'applying config failed'));
          },
          onError: (issues) => {
            manager?.fileRejected(issues);
            log.error(`config edit rejected, keeping the last good config:\n${formatIssues(issues)}`);
          },
        });
        runtime = await openRuntime({
          configPath,
          log,
          metrics,
          config: watcher.current(),
          role: opts.fetch ? 'all' : 'web',
        });
        manager = new RuntimeConfigManager(runtime, watcher);
      } catch (error) {
        throw toCliError(error);
      }
      const rt = runtime;
      const server = rt.config().server;
      const hostname = opts.host ?? server.host;
      const listenPort = opts.port ?? server.port;
      // Feed URLs announced to the WebSub hub when server.baseUrl is not set: where this process listens.
      let boundPort = listenPort;
      rt.feedAnnouncer.fallbackBaseUrl = () => `http://${hostname}:${boundPort}`;
      // The baseline for editors' changes when this process does not fetch (`--no-fetch`, cron runs `fetch`).
      if (!opts.fetch) void rt.feedAnnouncer.remember().catch((err: unknown) => log.error({ err }, 'WebSub baseline'));
      // Started once the port is bound (below); /healthz asks it how its cycles go.
      let scheduler: Scheduler | undefined;
      const app = createApp({
        store: rt.store,
        config: rt.config,
        metrics,
        log,
        onTopicDecision: async (slug) => {
          await rt.curator.relearn(slug);
          // An editor's pin or exclusion changes the topic's feed now, not at the next fetch cycle.
          void rt.feedAnnouncer.announce();
        },
        cycleHealth: () => scheduler?.health() ?? { consecutiveFailures: 0 },
        // Sync apps subscribe like `rundschau add`; the edited file applies at once (the watcher follows).
        configFile: {
          path: configPath,
          resolveFeed: (url) => resolveFeed(url),
          reload: async () => {
            const loaded = await loadConfigFile(configPath);
            if (!loaded.ok) throw new ConfigError(loaded.errors);
            await rt.applyConfig(loaded.config);
          },
        },
        loadFullText: (itemId) => extractNow(rt, itemId),
        manager,
        hostLimiter: { run: (host, fn) => rt.limiter.run(host, fn) },
      });
      // Bound before the scheduler starts: a port that is taken ends the start with one line, having fetched nothing.
      let http: HttpServer;
      try {
        const bound = await listen(app.fetch, hostname, listenPort);
        http = bound.server;
        boundPort = bound.port; // --port 0 picks one
        log.info({ url: `http://${hostname}:${bound.port}/`, config: configPath }, 'rundschau is serving');
      } catch (error) {
        await watcher.close();
        await rt.close();
        throw error;
      }
      scheduler = opts.fetch ? startScheduler(rt) : undefined;

      stopOnSignals(log, 'shutting down: finishing in-flight work', http, async () => {
        await scheduler?.stop();
        await watcher.close();
        await rt.close();
      });
    });
}
