/**
 * The operator's commands through the real CLI: backup, restore and doctor on SQLite and PostgreSQL.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  type CliResult,
  createWorkspace,
  jsonOf,
  logLines,
  runCli,
  type SpawnedCli,
  spawnCli,
  type Workspace,
  waitFor,
} from '../support/cli.ts';
import { pgSkipReason, postgresDatabase, type TestDatabase } from '../support/databases.ts';
import { entries, rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults } from '../support/runtime.ts';

const describeRun = (r: CliResult) => `exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
function expectExit(r: CliResult, code: number): void {
  expect(r.code, describeRun(r)).toBe(code);
}

interface DoctorJson {
  checks: { name: string; status: string; detail: string }[];
  exitCode: number;
}
const statusOf = (r: CliResult) => Object.fromEntries(jsonOf<DoctorJson>(r).checks.map((c) => [c.name, c.status]));

function sqliteCount(path: string, sql: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return Number((db.prepare(sql).get() as { n: number }).n);
  } finally {
    db.close();
  }
}

function sqliteExec(path: string, sql: string): void {
  const db = new Database(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer();
  server.route('/a.xml', serveBody(rss('Feed A', entries('a', 4))));
  server.route('/b.xml', serveBody(rss('Feed B', entries('b', 3))));
  server.route('/missing.xml', { status: 404, body: 'gone' });
});
afterAll(() => server?.close());

const configFor = () =>
  stringify({ defaults: fastDefaults, sources: [{ url: server.url('/a.xml') }, { url: server.url('/b.xml') }] });

describe('backup and restore on SQLite (real CLI)', () => {
  let ws: Workspace;
  let serve: SpawnedCli | undefined;
  const cli = (...args: string[]) => runCli(args, { env: ws.env, cwd: ws.dir });
  const backupPath = () => join(ws.dir, 'backup.db');
  const items = () => sqliteCount(ws.databasePath, 'select count(*) as n from items');

  beforeAll(async () => {
    ws = createWorkspace(configFor());
    expectExit(await cli('fetch', '--all', '--config', ws.configPath), 0);
    expect(items()).toBe(7);
  });
  afterAll(async () => {
    if (serve && serve.child.exitCode === null) {
      serve.child.kill('SIGKILL');
      await serve.exited;
    }
    ws?.cleanup();
  });

  it('backs up while `rundschau serve` runs; the copy is one sound file with every item', async () => {
    serve = spawnCli(['serve', '--no-fetch', '--config', ws.configPath, '--host', '127.0.0.1', '--port', '0'], {
      cwd: ws.dir,
      env: { ...ws.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info' },
    });
    await waitFor(() => logLines(serve!).find((l) => l.msg === 'rundschau is serving'), {
      timeoutMs: 30_000,
      what: () => `serve to start; stderr:\n${serve?.stderr}`,
    });
    const r = await cli('backup', backupPath(), '--json');
    expectExit(r, 0);
    expect(jsonOf<{ file: string; bytes: number }>(r)).toMatchObject({ file: backupPath() });
    expect(sqliteCount(backupPath(), 'select count(*) as n from items')).toBe(7);
    const copy = new Database(backupPath(), { readonly: true });
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
  });

  it('refuses to overwrite an existing backup file without --force', async () => {
    const before = readFileSync(backupPath());
    const r = await cli('backup', backupPath());
    expectExit(r, 2);
    expect(r.stderr).toContain('exists; pass --force');
    expect(readFileSync(backupPath()).equals(before)).toBe(true);
    expectExit(await cli('backup', backupPath(), '--force'), 0);
  });

  it('refuses to restore over the database while serve has it open, and changes nothing', async () => {
    sqliteExec(
      ws.databasePath,
      "delete from items where source_id = (select id from sources where config_url like '%/a.xml')",
    );
    const r = await cli('restore', backupPath());
    expectExit(r, 2);
    expect(r.stderr).toMatch(/in use by another process.*--force/);
    expect(items()).toBe(3);
  });

  it('restores once serve has stopped: every item back, doctor content', async () => {
    serve!.child.kill('SIGTERM');
    await serve!.exited;
    const r = await cli('restore', backupPath(), '--json');
    expectExit(r, 0);
    expect(jsonOf<{ facts: { items: number; sources: number } }>(r).facts).toMatchObject({ items: 7, sources: 2 });
    expect(items()).toBe(7);
    const doctor = await cli('doctor', '--config', ws.configPath, '--json');
    expectExit(doctor, 0);
    expect(statusOf(doctor)).toEqual({
      config: 'ok',
      database: 'ok',
      migrations: 'ok',
      disk: 'ok',
      clock: 'ok',
      source: 'ok',
    });
    // The restored database works: a command opens (and migrates) it and reads the items.
    const list = await cli('items', '--config', ws.configPath, '--json');
    expectExit(list, 0);
  });

  it('with --force, restores into a database another connection holds open', async () => {
    sqliteExec(ws.databasePath, 'delete from items');
    const holder = new Database(ws.databasePath);
    holder.prepare('select count(*) from sources').get();
    try {
      expectExit(await cli('restore', backupPath()), 2);
      expectExit(await cli('restore', backupPath(), '--force'), 0);
      expect(Number((holder.prepare('select count(*) as n from items').get() as { n: number }).n)).toBe(7);
    } finally {
      holder.close();
    }
  });

  it('refuses a corrupt backup, and a SQLite file that is not a rundschau database, leaving the database', async () => {
    const corrupt = join(ws.dir, 'corrupt.db');
    const good = readFileSync(backupPath());
    // A sound header and a damaged body: SQLite opens it, the integrity check finds the damage.
    const damaged = Buffer.from(good);
    damaged.fill(0xa5, 4096 * 2, 4096 * 4);
    writeFileSync(corrupt, damaged);
    const r1 = await cli('restore', corrupt);
    expectExit(r1, 2);
    expect(r1.stderr).toMatch(/not a sound SQLite database/);

    const other = join(ws.dir, 'other.db');
    sqliteExec(other, 'create table notes(x)');
    const r2 = await cli('restore', other);
    expectExit(r2, 2);
    expect(r2.stderr).toContain('not a rundschau database');

    const r3 = await cli('restore', join(ws.dir, 'no-such.db'));
    expectExit(r3, 2);
    expect(items()).toBe(7);
  });
});

describe('doctor on SQLite (real CLI): exit codes', () => {
  let ws: Workspace;
  const cli = (...args: string[]) => runCli(args, { env: ws.env, cwd: ws.dir });
  beforeAll(async () => {
    ws = createWorkspace(configFor());
    expectExit(await cli('fetch', '--all', '--config', ws.configPath), 0);
  });
  afterAll(() => ws?.cleanup());

  it('1 when the probed source does not answer (a warning), with the reason', async () => {
    const r = await cli('doctor', '--config', ws.configPath, '--source', server.url('/missing.xml'), '--json');
    expectExit(r, 1);
    const source = jsonOf<DoctorJson>(r).checks.find((c) => c.name === 'source')!;
    expect(source).toMatchObject({ status: 'warn' });
    expect(source.detail).toContain('not_found');
  });

  it('1 when a fetch was recorded in the future: the clock went back', async () => {
    sqliteExec(ws.databasePath, `update sources set last_fetch_at = ${Date.now() + 3_600_000}`);
    const r = await cli('doctor', '--config', ws.configPath, '--offline', '--json');
    expectExit(r, 1);
    expect(statusOf(r).clock).toBe('warn');
    sqliteExec(ws.databasePath, `update sources set last_fetch_at = ${Date.now() - 60_000}`);
    expectExit(await cli('doctor', '--config', ws.configPath, '--offline'), 0);
  });

  it('2 when the config is invalid', async () => {
    const bad = join(ws.dir, 'bad.yaml');
    writeFileSync(bad, 'defaults:\n  concurency: 3\n');
    const r = await cli('doctor', '--config', bad, '--offline');
    expectExit(r, 2);
    expect(r.stdout).toMatch(/FAIL\s+config\s+.*bad\.yaml:2:3/);
  });

  it('3 when the database cannot be opened', async () => {
    const notDb = join(ws.dir, 'garbage.db');
    writeFileSync(notDb, 'this is not a database, just text that is long enough to look like a header '.repeat(20));
    const r = await runCli(['doctor', '--config', ws.configPath, '--offline'], {
      env: { DATABASE_URL: notDb },
      cwd: ws.dir,
    });
    expectExit(r, 3);
    expect(r.stdout).toMatch(/FAIL\s+database/);
  });

  it('4 when a migration is not applied, naming it', async () => {
    sqliteExec(
      ws.databasePath,
      'delete from __drizzle_migrations where created_at = (select max(created_at) from __drizzle_migrations)',
    );
    const r = await cli('doctor', '--config', ws.configPath, '--offline');
    expectExit(r, 4);
    expect(r.stdout).toMatch(/FAIL\s+migrations\s+1 of \d+ not applied \(\d{4}_\w+\)/);
  });
});

describe.skipIf(pgSkipReason)('backup, restore and doctor on PostgreSQL (real CLI)', () => {
  let db: TestDatabase;
  let ws: Workspace;
  const cli = (...args: string[]) => runCli(args, { env: { DATABASE_URL: db.url }, cwd: ws.dir, timeoutMs: 60_000 });
  const query = async (text: string): Promise<number> => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const rows = (await client.query(text)).rows as { n?: string }[];
      return Number(rows[0]?.n ?? 0);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    db = await postgresDatabase();
    ws = createWorkspace(configFor());
  });
  afterAll(async () => {
    ws?.cleanup();
    await db?.drop();
  });

  it('doctor: 4 on a fresh database (no migrations yet), 0 once rundschau has run there', async () => {
    const fresh = await cli('doctor', '--config', ws.configPath, '--offline', '--json');
    expectExit(fresh, 4);
    expect(statusOf(fresh)).toMatchObject({ database: 'ok', migrations: 'fail', disk: 'skip' });
    expectExit(await cli('fetch', '--all', '--config', ws.configPath), 0);
    expect(await query('select count(*) as n from items')).toBe(7);
    const after = await cli('doctor', '--config', ws.configPath, '--json');
    expectExit(after, 0);
    expect(statusOf(after)).toMatchObject({ database: 'ok', migrations: 'ok', clock: 'ok', source: 'ok' });
  });

  it('doctor: 3 when the server does not answer', async () => {
    const r = await runCli(['doctor', '--config', ws.configPath, '--offline'], {
      env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' },
      cwd: ws.dir,
    });
    expectExit(r, 3);
  });

  it('backup runs pg_dump; restore refuses while another session is connected, then puts every item back', async () => {
    const file = join(ws.dir, 'pg.dump');
    const r = await cli('backup', file, '--json');
    expectExit(r, 0);
    expect(jsonOf<{ command: string }>(r).command).toMatch(/^pg_dump --format=custom .*--dbname=postgres:/);
    await query('delete from items');
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      const refused = await cli('restore', file);
      expectExit(refused, 2);
      expect(refused.stderr).toContain('other session(s) are connected');
    } finally {
      await holder.end();
    }
    expect(await query('select count(*) as n from items')).toBe(0);
    const restored = await cli('restore', file);
    expectExit(restored, 0);
    expect(await query('select count(*) as n from items')).toBe(7);
    expectExit(await cli('doctor', '--config', ws.configPath, '--offline'), 0);
  });
});
