/**
 * Runs the real CLI (`node bin/rundschau.js …`) from the repo root, as a user or a script would, against a
 * throw-away workspace: a temp dir with its own rundschau.yaml and SQLite file.
 *
 *   const ws = createWorkspace({ defaults: fastDefaults, sources: [...] });
 *   const r = await runCli(['fetch', '--all', '--config', ws.configPath, '--json'], { env: ws.env });
 *   const child = spawnCli(['serve', ...], { env: ws.env }); // long-running; see waitFor
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(repoRoot, 'bin', 'rundschau.js');

export interface CliResult {
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
  cwd?: string;
  /** Run the child as this user (and group): lets a test running as root see file permissions apply. */
  uid?: number;
  /** Another copy of rundschau to run (its bin/rundschau.js), e.g. an unpacked `npm pack` tarball. */
  root?: string;
  /** Another copy's bin/rundschau.js (the production bundle's, tests/e2e/production-bundle.test.ts). */
  bin?: string;
}

/** The environment a CLI child gets: ours minus anything that would point it at a real config or database. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', NO_COLOR: '1' };
  delete env.RUNDSCHAU_CONFIG;
  delete env.DATABASE_URL;
  return { ...env, ...extra };
}

/** Runs one CLI command to completion; never rejects on a non-zero exit (the code is part of the contract). */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [opts.bin ?? bin, ...args],
      {
        cwd: opts.cwd ?? repoRoot,
        env: cliEnv(opts.env),
        ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
        timeout: opts.timeoutMs ?? 30_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const e = error as (Error & { code?: number | string; signal?: NodeJS.Signals }) | null;
        done({
          code: e ? (typeof e.code === 'number' ? e.code : 1) : 0,
          signal: e?.signal ?? null,
          stdout: String(stdout),
          stderr: String(stderr),
        });
      },
    );
  });
}

/** Parses a command's --json stdout, with the whole output in the error when it is not JSON. */
export function jsonOf<T = unknown>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
  }
}

export interface SpawnedCli {
  child: ChildProcess;
  /** Everything written so far (grows while the child runs). */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the exit code/signal once the child has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a long-running CLI child (serve, a fetch to be killed). The caller must end it. */
export function spawnCli(args: string[], opts: CliOptions = {}): SpawnedCli {
  const child = spawn(
    process.execPath,
    [opts.bin ?? (opts.root ? join(opts.root, 'bin', 'rundschau.js') : bin), ...args],
    {
      cwd: opts.cwd ?? repoRoot,
      env: cliEnv(opts.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
  };
}

// Re-exported: the CLI tests wait for children with it.
export { waitFor } from './wait.ts';

export interface LogLine {
  msg?: string;
  level?: number;
  url?: string;
  [key: string]: unknown;
}

/** The JSON log lines a child wrote to stderr so far (non-JSON lines are kept as `msg`). */
export function logLines(child: SpawnedCli): LogLine[] {
  return child.stderr
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        return { msg: line };
      }
    });
}

export interface Workspace {
  dir: string;
  configPath: string;
  databasePath: string;
  /** Env for CLI children: DATABASE_URL points at this workspace's SQLite file. */
  env: Record<string, string>;
  writeConfig(config: object | string): void;
  cleanup(): void;
}

/** A temp dir with its own rundschau.yaml (from an object, or raw YAML text) and SQLite path. */
export function createWorkspace(config: object | string): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'rundschau-e2e-'));
  const configPath = join(dir, 'rundschau.yaml');
  const databasePath = join(dir, 'rundschau.db');
  const writeConfig = (c: object | string) => writeFileSync(configPath, typeof c === 'string' ? c : stringify(c));
  writeConfig(config);
  return {
    dir,
    configPath,
    databasePath,
    env: { DATABASE_URL: databasePath },
    writeConfig,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
