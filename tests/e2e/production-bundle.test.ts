/**
 * The production image's program, built and run the way the Dockerfile does: the sources are bundled by
 * scripts/build.mjs into dist/, the TypeScript is then left out (the runtime stage copies dist/, bin/, migrations/,
 * the web assets and package.json only), and bin/rundschau.js runs the bundle. A bundle that does not start, or
 * needs a file the image does not carry, fails here; no Docker daemon is needed.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { logLines, repoRoot, runCli, type SpawnedCli, spawnCli, waitFor } from '../support/cli.ts';
import { copySources, readDockerfile } from '../support/dockerfile.ts';
import { entries, rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults } from '../support/runtime.ts';

// What the Dockerfile's build stage copies from the repository, and what its runtime stage keeps of the build
// (node_modules aside: linked here). Read from the Dockerfile, so the test builds what the image would.
const [buildStage, runtimeStage] = readDockerfile();
const withoutSlash = (p: string) => p.replace(/^\/app\//, '').replace(/\/$/, '');
const BUILD_INPUTS = copySources(buildStage!)
  .map(withoutSlash)
  .filter((p) => p !== 'package-lock.json');
const RUNTIME_FILES = copySources(runtimeStage!, 'build')
  .map(withoutSlash)
  .filter((p) => p !== 'node_modules');

describe('the production bundle (what the image runs)', () => {
  let build: string;
  let image: string;
  let server: FixtureServer;
  let serve: SpawnedCli | undefined;
  const data = () => join(image, 'data');
  const env = () => ({ DATABASE_URL: join(data(), 'rundschau.db'), RUNDSCHAU_CONFIG: join(data(), 'rundschau.yaml') });
  // bin/rundschau.js as the entrypoint runs it, from the image's copy.
  const imageBin = () => join(image, 'bin', 'rundschau.js');
  const imageCli = (args: string[]) => runCli(args, { bin: imageBin(), cwd: data(), env: env(), timeoutMs: 60_000 });

  beforeAll(async () => {
    server = await startFixtureServer();
    server.route('/feed.xml', serveBody(rss('Bundled', entries('bundled', 3))));
    const root = mkdtempSync(join(tmpdir(), 'rundschau-image-'));
    build = join(root, 'build');
    image = join(root, 'app');
    for (const path of BUILD_INPUTS) cpSync(join(repoRoot, path), join(build, path), { recursive: true });
    symlinkSync(realpathSync(join(repoRoot, 'node_modules')), join(build, 'node_modules'));
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: build, stdio: 'pipe', timeout: 120_000 });
    for (const path of RUNTIME_FILES) cpSync(join(build, path), join(image, path), { recursive: true });
    symlinkSync(realpathSync(join(repoRoot, 'node_modules')), join(image, 'node_modules'));
    mkdirSync(data());
    writeFileSync(
      env().RUNDSCHAU_CONFIG,
      stringify({ defaults: fastDefaults, sources: [{ url: server.url('/feed.xml') }] }),
    );
  }, 180_000);
  afterAll(async () => {
    if (serve && serve.child.exitCode === null) {
      serve.child.kill('SIGKILL');
      await serve.exited;
    }
    await server?.close();
    if (build) rmSync(join(build, '..'), { recursive: true, force: true });
  });

  it('the image carries no TypeScript, only the bundle (CLI and parse worker)', () => {
    expect(existsSync(join(image, 'dist', 'cli', 'main.js'))).toBe(true);
    expect(existsSync(join(image, 'dist', 'app', 'worker.js'))).toBe(true);
    expect(existsSync(join(image, 'src', 'cli'))).toBe(false);
    expect(existsSync(join(image, 'views'))).toBe(false);
  });

  it('fetches through the bundled parse workers', async () => {
    const r = await imageCli(['fetch', '--all', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const db = new Database(env().DATABASE_URL, { readonly: true });
    try {
      expect((db.prepare('select count(*) as n from items').get() as { n: number }).n).toBe(3);
    } finally {
      db.close();
    }
  });

  it('serves: /healthz answers ok and /metrics reports the sources', async () => {
    serve = spawnCli(['serve', '--no-fetch', '--host', '127.0.0.1', '--port', '0'], {
      bin: imageBin(),
      cwd: data(),
      env: { ...env(), LOG_FORMAT: 'json', LOG_LEVEL: 'info' },
    });
    const serving = await waitFor(() => logLines(serve!).find((l) => l.msg === 'rundschau is serving'), {
      timeoutMs: 30_000,
      what: () => `the bundled serve to start; stderr:\n${serve?.stderr}`,
    });
    const base = String(serving.url).replace(/\/$/, '');
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^rundschau_sources\{status="ok"\} 1$/m);
    expect((await fetch(`${base}/feeds/all.atom`)).status).toBe(200);
  });

  it('doctor and schema run from the bundle', async () => {
    const doctor = await imageCli(['doctor', '--offline']);
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    const schema = await imageCli(['schema']);
    expect(schema.stdout).toBe(readFileSync(join(repoRoot, 'rundschau.schema.json'), 'utf8'));
  });

  it('reports the same version as the sources', async () => {
    const fromImage = await imageCli(['--version']);
    const fromRepo = await runCli(['--version']);
    expect(fromImage.stdout).toBe(fromRepo.stdout);
  });
});
