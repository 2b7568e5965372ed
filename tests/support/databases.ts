import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';

export interface TestDatabase {
  name: 'sqlite' | 'pg';
  /** Connection URL of a fresh, empty database. */
  url: string;
  open(): Promise<Store>;
  drop(): Promise<void>;
}

/**
 * PostgreSQL runs when TEST_DATABASE_URL (a server URL, e.g. postgres://postgres@127.0.0.1:5432/postgres) is given;
 * CI gives it. Each call creates its own database and drops it afterwards.
 */
export const pgServerUrl = process.env.TEST_DATABASE_URL;
export const pgSkipReason = pgServerUrl ? '' : 'PostgreSQL suite skipped: set TEST_DATABASE_URL to run it';

export function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'rundschau-test-'));
  const url = join(dir, 'test.db');
  return {
    name: 'sqlite',
    url,
    open: () => openStore(url),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function postgresDatabase(): Promise<TestDatabase> {
  if (!pgServerUrl) throw new Error(pgSkipReason);
  const name = `rundschau_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: pgServerUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgServerUrl);
  url.pathname = `/${name}`;
  return {
    name: 'pg',
    url: url.href,
    open: () => openStore(url.href),
    drop: async () => {
      const c = new pg.Client({ connectionString: pgServerUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The dialects a store test runs against: SQLite always, PostgreSQL when configured. */
export const dialects: { name: 'sqlite' | 'pg'; skip: string; create: () => Promise<TestDatabase> }[] = [
  { name: 'sqlite', skip: '', create: async () => sqliteDatabase() },
  { name: 'pg', skip: pgSkipReason, create: postgresDatabase },
];

/** Items stored, by the per-source counters the store keeps in step (what `sources` shows). */
export async function storedItemCount(store: Pick<Store, 'listSources'>): Promise<number> {
  return (await store.listSources()).reduce((n, s) => n + s.itemCount, 0);
}
