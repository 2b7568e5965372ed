/**
 * What a new user meets first, through the real CLI process: a config that is only `sources:`, a YAML typo, a
 * port that is taken, a database that cannot be written, and `defaults:` deleted while `serve` runs.
 */
import { chmodSync, chownSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type CliResult, createWorkspace, runCli, spawnCli, type Workspace, waitFor } from '../support/cli.ts';
import { rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults } from '../support/runtime.ts';

const describeRun = (r: CliResult) => `exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
const STACK_FRAME = /^\s+at .+[(:]\d+/m;

/** Permissions do not bind root: run the child as `nobody` then, so read-only really is read-only. */
const NOBODY = 65534;
const asUser = process.getuid?.() === 0 ? NOBODY : undefined;

describe('first contact (real bin/rundschau.js)', () => {
  let feeds: FixtureServer;
  const workspaces: Workspace[] = [];
  const workspace = (config: object | string) => {
    const ws = createWorkspace(config);
    workspaces.push(ws);
    return ws;
  };

  beforeAll(async () => {
    feeds = await startFixtureServer();
    feeds.route('/a.xml', serveBody(rss('A', [{ id: 'a-1', title: 'first story' }])));
    feeds.route('/b.xml', serveBody(rss('B', [{ id: 'b-1', title: 'second story' }])));
  });
  afterAll(async () => {
    for (const ws of workspaces) ws.cleanup();
    await feeds?.close();
  });

  it('a config that is only sources: is valid, fetches and lists its sources', async () => {
    const ws = workspace(`sources:\n  - url: ${feeds.url('/a.xml')}\n`);
    const check = await runCli(['check-config', '--config', ws.configPath], { env: ws.env });
    expect(check.code, describeRun(check)).toBe(0);
    const fetched = await runCli(['fetch', '--all', '--json', '--config', ws.configPath], { env: ws.env });
    expect(fetched.code, describeRun(fetched)).toBe(0);
    expect(JSON.parse(fetched.stdout)).toMatchObject({ sources: 1, ok: 1, failed: 0, itemsNew: 1 });
    const sources = await runCli(['sources', '--json', '--config', ws.configPath], { env: ws.env });
    expect(sources.code, describeRun(sources)).toBe(0);
    expect(JSON.parse(sources.stdout)).toMatchObject([{ url: feeds.url('/a.xml'), retention: { days: 180 } }]);
  });

  it('a YAML syntax error is one message with file:line:col and the offending line', async () => {
    const ws = workspace(`defaults:\n  concurrency: 3\n   timeout: 4\nsources:\n  - url: ${feeds.url('/a.xml')}\n`);
    for (const command of ['check-config', 'fetch']) {
      const r = await runCli([command, '--config', ws.configPath], { env: ws.env });
      expect(r.code, describeRun(r)).toBe(2);
      // check-config prints the issues; the other commands say first that the configuration is the problem.
      const header = command === 'check-config' ? [] : ['invalid configuration:'];
      expect(r.stderr).toBe(
        [
          ...header,
          `${ws.configPath}:2:16: Nested mappings are not allowed in compact mappings`,
          '    concurrency: 3',
          '                 ^',
          '',
        ].join('\n'),
      );
    }
  });

  describe('serve on a port that is taken', () => {
    let taken: Server;
    let port: number;
    beforeAll(async () => {
      taken = createServer();
      await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
      port = (taken.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((done) => taken.close(() => done())));

    it('prints one line and exits 1, fetching nothing', async () => {
      const ws = workspace({ sources: [{ url: feeds.url('/b.xml') }] });
      const before = feeds.requestsFor('/b.xml').length;
      const r = await runCli(['serve', '--config', ws.configPath, '--host', '127.0.0.1', '--port', String(port)], {
        env: ws.env,
      });
      expect(r.code, describeRun(r)).toBe(1);
      expect(r.stderr).toBe(
        `rundschau: port ${port} on 127.0.0.1 is already in use (another rundschau?); choose one with --port\n`,
      );
      expect(r.stderr).not.toMatch(STACK_FRAME);
      expect(feeds.requestsFor('/b.xml').length).toBe(before);
    });
  });

  describe('a database that cannot be written', () => {
    const readOnlySetups = {
      'a read-only database file': (ws: Workspace) => {
        writeFileSync(ws.databasePath, '');
        chmodSync(ws.databasePath, 0o444);
        return { databaseUrl: ws.databasePath, message: `rundschau: the database ${ws.databasePath} is read-only` };
      },
      'a database in a read-only directory': (ws: Workspace) => {
        const dir = join(ws.dir, 'ro');
        mkdirSync(dir, { mode: 0o555 });
        chmodSync(dir, 0o555);
        return {
          databaseUrl: join(dir, 'rundschau.db'),
          message: `rundschau: the database directory ${dir} is not writable`,
        };
      },
    };
    for (const [name, setup] of Object.entries(readOnlySetups)) {
      it(`${name}: one clear line, exit 1`, async () => {
        const ws = workspace({ sources: [{ url: feeds.url('/a.xml') }] });
        if (asUser !== undefined) chownSync(ws.dir, asUser, asUser);
        const { databaseUrl, message } = setup(ws);
        for (const command of [['fetch', '--all'], ['sources']]) {
          const r = await runCli([...command, '--config', ws.configPath], {
            env: { DATABASE_URL: databaseUrl, HOME: ws.dir },
            uid: asUser,
          });
          expect(r.code, describeRun(r)).toBe(1);
          expect(r.stderr.startsWith(message), describeRun(r)).toBe(true);
          expect(r.stderr.trim().split('\n')).toHaveLength(1);
        }
      });
    }
  });

  it('serve: deleting defaults: while it runs applies the defaults and later cycles still fetch', async () => {
    const ws = workspace({ defaults: fastDefaults, sources: [{ url: feeds.url('/a.xml') }] });
    const serve = spawnCli(['serve', '--config', ws.configPath, '--host', '127.0.0.1', '--port', '0'], {
      cwd: ws.dir,
      env: { ...ws.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info', RUNDSCHAU_TICK: '*/1 * * * * *' },
    });
    try {
      const serving = await waitFor(() => /"url":"(http:[^"]+)"[^\n]*rundschau is serving/.exec(serve.stderr)?.[1], {
        timeoutMs: 30_000,
        what: () => `serve to start:\n${serve.stderr}`,
      });
      const cycles = () => serve.stderr.split('\n').filter((l) => l.includes('fetch cycle done'));
      await waitFor(() => cycles().length > 0, { timeoutMs: 15_000, what: () => `a first cycle:\n${serve.stderr}` });
      const cyclesBefore = cycles().length;
      const bRequests = feeds.requestsFor('/b.xml').length;
      // An editor's save: temp file renamed over the config. No defaults: block any more, and a new source.
      const tmp = `${ws.configPath}.tmp`;
      writeFileSync(tmp, stringify({ sources: [{ url: feeds.url('/a.xml') }, { url: feeds.url('/b.xml') }] }));
      renameSync(tmp, ws.configPath);
      await waitFor(() => feeds.requestsFor('/b.xml').length > bRequests, {
        timeoutMs: 15_000,
        what: () => `the new source to be fetched after the edit:\n${serve.stderr}`,
      });
      const after = await waitFor(() => cycles().slice(cyclesBefore)[0], {
        timeoutMs: 10_000,
        what: () => `a cycle log after the edit:\n${serve.stderr}`,
      });
      expect(JSON.parse(after)).toMatchObject({ sources: 1, ok: 1, failed: 0, itemsNew: 1 });
      expect(serve.stderr).not.toContain('fetch cycle failed');
      expect(serve.stderr).not.toContain('config edit rejected');
      const health = await fetch(`${serving.replace(/\/$/, '')}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });
});
