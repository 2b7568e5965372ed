/**
 * A dead source end to end (real CLI, SQLite): a 410 makes it dead, `sources` and `sources --suggest` say so,
 * `fetch --all` leaves it alone, and its weekly re-check notices when the feed is back.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_RECHECK_MS } from '../../src/schedule/policy.ts';
import { createWorkspace, jsonOf, runCli, type Workspace } from '../support/cli.ts';
import { rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults } from '../support/runtime.ts';

interface SourceJson {
  url: string;
  status: string;
  nextFetchAt: string | null;
  items: number;
}

describe('a dead source (real CLI, SQLite)', () => {
  let server: FixtureServer;
  let ws: Workspace;
  let gone = true;
  const live = serveBody(rss('Back', [{ id: 'back-1', title: 'Back again' }]));
  const cli = async (...args: string[]) => {
    const result = await runCli([...args, '--config', ws.configPath], { env: ws.env, timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(0);
    return result;
  };
  const sourceList = async () => jsonOf<SourceJson[]>(await cli('sources', '--json'));

  beforeAll(async () => {
    server = await startFixtureServer();
    server.route('/alive.xml', serveBody(rss('Alive', [{ id: 'a-1', title: 'Alive' }])));
    server.route('/gone.xml', async (req, res) => {
      if (!gone) return live(req, res);
      res.writeHead(410, { 'content-type': 'text/plain' }).end('gone');
    });
    ws = createWorkspace({
      defaults: fastDefaults,
      sources: [{ url: server.url('/alive.xml') }, { url: server.url('/gone.xml') }],
      topics: [],
    });
  });
  afterAll(async () => {
    ws?.cleanup();
    await server?.close();
  });

  it('is dead after a 410, shown as dead, suggested for removal, and re-checked a week later', async () => {
    const t0 = Date.now();
    await cli('fetch');
    const dead = (await sourceList()).find((s) => s.url === server.url('/gone.xml'))!;
    expect(dead.status).toBe('dead');
    // Re-checked in a week (±10 %), not never.
    const recheckIn = Date.parse(dead.nextFetchAt!) - t0;
    expect(recheckIn).toBeGreaterThan(DEAD_RECHECK_MS * 0.85);
    expect(recheckIn).toBeLessThan(DEAD_RECHECK_MS * 1.15);

    const table = (await cli('sources')).stdout;
    expect(table).toMatch(/^dead\s.*gone\.xml/m);
    const suggestion = (await cli('sources', '--suggest')).stdout;
    expect(suggestion).toMatch(/^\+\s*# dead since \d{4}-\d\d-\d\d: gone$/m);
    expect(suggestion).toContain(`-  - url: ${server.url('/gone.xml')}`);

    // fetch --all does not ask a dead feed every time.
    const before = server.requestsFor('/gone.xml').length;
    await cli('fetch', '--all');
    expect(server.requestsFor('/gone.xml')).toHaveLength(before);

    // The feed comes back; a week passes (its re-check is due): the next plain fetch finds it ok.
    gone = false;
    const db = new Database(ws.databasePath);
    db.prepare('update sources set next_fetch_at = ? where config_url = ?').run(
      Date.now() - 1000,
      server.url('/gone.xml'),
    );
    db.close();
    await cli('fetch');
    const back = (await sourceList()).find((s) => s.url === server.url('/gone.xml'))!;
    expect(back).toMatchObject({ status: 'ok', items: 1 });
    expect((await cli('sources', '--suggest')).stdout).not.toContain('dead since');
  }, 90_000);
});
