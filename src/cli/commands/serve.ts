import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { serve as serveHttp } from '@hono/node-server';
import { Command, InvalidArgumentError } from 'commander';
import { RuntimeConfigManager } from '../../app/config-manager.ts';
import { extractNow } from '../../app/full-text.ts';
import { openRuntime, type Runtime } from '../../app/runtime.ts';
import type { Scheduler } from '../../app/scheduler.ts';
import { isWebProcess, type PrimaryLink, primaryLink, startWebProcesses } from '../../app/web-processes.ts';
import { ConfigError, formatIssues, loadConfigFile, resolveConfigPath } from '../../config/load.ts';
import { type ParsedConfig, watchConfig } from '../../config/watch.ts';
import { createLogger, type Logger } from '../../lib/log.ts';
import { createMetrics, type Metrics } from '../../lib/metrics.ts';
import type { AppDeps } from '../../web/deps.ts';
import { CliError, configOption, toCliError } from '../output.ts';

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
  // Loaded here: the primary of `--web-processes N` listens on nothing and loads no HTTP server (issue 14).
  return import('@hono/node-server')
    .then(
      ({ serve: serveHttp }) =>
        new Promise((listening, failed) => {
          const server = serveHttp({ fetch, hostname, port: listenPort }, (info) => {
            server.off('error', failed);
            listening({ server, port: info.port });
          });
          server.once('error', failed);
        }),
    )
    .catch((error: unknown) => {
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
  http: HttpServer | undefined,
  finish: () => Promise<void>,
  /** Also stop when this is called (a web process whose primary is gone). */
  also?: (stop: () => void) => void,
): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, message);
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    http?.close();
    (http as unknown as { closeIdleConnections?: () => void } | undefined)?.closeIdleConnections?.();
    await finish();
    log.info('bye');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  also?.(() => void shutdown('primary gone'));
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError('a number of processes 1-256');
  return n;
}

export interface ServeOptions {
  config?: string;
  host?: string;
  port?: number;
  fetch: boolean;
  webProcesses?: number;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('Run the scheduler and the web reader (the main job)')
    .addOption(configOption())
    .option('-H, --host <host>', 'bind address (default: server.host in the config, 127.0.0.1)')
    .option('-p, --port <port>', 'port (default: server.port in the config, 8080)', port)
    .option('--no-fetch', 'serve only; do not fetch feeds')
    .option(
      '--web-processes <n>',
      'HTTP processes sharing the port, beside the one that fetches (default: one per core; 1: one process does all)',
      count,
    )
    .action(async (opts: ServeOptions) => {
      if (isWebProcess()) return serveWeb(opts);
      const processes = opts.webProcesses ?? availableParallelism();
      if (processes <= 1) return serveAlone(opts);
      return servePrimary(opts, processes);
    });
}

/** The config watcher and the runtime, opened as every kind of serve process does (the CLI's errors on failure). */
async function openServing(
  opts: ServeOptions,
  log: Logger,
  metrics: Metrics,
  role: string,
  extra: { sync?: boolean; applySync?: boolean; storeReady?: () => Promise<ParsedConfig | undefined> } = {},
) {
  const configPath = resolveConfigPath(opts.config);
  let runtime: Runtime | undefined;
  let manager: RuntimeConfigManager | undefined;
  try {
    // A web process waits for the primary to migrate and sync; the config the primary read comes with its word
    // and is taken as it is while the file holds the same text (three processes on two cores parsed it thrice).
    const known = await extra.storeReady?.();
    const watcher = watchConfig(
      configPath,
      {
        onChange: (config) => {
          log.info({ file: configPath }, 'config changed: applying');
          runtime
            ?.applyConfig(config, { sync: extra.applySync !== false })
            .then(() => manager?.fileApplied())
            .catch((error: unknown) => log.error({ err: error }, 'applying config failed'));
        },
        onError: (issues) => {
          manager?.fileRejected(issues);
          log.error(`config edit rejected, keeping the last good config:\n${formatIssues(issues)}`);
        },
      },
      { known },
    );
    runtime = await openRuntime({
      configPath,
      log,
      metrics,
      config: watcher.current(),
      role,
      sync: extra.sync,
    }).catch(async (error: unknown) => {
      await watcher.close();
      throw error;
    });
    manager = new RuntimeConfigManager(runtime, watcher);
    return { rt: runtime, watcher, manager, configPath };
  } catch (error) {
    throw toCliError(error);
  }
}

/** The reader's deps over a runtime (one process, or each web process). */
function webDeps(
  rt: Runtime,
  manager: RuntimeConfigManager,
  configPath: string,
  metrics: Metrics,
  log: Logger,
  extra: Partial<AppDeps> & { onTopicDecision: (slug: string) => Promise<void> },
): AppDeps {
  return {
    store: rt.store,
    config: rt.config,
    metrics,
    log,
    // Sync apps subscribe like `rundschau add`; the edited file applies at once (the watcher follows).
    configFile: {
      path: configPath,
      // Loaded when a sync app subscribes: add.ts brings the parser and a progress bar.
      resolveFeed: async (url) => (await import('./add.ts')).resolveFeed(url),
      reload: async () => {
        const loaded = await loadConfigFile(configPath);
        if (!loaded.ok) throw new ConfigError(loaded.errors);
        await rt.applyConfig(loaded.config);
      },
    },
    loadFullText: (itemId) => extractNow(rt, itemId),
    manager,
    hostLimiter: { run: (host, fn) => rt.limiter.run(host, fn) },
    ...extra,
  };
}

/**
 * The reader (hono, the routes, views, publish) is loaded only by the processes that answer HTTP, and the scheduler
 * (node-cron, the cycle) only by the one that fetches, once its port is bound: the primary of `--web-processes N`
 * loads no web code and a web process no scheduler (issue 14: start-up is module loading on busy cores).
 */
function loadWebApp() {
  const loading = import('../../web/app.ts');
  loading.catch(() => {}); // awaited where it is used; no unhandled rejection before that
  return loading;
}

function loadScheduler(fetch: boolean) {
  if (!fetch) return undefined;
  const loading = import('../../app/scheduler.ts');
  loading.catch(() => {});
  return loading;
}

/** `--web-processes 1`: one process fetches and serves (as before there were web processes). */
async function serveAlone(opts: ServeOptions): Promise<void> {
  const webApp = loadWebApp();
  const schedulerModule = loadScheduler(opts.fetch);
  const log = createLogger();
  const metrics = createMetrics(true);
  const { rt, watcher, manager, configPath } = await openServing(opts, log, metrics, opts.fetch ? 'all' : 'web');
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
  const app = (await webApp).createApp(
    webDeps(rt, manager, configPath, metrics, log, {
      role: opts.fetch ? 'all' : 'web',
      onTopicDecision: async (slug) => {
        await rt.curator.relearn(slug);
        // An editor's pin or exclusion changes the topic's feed now, not at the next fetch cycle.
        void rt.feedAnnouncer.announce();
      },
      cycleHealth: () => scheduler?.health() ?? { consecutiveFailures: 0 },
    }),
  );
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
  scheduler = schedulerModule ? (await schedulerModule).startScheduler(rt) : undefined;

  stopOnSignals(log, 'shutting down: finishing in-flight work', http, async () => {
    await scheduler?.stop();
    await watcher.close();
    await rt.close();
  });
}

/**
 * The primary of `--web-processes N`: migrates and syncs the config, forks the web processes, and once they listen
 * runs the scheduler (fetch, ingest, parse pool, stories, WebSub) — one per `serve`, however many web processes.
 * It answers no HTTP itself: node:cluster hands the connections to the web processes.
 */
async function servePrimary(opts: ServeOptions, processes: number): Promise<void> {
  const schedulerModule = loadScheduler(opts.fetch);
  const log = createLogger();
  const metrics = createMetrics(true);
  // Forked first: the web processes load their code and read the config while this one opens the store.
  let storeOpened!: (opened: ParsedConfig | false) => void;
  const storeReady = new Promise<ParsedConfig | false>((resolve) => {
    storeOpened = resolve;
  });
  const web = startWebProcesses({
    count: processes,
    log,
    // Never resolved when the store failed to open: the web processes are stopped instead.
    storeReady: storeReady.then((parsed) => (parsed ? parsed : new Promise<never>(() => {}))),
    onTopicDecision: async (slug) => {
      await rt.curator.relearn(slug);
      void rt.feedAnnouncer.announce();
    },
    onRefresh: (urls) => manager.refresh(urls),
    metrics: () => metrics.registry.getMetricsAsJSON(),
  });
  let opened: Awaited<ReturnType<typeof openServing>>;
  try {
    opened = await openServing(opts, log, metrics, opts.fetch ? 'all' : 'web');
  } catch (error) {
    storeOpened(false);
    await web.stop(5_000);
    throw error;
  }
  const { rt, watcher, manager, configPath } = opened;
  storeOpened(watcher.parsed());
  const server = rt.config().server;
  const hostname = opts.host ?? server.host;
  let boundPort = opts.port ?? server.port;
  rt.feedAnnouncer.fallbackBaseUrl = () => `http://${hostname}:${boundPort}`;
  if (!opts.fetch) void rt.feedAnnouncer.remember().catch((err: unknown) => log.error({ err }, 'WebSub baseline'));
  let scheduler: Scheduler | undefined;
  // From the start: a SIGTERM while the web processes still start ends them too.
  stopOnSignals(log, 'shutting down: finishing in-flight work', undefined, async () => {
    await web.stop();
    await scheduler?.stop();
    await watcher.close();
    await rt.close();
  });
  // Loaded while the web processes start; started at once when they listen (no await between: a SIGTERM finds it).
  const startScheduler = schedulerModule && (await schedulerModule).startScheduler;
  try {
    boundPort = await web.listening;
    log.info(
      { url: `http://${hostname}:${boundPort}/`, config: configPath, webProcesses: web.pids() },
      'rundschau is serving',
    );
  } catch (error) {
    await web.stop(5_000);
    await watcher.close();
    await rt.close();
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  scheduler = startScheduler?.(rt);
}

/**
 * One web process of `--web-processes N`: the reader over the same database and config file, without the
 * scheduler. It opens the store without syncing (the primary did), follows the config file without syncing it
 * (the primary's watcher does; an edit made here syncs here, at once), and asks the primary for what is kept there.
 */
async function serveWeb(opts: ServeOptions): Promise<void> {
  const webApp = loadWebApp();
  const log = createLogger();
  const metrics = createMetrics(true);
  const link: PrimaryLink = primaryLink();
  // The primary gone while this one still starts (its SIGTERM, a crash): nothing to serve for.
  const orphaned = () => process.exit(0);
  process.once('disconnect', orphaned);
  cluster.worker?.on('error', orphaned); // EPIPE: listening asks a primary that is gone
  let opened: Awaited<ReturnType<typeof openServing>>;
  try {
    opened = await openServing(opts, log, metrics, 'web', {
      sync: false,
      applySync: false,
      storeReady: () => link.storeReady(),
    });
  } catch (error) {
    link.listenFailed(error);
    throw error;
  }
  const { rt, watcher, manager, configPath } = opened;
  // A refresh fetches in the primary: its cycle is the one that fetches, groups stories and announces.
  manager.refreshElsewhere = (urls) => link.refresh(urls);
  link.serveMetrics(() => metrics.registry.getMetricsAsJSON());
  const server = rt.config().server;
  const hostname = opts.host ?? server.host;
  const listenPort = opts.port ?? server.port;
  const app = (await webApp).createApp(
    webDeps(rt, manager, configPath, metrics, log, {
      role: 'web',
      onTopicDecision: (slug) => link.topicDecision(slug),
      attempts: link.attempts,
      fallbackSecret: link.secret,
      otherMetrics: link.otherMetrics,
    }),
  );
  let http: HttpServer;
  try {
    const bound = await listen(app.fetch, hostname, listenPort);
    http = bound.server;
    link.listening(bound.port);
    process.off('disconnect', orphaned);
  } catch (error) {
    link.listenFailed(error); // listen's one-line reason (a taken port)
    await watcher.close();
    await rt.close();
    throw error;
  }
  stopOnSignals(
    log,
    'web process shutting down',
    http,
    async () => {
      await watcher.close();
      await rt.close();
    },
    (stop) => link.onPrimaryGone(stop),
  );
}
