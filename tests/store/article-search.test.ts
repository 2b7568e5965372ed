import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { registerSearchFunctions } from '../../src/store/db.ts';
import type { Store } from '../../src/store/types.ts';
import { forEachDialect, pgSkipReason, postgresDatabase, sqliteDatabase } from '../support/databases.ts';
import { makeItem, makeSource } from '../support/items.ts';
import { indexAsBefore, migrationStatements } from '../support/search-index.ts';

const now = Date.UTC(2026, 11, 1);

/** An extracted article: the teaser's words and a good deal more the feed never carried. */
const ARTICLE = `<article><p>AWS opens a region in Frankfurt.</p>
  <p>The new region has three availability zones and serves customers under the sovereign cloud programme.</p>
  <p>Engineers moved the quantum <b>kryostat</b> hall away from the river; the Rechenzentren need cooling water.</p>
  </article>`;

async function storeWithItems(open: () => Promise<Store>): Promise<{ store: Store; ids: Record<string, number> }> {
  const store = await open();
  await store.syncSources([makeSource('https://teaser.example/feed')], now);
  const source = (await store.findSourceByUrl('https://teaser.example/feed'))!;
  const result = await store.upsertItems(
    source.id,
    [
      makeItem({
        uid: 'teaser',
        title: 'AWS opens a region',
        summary: 'AWS opens a region in Frankfurt …',
        contentHtml: '',
      }),
      makeItem({
        uid: 'own',
        title: 'Weekly notes',
        summary: 'Nothing new.',
        contentHtml: '<p>The feed’s own zeppelin remark.</p>',
      }),
      makeItem({ uid: 'other', title: 'Away we go', summary: 'Moving away from things.', contentHtml: '' }),
    ],
    now,
  );
  const ids = Object.fromEntries(result.inserted.map((i) => [i.uid, i.id]));
  return { store, ids };
}

async function extract(store: Store, itemId: number, contentHtml = ARTICLE): Promise<void> {
  await store.queueFullTexts([itemId], now);
  await store.finishFullText(itemId, { status: 'done', contentHtml }, now);
}

const uids = async (store: Store, q: string) => (await store.search(q, 10)).map((h) => h.uid).sort();

forEachDialect('search over extracted articles', (db) => {
  it('finds an item by its article once extracted; its own content and title still count', async () => {
    const { store, ids } = await storeWithItems(() => db.fresh());
    expect(await uids(store, 'kryostat')).toEqual([]);
    await extract(store, ids.teaser!);
    expect(await uids(store, 'kryostat')).toEqual(['teaser']);
    // Stems and phrases over the article as over any text; words of title and article together.
    expect(await uids(store, 'Rechenzentrum')).toEqual(['teaser']);
    expect(await uids(store, '"availability zones"')).toEqual(['teaser']);
    expect(await uids(store, 'region kryostat')).toEqual(['teaser']);
    expect(await uids(store, 'kryostat -frankfurt')).toEqual([]);
    // The feed's own content of other items, and the teaser's own words, are found as before.
    expect(await uids(store, 'zeppelin')).toEqual(['own']);
    expect(await uids(store, 'frankfurt')).toEqual(['teaser']);
    // Word boundaries as before: "away" is in the article and in another item; "aws" never matches "away".
    expect(await uids(store, 'away')).toEqual(['other', 'teaser']);
    expect(await uids(store, 'aws')).toEqual(['teaser']);
  });

  it('shows the excerpt where the words are: the summary when they are in it, else the article', async () => {
    const { store, ids } = await storeWithItems(() => db.fresh());
    await extract(store, ids.teaser!);
    const [byArticle] = await store.search('kryostat', 5);
    expect(byArticle?.terms).toEqual([{ text: 'kryostat', prefix: true }]);
    expect(byArticle?.snippet).toContain('kryostat hall');
    expect(byArticle?.snippet).not.toContain('<');
    const [bySummary] = await store.search('frankfurt', 5);
    expect(bySummary?.snippet).toBe(bySummary?.summary);
    const [other] = await store.search('zeppelin', 5);
    expect(other?.snippet).toBe(other?.summary);
  });

  it('keeps the article searchable when the feed edits the item, and a second extraction replaces the first', async () => {
    const { store, ids } = await storeWithItems(() => db.fresh());
    await extract(store, ids.teaser!);
    const source = (await store.findSourceByUrl('https://teaser.example/feed'))!;
    const edited = await store.upsertItems(
      source.id,
      [
        makeItem({
          uid: 'teaser',
          title: 'AWS opens a region (updated)',
          summary: 'Now with a gondola.',
          contentHtml: '',
        }),
      ],
      now + 1,
    );
    expect(edited.updated).toHaveLength(1);
    expect(await uids(store, 'kryostat')).toEqual(['teaser']);
    expect(await uids(store, 'gondola')).toEqual(['teaser']);
    await store.queueFullTexts([ids.teaser!], now, true);
    await store.finishFullText(ids.teaser!, { status: 'done', contentHtml: '<p>A walrus replaced it all.</p>' }, now);
    expect(await uids(store, 'walrus')).toEqual(['teaser']);
    expect(await uids(store, 'kryostat')).toEqual([]);
    expect(await uids(store, 'gondola')).toEqual(['teaser']);
  });
});

describe('migration that indexes articles extracted before', () => {
  it('SQLite: rewrites the index rows of items with an article', async () => {
    const database = sqliteDatabase();
    try {
      let { store, ids } = await storeWithItems(() => database.open());
      await extract(store, ids.teaser!);
      await store.close();
      // The index as the store wrote it before: the feed's own text only.
      const client = new Database(database.url);
      indexAsBefore(client, [ids.teaser!]);
      client.close();
      store = await database.open();
      expect(await uids(store, 'kryostat')).toEqual([]);
      await store.close();

      const migrate = new Database(database.url);
      registerSearchFunctions(migrate);
      for (const statement of migrationStatements('sqlite', '_article_search.sql')) migrate.exec(statement);
      migrate.close();
      ({ store } = { store: await database.open() });
      expect(await uids(store, 'kryostat')).toEqual(['teaser']);
      expect(await uids(store, 'frankfurt')).toEqual(['teaser']);
      expect(await uids(store, 'zeppelin')).toEqual(['own']);
      await store.close();
    } finally {
      await database.drop();
    }
  });

  it.skipIf(pgSkipReason !== '')(
    `PostgreSQL: fills article_vector and indexes the search expression ${pgSkipReason}`,
    async () => {
      const database = await postgresDatabase();
      try {
        let { store, ids } = await storeWithItems(() => database.open());
        await extract(store, ids.teaser!);
        await store.close();
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        // As before the migration: no article column, the index on the generated vector alone.
        await client.query('ALTER TABLE "items" DROP COLUMN "article_vector"');
        await client.query('CREATE INDEX "items_search" ON "items" USING gin ("search_vector")');
        for (const statement of migrationStatements('pg', '_article_search.sql')) await client.query(statement);
        const index = await client.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'items_search'`);
        expect(index.rows[0].indexdef).toContain('article_vector');
        await client.end();
        store = await database.open();
        expect(await uids(store, 'kryostat')).toEqual(['teaser']);
        expect(await uids(store, 'region kryostat')).toEqual(['teaser']);
        expect(await uids(store, 'aws')).toEqual(['teaser']);
        await store.close();
      } finally {
        await database.drop();
      }
    },
  );
});
