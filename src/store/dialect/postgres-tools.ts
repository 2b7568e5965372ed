import { execFile } from 'node:child_process';
import type { DatabaseFacts } from '../db-types.ts';

/**
 * PostgreSQL as an operator handles it: facts read without migrating, and backups through the server's own tools
 * (pg_dump / pg_restore), which know every type, sequence and index better than a copy by rows would.
 */

export async function inspectPostgres(url: string): Promise<DatabaseFacts> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const one = async <T>(text: string): Promise<T | undefined> => (await client.query(text)).rows[0] as T | undefined;
    const tables = await one<{ migrations: string | null; sources: string | null; items: string | null }>(
      "select to_regclass('drizzle.__drizzle_migrations') as migrations, to_regclass('public.sources') as sources, to_regclass('public.items') as items",
    );
    const applied = tables?.migrations
      ? (await client.query('select created_at from drizzle.__drizzle_migrations order by created_at')).rows.map((r) =>
          Number((r as { created_at: string }).created_at),
        )
      : [];
    const clock = await one<{ ms: string }>('select (extract(epoch from clock_timestamp()) * 1000)::bigint as ms');
    const size = await one<{ bytes: string }>('select pg_database_size(current_database()) as bytes');
    const others = await one<{ n: string }>(
      'select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    const facts: DatabaseFacts = {
      appliedMigrations: applied,
      sizeBytes: Number(size?.bytes ?? 0),
      serverClockMs: Number(clock?.ms),
      otherSessions: Number(others?.n ?? 0),
    };
    if (tables?.sources) {
      const row = await one<{ n: string; newest: string | null }>(
        'select count(*) as n, max(last_fetch_at) as newest from sources',
      );
      facts.sources = Number(row?.n ?? 0);
      facts.newestRecordedAt = row?.newest == null ? undefined : Number(row.newest);
    }
    if (tables?.items) facts.items = Number((await one<{ n: string }>('select count(*) as n from items'))?.n ?? 0);
    return facts;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The pg_dump line that backs the database up into `file` (custom format: compressed, restorable selectively). */
export function pgDumpArgs(url: string, file: string): string[] {
  return ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`, `--dbname=${url}`];
}

/** The pg_restore line that puts `file` back, replacing the objects it holds. */
export function pgRestoreArgs(url: string, file: string): string[] {
  return ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--single-transaction', `--dbname=${url}`, file];
}

/** Runs a PostgreSQL client tool; resolves with its output, rejects with its stderr (or ENOENT when absent). */
export function runPgTool(tool: 'pg_dump' | 'pg_restore', args: string[]): Promise<string> {
  return new Promise((done, failed) => {
    execFile(tool, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return done(String(stdout) + String(stderr));
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return failed(error);
      failed(new Error(`${tool} failed: ${String(stderr).trim() || error.message}`));
    });
  });
}
