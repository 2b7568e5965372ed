import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cachePreparedStatements } from '../../src/store/db.ts';

describe('SQLite statement cache', () => {
  it('hands out one prepared statement per SQL text, in object mode even after raw use', () => {
    const client = new Database(':memory:');
    cachePreparedStatements(client);
    client.exec('create table t (x integer)');
    client.prepare('insert into t (x) values (?)').run(7);
    const first = client.prepare('select x from t');
    expect(first.raw().all()).toEqual([[7]]);
    const again = client.prepare('select x from t');
    expect(again).toBe(first);
    // drizzle reads objects with .all() and switches raw() on itself only where it wants arrays
    expect(again.all()).toEqual([{ x: 7 }]);
    client.close();
  });

  it('keeps a bounded number of statements; an evicted one is prepared again and still works', () => {
    const client = new Database(':memory:');
    cachePreparedStatements(client);
    const first = client.prepare('select 0 as n');
    for (let i = 1; i <= 300; i++) client.prepare(`select ${i} as n`);
    const again = client.prepare('select 0 as n');
    expect(again).not.toBe(first);
    expect(again.get()).toEqual({ n: 0 });
    expect(first.get()).toEqual({ n: 0 });
    client.close();
  });
});
