import { writeFileSync } from 'node:fs';
import type { Hono } from 'hono';
import { RuntimeConfigManager } from '../../src/app/config-manager.ts';
import { watchConfig } from '../../src/config/watch.ts';
import { silentLogger } from '../../src/lib/log.ts';
import { createMetrics } from '../../src/lib/metrics.ts';
import { createApp } from '../../src/web/app.ts';
import { type FixtureServer, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults, type TestRuntime, testRuntime } from '../support/runtime.ts';

export interface ManagedApp {
  app: Hono;
  rt: TestRuntime;
  manager: RuntimeConfigManager;
  srv: FixtureServer;
  close(): Promise<void>;
}

/** The header every config written by these tests starts with: it must survive every edit. */
export const CONFIG_HEAD = '# my feeds — kept by hand and by the reader\n';

/**
 * The app as `rundschau serve` wires it (runtime, config watcher, config manager, politeness limiter) over a temp
 * config file and database, plus a fixture server on loopback for the feeds. Favicons and media may use loopback.
 */
export async function managedApp(configText: (srv: FixtureServer) => string): Promise<ManagedApp> {
  const srv = await startFixtureServer();
  const rt = await testRuntime({ defaults: fastDefaults, server: { mediaProxy: 'allow-private' } });
  writeFileSync(rt.configPath, configText(srv));
  let manager: RuntimeConfigManager | undefined;
  const watcher = watchConfig(
    rt.configPath,
    {
      onChange: (config) => {
        void rt.runtime.applyConfig(config).then(() => manager?.fileApplied());
      },
      onError: (issues) => manager?.fileRejected(issues),
    },
    { debounceMs: 50 },
  );
  await rt.runtime.applyConfig(watcher.current());
  manager = new RuntimeConfigManager(rt.runtime, watcher);
  const app = createApp({
    store: rt.runtime.store,
    config: rt.runtime.config,
    metrics: createMetrics(false),
    log: silentLogger,
    manager,
    hostLimiter: { run: (host, fn) => rt.runtime.limiter.run(host, fn) },
  });
  return {
    app,
    rt,
    manager,
    srv,
    async close() {
      await watcher.close();
      await rt.cleanup();
      await srv.close();
    },
  };
}

/** A config text in the style people write by hand: comments, aligned values, a flow list. */
export function handConfig(srv: FixtureServer, sources: string): string {
  return `${CONFIG_HEAD}defaults:
  minInterval: 60            # tests fetch often
  perHostGapMs: 0
  perHostConcurrency: 8
server:
  mediaProxy: allow-private  # fixtures live on loopback

sources:
  # --- the first one
  - url: ${srv.url('/one.xml')}
    title: One
    category: Tech
    tags: [a, b]
${sources}
topics:
  - slug: cloud
    title: Cloud
    rules:
      threshold: 1
      terms:
        any:
          cloud: 1    # the word itself
`;
}
