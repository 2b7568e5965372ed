/**
 * A feed that arrives cut off before its first complete item is not "ok with 0 items": through the real CLI and
 * server, `rundschau fetch` reports it, and `rundschau sources` and the sources page show it degraded with the
 * reason (while a whole feed beside it is ok).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, jsonOf, runCli, type SpawnedCli, spawnCli, type Workspace, waitFor } from '../support/cli.ts';
import { rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults } from '../support/runtime.ts';

const WHOLE = rss('Whole', [{ id: 'w-1', title: 'A whole story' }]);
/** What a generator that crashed (or a full disk) leaves behind: the channel head and half of the first item. */
const CUT_OFF = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Cut off</title><link>https://cut.example/</link>
<description>A feed whose generator died</description>
<item><title>The first story</title><link>https://cut.example/1</link><description>Its body stops in the mid`;

describe('a truncated feed through the real CLI and server (SQLite)', () => {
  let server: FixtureServer;
  let ws: Workspace;
  let serve: SpawnedCli | undefined;
  const url = (path: string) => server.url(path);

  beforeAll(async () => {
    server = await startFixtureServer();
    server.route('/whole.xml', serveBody(WHOLE));
    server.route('/cut.xml', serveBody(CUT_OFF, { contentType: 'application/rss+xml' }));
    ws = createWorkspace({
      defaults: fastDefaults,
      sources: [
        { url: url('/whole.xml'), category: 'News' },
        { url: url('/cut.xml'), category: 'News' },
      ],
      topics: [],
    });
  });
  afterAll(async () => {
    if (serve && serve.child.exitCode === null && serve.child.signalCode === null) {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    ws?.cleanup();
    await server?.close();
  });

  it('fetch reports it as an error with the reason, sources shows it degraded, the sources page too', async () => {
    const fetched = await runCli(['fetch', '--all', '--config', ws.configPath, '--json'], { env: ws.env });
    const summary = jsonOf<{ ok: number; failed: number; outcomes: Record<string, unknown>[] }>(fetched);
    expect(summary).toMatchObject({ ok: 1, failed: 1 });
    expect(summary.outcomes.find((o) => o.url === url('/cut.xml'))).toMatchObject({
      outcome: 'error',
      status: 200,
      reason: 'truncated',
    });

    const listed = await runCli(['sources', '--config', ws.configPath, '--json'], { env: ws.env });
    const rows = jsonOf<Record<string, unknown>[]>(listed);
    expect(rows.find((r) => r.url === url('/whole.xml'))).toMatchObject({ status: 'ok', items: 1 });
    expect(rows.find((r) => r.url === url('/cut.xml'))).toMatchObject({
      status: 'degraded',
      items: 0,
      errorReason: 'truncated',
      lastError: expect.stringMatching(/cut off before its first complete item/),
    });
    // The table a person reads names the reason too.
    const table = await runCli(['sources', '--config', ws.configPath], { env: ws.env });
    const cutLine = table.stdout.split('\n').find((line) => line.includes(url('/cut.xml')));
    expect(cutLine, table.stdout).toMatch(/degraded.*truncated: The document is cut off/);

    serve = spawnCli(['serve', '--config', ws.configPath, '--host', '127.0.0.1', '--port', '0'], {
      cwd: ws.dir,
      env: { ...ws.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info' },
    });
    const running = serve;
    const serving = await waitFor(
      () =>
        running.stderr
          .split('\n')
          .map((line) => {
            try {
              return JSON.parse(line) as { msg?: string; url?: string };
            } catch {
              return {};
            }
          })
          .find((l) => l.msg === 'rundschau is serving'),
      { timeoutMs: 30_000, what: () => `"rundschau is serving"; stderr:\n${running.stderr.slice(-3000)}` },
    );
    const html = await (await fetch(new URL('/sources', String(serving.url)))).text();
    const at = html.indexOf('status-degraded');
    expect(at, 'a degraded row on /sources').toBeGreaterThan(-1);
    const row = html.slice(at, html.indexOf('</tr>', at));
    expect(row).toContain('truncated');
    expect(row).toContain('The document is cut off before its first complete item');
  }, 90_000);
});
