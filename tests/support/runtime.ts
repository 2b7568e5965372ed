import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { openRuntime, type Runtime } from '../../src/app/runtime.ts';
import { silentLogger } from '../../src/lib/log.ts';

export interface TestRuntime {
  runtime: Runtime;
  dir: string;
  configPath: string;
  writeConfig(config: object): void;
  cleanup(): Promise<void>;
}

/** Politeness off for tests: loopback servers answer at once and share one host. */
export const fastDefaults = {
  minInterval: 60,
  maxInterval: 3600,
  concurrency: 8,
  perHostConcurrency: 8,
  perHostGapMs: 0,
  timeout: 5,
  connectTimeout: 2,
  // Fixture feeds link to example.org and corpus feeds to real sites: no test may fetch those pages. Full-text
  // tests turn extraction on for their own loopback pages.
  fullText: 'never' as const,
};

/** A runtime over a temp config file and a temp SQLite database (or `databaseUrl`). */
export async function testRuntime(
  config: object,
  opts: { databaseUrl?: string; workers?: number } = {},
): Promise<TestRuntime> {
  const dir = mkdtempSync(join(tmpdir(), 'rundschau-rt-'));
  const configPath = join(dir, 'rundschau.yaml');
  const writeConfig = (c: object) => writeFileSync(configPath, stringify(c));
  writeConfig(config);
  const runtime = await openRuntime({
    configPath,
    databaseUrl: opts.databaseUrl ?? join(dir, 'test.db'),
    log: silentLogger,
    workers: opts.workers ?? 0,
  });
  return {
    runtime,
    dir,
    configPath,
    writeConfig,
    async cleanup() {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
