import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe } from 'vitest';
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

/** A fresh PostgreSQL database: empty, or a copy of `template` (a migrated one: no migrations to run). */
export async function postgresDatabase(template?: string): Promise<TestDatabase> {
  if (!pgServerUrl) throw new Error(pgSkipReason);
  const name = `rundschau_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: pgServerUrl });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
        break;
      } catch (err) {
        // A template's last connection may still be closing on the server side (55006 object_in_use).
        if ((err as { code?: string }).code !== '55006' || attempt >= 50) throw err;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  } finally {
    await admin.end();
  }
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

/** A store contract suite's access to its dialect (see `forEachDialect`). */
export interface DialectSuite {
  readonly dialect: 'sqlite' | 'pg';
  /**
   * A store on a migrated database of its own. Opened in a test, it is closed after that test; in `beforeAll`,
   * after the suite. Its database is dropped after the suite.
   */
  fresh(): Promise<Store>;
  /** A migrated database of its own, not opened (for tests that open it twice, like two processes); dropped after the suite. */
  freshDatabase(): Promise<TestDatabase>;
}

/**
 * Registers the contract suite `name` once per dialect, like yarr's `dbtest()`: the same tests on SQLite and on
 * PostgreSQL (skipped with the reason when TEST_DATABASE_URL is unset). Tests take their own store from
 * `db.fresh()`, so none depends on another's data. On PostgreSQL each fresh database is a copy of one migrated
 * template per suite (CREATE DATABASE … TEMPLATE: a fraction of a second instead of running the migrations).
 */
export function forEachDialect(name: string, register: (db: DialectSuite) => void): void {
  for (const dialect of dialects) {
    describe.skipIf(dialect.skip !== '')(`${name} on ${dialect.name} ${dialect.skip}`, () => {
      let template: Promise<TestDatabase> | undefined;
      const ofSuite: (() => Promise<void>)[] = [];
      const ofTest: (() => Promise<void>)[] = [];
      // Dropping a PostgreSQL database takes a while: all at once, after the suite.
      const databases: TestDatabase[] = [];
      let inTest = false;

      const migratedTemplate = () => {
        template ??= (async () => {
          const database = await postgresDatabase();
          await (await database.open()).close();
          return database;
        })();
        return template;
      };

      const freshDatabase = async (): Promise<TestDatabase> => {
        const database =
          dialect.name === 'pg'
            ? await postgresDatabase(new URL((await migratedTemplate()).url).pathname.slice(1))
            : sqliteDatabase();
        databases.push(database);
        return database;
      };

      const fresh = async (): Promise<Store> => {
        const database = await freshDatabase();
        const store = await database.open();
        (inTest ? ofTest : ofSuite).push(() => store.close());
        return store;
      };

      const runAll = async (cleanups: (() => Promise<void>)[]) => {
        for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      };

      beforeEach(() => {
        inTest = true;
      });
      afterEach(async () => {
        inTest = false;
        await runAll(ofTest);
      });
      afterAll(async () => {
        await runAll(ofSuite);
        await Promise.all(databases.splice(0).map((d) => d.drop()));
        if (template) await (await template).drop();
      });

      register({ dialect: dialect.name, fresh, freshDatabase });
    });
  }
}
