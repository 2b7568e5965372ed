/**
 * SQLite with a second process writing (the primary's ingest beside `serve --web-processes N`): a write here waits
 * for the other connection's write lock without blocking the event loop, and lands once the lock is free — no
 * SQLITE_BUSY within the wait.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';
import { makeItem, makeSource } from '../support/items.ts';

describe('SQLite: a write while another connection holds the write lock', () => {
  let dir: string | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('waits for the lock with the event loop free, then commits', async () => {
    dir = mkdtempSync(join(tmpdir(), 'rundschau-busy-'));
    const path = join(dir, 'db.sqlite');
    store = await openStore(path);
    await store.syncSources([makeSource('https://example.org/feed.xml')]);
    const source = (await store.listSources())[0]!;
    await store.upsertItems(source.id, [makeItem({ uid: 'a' })], Date.now());
    const item = (await store.listItems({}, 1)).items[0]!;

    // The other process: holds the write lock for 400 ms.
    const other = new Database(path);
    other.prepare('BEGIN IMMEDIATE').run();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = performance.now();
    const starring = store.setStarred(item.id, true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const ticksWhileLocked = ticks;
    other.prepare('COMMIT').run();
    other.close();
    await starring;
    clearInterval(timer);

    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    // ~40 ticks of 10 ms in 400 ms: the loop ran (busy_timeout inside the call would have given 0).
    expect(ticksWhileLocked).toBeGreaterThan(20);
    expect((await store.getItem(item.id))?.starred).toBe(true);
  });
});
