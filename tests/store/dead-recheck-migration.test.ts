/**
 * Migration *_dead_recheck (0002 here): sources that the old policy parked as dead "forever" (next fetch
 * 9999-01-01) are due again after the upgrade, so the weekly re-check takes over; other sources keep their schedule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../../src/lib/paths.ts';
import { dialects } from '../support/databases.ts';
import { makeSource } from '../support/items.ts';

const NEVER = Date.UTC(9999, 0, 1);

/** Runs the migration's own SQL file again (found by name: the number may change) on the database. */
async function runDeadRecheckMigration(name: 'sqlite' | 'pg', url: string): Promise<void> {
  const folder = fromRoot('migrations', name);
  const file = readdirSync(folder).find((f) => f.endsWith('_dead_recheck.sql'));
  if (!file) throw new Error(`no *_dead_recheck.sql in ${folder}`);
  const text = readFileSync(join(folder, file), 'utf8');
  if (name === 'sqlite') {
    const db = new Database(url);
    db.exec(text);
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(text);
  await client.end();
}

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== '')(`dead re-check migration on ${dialect.name} ${dialect.skip}`, () => {
    it('makes sources parked at 9999-01-01 due, leaves the others alone', async () => {
      const database = await dialect.create();
      try {
        const now = Date.now();
        let store = await database.open();
        await store.syncSources(
          [makeSource('https://parked.example/feed'), makeSource('https://alive.example/feed')],
          now,
        );
        const [parked, alive] = await Promise.all([
          store.findSourceByUrl('https://parked.example/feed'),
          store.findSourceByUrl('https://alive.example/feed'),
        ]);
        const attempt = { startedAt: now, durationMs: 1, outcome: 'error' as const };
        await store.finishFetch(parked!.id, { status: 'dead', nextFetchAt: NEVER }, attempt);
        await store.finishFetch(alive!.id, { status: 'ok', nextFetchAt: now + 3_600_000 }, attempt);
        await store.close();

        await runDeadRecheckMigration(dialect.name, database.url);
        store = await database.open();
        const after = await store.listSources();
        const byUrl = (u: string) => after.find((s) => s.configUrl === u)!;
        expect(Number(byUrl('https://parked.example/feed').nextFetchAt)).toBeLessThanOrEqual(Date.now());
        expect(byUrl('https://parked.example/feed').status).toBe('dead');
        expect(Number(byUrl('https://alive.example/feed').nextFetchAt)).toBe(now + 3_600_000);
        await store.close();
      } finally {
        await database.drop();
      }
    });
  });
}
