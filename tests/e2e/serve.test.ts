/**
 * `rundschau serve` as a real process: its scheduler fetches on its own, /healthz answers, a config edit adds a
 * source without a restart, a broken edit is logged and ignored, and SIGTERM ends it cleanly.
 */
import { renameSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createWorkspace, logLines, type SpawnedCli, spawnCli, type Workspace, waitFor } from '../support/cli.ts';
import { entries, rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults } from '../support/runtime.ts';

function storedItems(dbPath: string, configUrl: string): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 2000');
    const row = db
      .prepare('select count(i.id) as n from sources s join items i on i.source_id = s.id where s.config_url = ?')
      .get(configUrl) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

describe('rundschau serve (real process, SQLite)', () => {
  let server: FixtureServer;
  let ws: Workspace;
  let serve: SpawnedCli;
  let baseUrl: string;
  const config = (urls: string[]) => ({
    defaults: fastDefaults,
    sources: urls.map((url) => ({ url, category: 'Serve' })),
    topics: [],
  });
  /** Saves like an editor does: write a temp file, rename it over the config. */
  const saveConfig = (text: string) => {
    const tmp = `${ws.configPath}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, ws.configPath);
  };
  const diagnostics = () => `serve stderr:\n${serve?.stderr.slice(-4000)}`;

  beforeAll(async () => {
    server = await startFixtureServer();
    server.route('/one.xml', serveBody(rss('One', entries('one', 3))));
    server.route('/two.xml', serveBody(rss('Two', entries('two', 2))));
    server.route('/three.xml', serveBody(rss('Three', entries('three', 1))));
    ws = createWorkspace(config([server.url('/one.xml')]));
    // Started from the operator's directory, not the repository: nothing may depend on the working directory.
    serve = spawnCli(['serve', '--config', ws.configPath, '--host', '127.0.0.1', '--port', '0'], {
      cwd: ws.dir,
      env: { ...ws.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info', RUNDSCHAU_TICK: '*/1 * * * * *' },
    });
    const serving = await waitFor(() => logLines(serve).find((l) => l.msg === 'rundschau is serving'), {
      timeoutMs: 30_000,
      what: () => `the "rundschau is serving" log line; ${diagnostics()}`,
    });
    baseUrl = String(serving.url).replace(/\/$/, '');
  });
  afterAll(async () => {
    if (serve && serve.child.exitCode === null && serve.child.signalCode === null) {
      serve.child.kill('SIGKILL');
      await serve.exited;
    }
    ws?.cleanup();
    await server?.close();
  });

  it('logs where it serves, as JSON on a non-TTY stderr', () => {
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(baseUrl).not.toMatch(/:0$/);
  });

  it('answers /healthz with 200', async () => {
    const res = await fetch(`${baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('renders the reader pages (views compile the same outside the repository)', async () => {
    for (const path of ['/', '/all', '/sources', '/topics', '/search?q=story', '/help']) {
      const res = await fetch(`${baseUrl}${path}`);
      expect(res.status, `${path}: ${diagnostics()}`).toBe(200);
      expect(await res.text()).toContain('<!DOCTYPE html>');
    }
  });

  it('fetches the configured feed by itself', async () => {
    await waitFor(() => storedItems(ws.databasePath, server.url('/one.xml')) === 3, {
      timeoutMs: 15_000,
      what: () => `3 items of /one.xml stored; ${server.requestsFor('/one.xml').length} requests; ${diagnostics()}`,
    });
  });

  it('picks up a source added to the YAML without a restart', async () => {
    saveConfig(stringify(config([server.url('/one.xml'), server.url('/two.xml')])));
    await waitFor(() => storedItems(ws.databasePath, server.url('/two.xml')) === 2, {
      timeoutMs: 15_000,
      what: () => `2 items of /two.xml stored; ${server.requestsFor('/two.xml').length} requests; ${diagnostics()}`,
    });
  });

  it('logs a broken edit, keeps running on the last good config', async () => {
    const before = logLines(serve).length;
    saveConfig('sources:\n  - url: [this is not\n    valid: yaml\n');
    const rejected = await waitFor(
      () =>
        logLines(serve)
          .slice(before)
          .find((l) => /config edit rejected/.test(l.msg ?? '')),
      { timeoutMs: 10_000, what: () => `a "config edit rejected" log line; ${diagnostics()}` },
    );
    expect(rejected.msg).toContain(ws.configPath);
    expect(serve.child.exitCode).toBeNull();
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
    // The old sources are still known and nothing was dropped.
    expect(storedItems(ws.databasePath, server.url('/one.xml'))).toBe(3);
    expect(storedItems(ws.databasePath, server.url('/two.xml'))).toBe(2);
  });

  it('still applies the next good edit after a broken one', async () => {
    saveConfig(stringify(config([server.url('/one.xml'), server.url('/two.xml'), server.url('/three.xml')])));
    await waitFor(() => storedItems(ws.databasePath, server.url('/three.xml')) === 1, {
      timeoutMs: 15_000,
      what: () => `1 item of /three.xml stored; ${diagnostics()}`,
    });
  });

  it('exits 0 soon after SIGTERM', async () => {
    const t0 = Date.now();
    serve.child.kill('SIGTERM');
    const exit = await Promise.race([
      serve.exited,
      new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), 10_000)),
    ]);
    expect(exit, diagnostics()).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(logLines(serve).some((l) => l.msg === 'bye')).toBe(true);
  });
});
