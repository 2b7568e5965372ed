/**
 * What `npm pack` ships is enough to run: the tarball, unpacked elsewhere beside the dependencies, serves the reader
 * (views/ and the web assets are in it) and a published feed, and ships no tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorkspace,
  logLines,
  repoRoot,
  type SpawnedCli,
  spawnCli,
  type Workspace,
  waitFor,
} from '../support/cli.ts';
import { fastDefaults } from '../support/runtime.ts';

describe('a copy made by npm pack', () => {
  let dir: string;
  let files: string[];
  let ws: Workspace;
  let serve: SpawnedCli;
  let baseUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rundschau-pack-'));
    // --ignore-scripts: no build through "prepare"; without dist/ the copy runs its sources through tsx.
    const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [pack] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    files = pack!.files.map((f) => f.path);
    execFileSync('tar', ['-xzf', join(dir, pack!.filename), '-C', dir]);
    const root = join(dir, 'package');
    symlinkSync(realpathSync(join(repoRoot, 'node_modules')), join(root, 'node_modules'), 'dir');

    ws = createWorkspace({ defaults: fastDefaults, sources: [], topics: [] });
    serve = spawnCli(['serve', '--config', ws.configPath, '--host', '127.0.0.1', '--port', '0'], {
      root,
      cwd: ws.dir,
      env: { ...ws.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info' },
    });
    const serving = await waitFor(() => logLines(serve).find((l) => l.msg === 'rundschau is serving'), {
      timeoutMs: 30_000,
      what: () => `the packed copy's "rundschau is serving" log line; stderr:\n${serve?.stderr.slice(-4000)}`,
    });
    baseUrl = String(serving.url).replace(/\/$/, '');
  });
  afterAll(async () => {
    if (serve && serve.child.exitCode === null && serve.child.signalCode === null) {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    ws?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ships the runtime (bin, src, views, migrations of both dialects, web assets) and no tests', () => {
    for (const needed of [
      'bin/rundschau.js',
      'src/cli/main.ts',
      'src/app/worker-entry.mjs',
      'views/layout.tsx',
      'src/web/assets/app.css',
      'src/web/assets/app.js',
      'migrations/sqlite/meta/_journal.json',
      'migrations/pg/meta/_journal.json',
    ]) {
      expect(files).toContain(needed);
    }
    expect(files.filter((f) => f.startsWith('tests/') || /\.test\.tsx?$/.test(f))).toEqual([]);
  });

  it('serves the reader with its assets, and a published feed', async () => {
    const page = await fetch(`${baseUrl}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/^<!DOCTYPE html><html lang="(en|de)">/);
    const css = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1];
    expect(css).toBeDefined();
    expect((await fetch(`${baseUrl}${css}`)).status).toBe(200);
    const feed = await fetch(`${baseUrl}/feeds/all.rss`);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain('<rss');
  });
});
