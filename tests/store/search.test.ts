import Database from 'better-sqlite3';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerSearchFunctions } from '../../src/store/db.ts';
import { parseSearch, SEARCH_RANKED_WINDOW } from '../../src/store/search-query.ts';
import type { Store } from '../../src/store/types.ts';
import {
  type DialectSuite,
  forEachDialect,
  pgSkipReason,
  postgresDatabase,
  sqliteDatabase,
  storedItemCount,
} from '../support/databases.ts';
import { makeItem, makeSource } from '../support/items.ts';
import { indexAsBefore, migrationStatements } from '../support/search-index.ts';

const HOUR = 3_600_000;
const now = Date.UTC(2026, 10, 20);

/** Fixture items: title, plain-text summary (the body is empty so that only these words are indexed). */
const FIXTURES: { title: string; summary: string; hoursAgo: number; language?: string }[] = [
  { title: 'AWS opens a region in Frankfurt', summary: 'Amazon Web Services expands.', hoursAgo: 30 },
  { title: 'Why we moved away from the cloud', summary: 'A story about leaving.', hoursAgo: 29 },
  { title: 'What is new in C++ 26', summary: 'Contracts and reflection arrive in the standard.', hoursAgo: 28 },
  { title: 'Rust gets a new borrow checker', summary: 'The compiler team explains.', hoursAgo: 27 },
  { title: 'State of the art in data centers', summary: 'Cooling and power.', hoursAgo: 26 },
  { title: 'Center of data science moves', summary: 'A new building.', hoursAgo: 25 },
  { title: 'Fußball-Bundesliga startet', summary: 'Der Fußball rollt wieder.', hoursAgo: 24, language: 'de' },
  { title: 'Fussball ohne Zuschauer', summary: 'Leere Stadien.', hoursAgo: 23, language: 'de' },
  { title: 'Großprojekt verzögert sich', summary: 'Die Bahn nennt neue Kosten.', hoursAgo: 22, language: 'de' },
  { title: 'The company reports record revenue', summary: 'Quarterly numbers.', hoursAgo: 21 },
  { title: 'Three companies merge', summary: 'A deal worth billions.', hoursAgo: 20 },
  { title: 'Neues Rechenzentrum eröffnet', summary: 'Der Betreiber investiert.', hoursAgo: 19, language: 'de' },
  { title: 'Rechenzentren brauchen Strom', summary: 'Energie für Server.', hoursAgo: 18, language: 'de' },
  { title: 'Kubernetes release notes', summary: 'What changed this month.', hoursAgo: 17 },
  { title: 'Weekly roundup', summary: 'News about kubernetes, storage and more.', hoursAgo: 1 },
  { title: 'Café culture in Zürich', summary: 'Where to sit.', hoursAgo: 16 },
  { title: 'Node.js 24 released', summary: 'Download it from nodejs.org/dist today.', hoursAgo: 13 },
  { title: 'Nvidia ships new GPUs', summary: 'Faster than ever.', hoursAgo: 11 },
  { title: 'One GPU to rule them all', summary: 'A single card.', hoursAgo: 10 },
  { title: 'Send e-mail from the terminal', summary: 'A short guide.', hoursAgo: 12 },
  { title: 'Новогодняя ёлка в Москве', summary: 'Праздник.', hoursAgo: 15, language: 'ru' },
  { title: 'हिंदी समाचार', summary: 'आज की खबरें', hoursAgo: 14, language: 'hi' },
  // Two items that rank the same: the one published later comes first, although it was stored first.
  { title: 'Python tips', summary: 'Small habits, newer post.', hoursAgo: 2 },
  { title: 'Python tips', summary: 'Small habits, older post.', hoursAgo: 3 },
];

interface SearchCase {
  query: string;
  /** Titles (with summary where titles repeat) expected, in this order when `ranked`, otherwise as a set. */
  expected: string[];
  ranked?: boolean;
}

/** The same cases on every dialect: what a user types and what they should see. */
const CASES: SearchCase[] = [
  { query: 'aws', expected: ['AWS opens a region in Frankfurt'] },
  { query: 'AWS', expected: ['AWS opens a region in Frankfurt'] },
  { query: 'away', expected: ['Why we moved away from the cloud'] },
  // A whole word also matches its plural in -s, and an acronym's plural its singular.
  { query: 'GPU', expected: ['Nvidia ships new GPUs', 'One GPU to rule them all'] },
  { query: 'GPUs', expected: ['Nvidia ships new GPUs', 'One GPU to rule them all'] },
  { query: 'gpu', expected: ['Nvidia ships new GPUs', 'One GPU to rule them all'] },
  { query: '"new GPU"', expected: [] },
  { query: 'c++', expected: ['What is new in C++ 26'] },
  { query: 'C++ 26', expected: ['What is new in C++ 26'] },
  { query: 'data center', expected: ['State of the art in data centers', 'Center of data science moves'] },
  { query: '"data center"', expected: ['State of the art in data centers'] },
  { query: '"state of the art"', expected: ['State of the art in data centers'] },
  {
    query: 'rust OR kubernetes',
    expected: ['Rust gets a new borrow checker', 'Kubernetes release notes', 'Weekly roundup'],
  },
  { query: 'data -science', expected: ['State of the art in data centers'] },
  { query: 'data -"data science"', expected: ['State of the art in data centers'] },
  { query: 'Fußball', expected: ['Fußball-Bundesliga startet', 'Fussball ohne Zuschauer'] },
  { query: 'Fussball', expected: ['Fußball-Bundesliga startet', 'Fussball ohne Zuschauer'] },
  // "der" is a German stop word: PostgreSQL finds this phrase only in its English half, where ß stays ß.
  { query: '"der Fußball"', expected: ['Fußball-Bundesliga startet'] },
  { query: '"der Fussball"', expected: ['Fußball-Bundesliga startet'] },
  { query: 'Großprojekt', expected: ['Großprojekt verzögert sich'] },
  { query: 'grossprojekte', expected: ['Großprojekt verzögert sich'] },
  { query: 'company', expected: ['The company reports record revenue', 'Three companies merge'] },
  { query: 'companies', expected: ['The company reports record revenue', 'Three companies merge'] },
  { query: 'Rechenzentrum', expected: ['Neues Rechenzentrum eröffnet', 'Rechenzentren brauchen Strom'] },
  { query: 'Rechenzentren', expected: ['Neues Rechenzentrum eröffnet', 'Rechenzentren brauchen Strom'] },
  { query: 'Zürich', expected: ['Café culture in Zürich'] },
  { query: 'zurich', expected: ['Café culture in Zürich'] },
  { query: 'café', expected: ['Café culture in Zürich'] },
  // Dots, slashes and hyphens inside a word separate its parts on both databases (PostgreSQL's parser would keep
  // "node.js" and "nodejs.org/dist" whole and add "e-mail" as a word of its own besides "e" and "mail").
  { query: 'node.js', expected: ['Node.js 24 released'] },
  { query: 'node', expected: ['Node.js 24 released'] },
  { query: 'nodejs dist', expected: ['Node.js 24 released'] },
  { query: '"send e-mail"', expected: ['Send e-mail from the terminal'] },
  { query: 'mail', expected: ['Send e-mail from the terminal'] },
  // Other scripts keep their marks, as the index does: ё is not е, a Devanagari vowel sign is part of the word.
  { query: 'ёлка', expected: ['Новогодняя ёлка в Москве'] },
  { query: 'हिंदी', expected: ['हिंदी समाचार'] },
  // A title match outranks a newer item that mentions the word in its text.
  { query: 'kubernetes', expected: ['Kubernetes release notes', 'Weekly roundup'], ranked: true },
  { query: 'python tips', expected: ['Python tips: newer post', 'Python tips: older post'], ranked: true },
  // Hostile input is text: quotes, parentheses, FTS5/tsquery operators and column filters never reach the engine.
  { query: '"unbalanced OR (', expected: [] },
  { query: 'aws*', expected: ['AWS opens a region in Frankfurt'] },
  { query: '^aws', expected: ['AWS opens a region in Frankfurt'] },
  { query: '(aws)', expected: ['AWS opens a region in Frankfurt'] },
  { query: 'aws: NEAR', expected: [] },
  { query: 'NEAR(aws frankfurt)', expected: [] },
  { query: "aws' & ! | (", expected: ['AWS opens a region in Frankfurt'] },
  { query: 'title:aws', expected: [] },
  { query: 'AND OR NOT aws', expected: [] },
  { query: '🚀 \u0000 ‮ 日本 ﷺ', expected: [] },
  // A letter newer than the tokenizers' Unicode tables: no syntax error, the other side of OR still counts.
  { query: '\u{1E900} OR aws', expected: ['AWS opens a region in Frankfurt'] },
  // Nothing to search for: no results and no error (the page says why).
  { query: '', expected: [] },
  { query: 'OR', expected: [] },
  { query: '"" - OR * ^ :', expected: [] },
  { query: '-aws', expected: [] },
];

/** Titles of hits; where two items share a title, the summary's last words tell them apart. */
function label(hit: { title: string; summary: string }): string {
  return hit.title === 'Python tips' ? `${hit.title}: ${hit.summary.replace(/^Small habits, |\.$/g, '')}` : hit.title;
}

/** A fresh store with one configured source, for tests that bring their own items. */
async function storeWithSource(db: DialectSuite): Promise<{ store: Store; sourceId: number }> {
  const store = await db.fresh();
  await store.syncSources([makeSource('https://search.example/feed')], now);
  return { store, sourceId: (await store.findSourceByUrl('https://search.example/feed'))!.id };
}

forEachDialect('search', (db) => {
  describe('over the fixture items', () => {
    let store: Store;

    beforeAll(async () => {
      ({ store } = await storeWithSource(db));
      const source = (await store.findSourceByUrl('https://search.example/feed'))!;
      await store.upsertItems(
        source.id,
        FIXTURES.map((f, i) =>
          makeItem({
            uid: `item-${i}`,
            title: f.title,
            summary: f.summary,
            contentHtml: '',
            language: f.language ?? 'en',
            publishedAt: now - f.hoursAgo * HOUR,
          }),
        ),
        now,
      );
    });

    for (const c of CASES) {
      it(`${JSON.stringify(c.query)} finds ${c.expected.length === 0 ? 'nothing' : c.expected.join(' · ')}`, async () => {
        const found = (await store.search(c.query, 50)).map(label);
        if (c.ranked) expect(found).toEqual(c.expected);
        else expect([...found].sort()).toEqual([...c.expected].sort());
      });
    }

    it('returns the words it looked for with each hit, not HTML', async () => {
      const [hit] = await store.search('companies -revenue', 5);
      expect(hit?.title).toBe('Three companies merge');
      expect(hit?.terms).toEqual([{ text: 'compan', prefix: true }]);
    });
  });

  it('finds ß in the body text, written either way', async () => {
    const { store, sourceId } = await storeWithSource(db);
    await store.upsertItems(
      sourceId,
      [makeItem({ uid: 'body', title: 'Stadion', summary: '', contentHtml: '<p>Ein <b>großes</b> Spiel</p>' })],
      now,
    );
    expect((await store.search('grosses spiel', 5)).map((h) => h.uid)).toEqual(['body']);
    expect((await store.search('"großes Spiel"', 5)).map((h) => h.uid)).toEqual(['body']);
  });

  it(`ranks the newest ${SEARCH_RANKED_WINDOW} matches and pages on through older ones without losing any`, async () => {
    const { store, sourceId } = await storeWithSource(db);
    const total = SEARCH_RANKED_WINDOW + 40;
    // Oldest first, so ids follow time; every 100th item has the word in its title and ranks first.
    const bulk = Array.from({ length: total }, (_, i) =>
      makeItem({
        uid: `bulk-${i}`,
        title: i % 100 === 0 ? `Glacier ${i}` : `Note ${i}`,
        summary: `about glacier melt number ${i}`,
        contentHtml: '',
        publishedAt: now - (total - i) * 60_000,
      }),
    );
    await store.upsertItems(sourceId, bulk, now);
    const seen: string[] = [];
    for (let offset = 0; offset < total + 100; offset += 100) {
      seen.push(...(await store.search('glacier', 100, offset)).map((h) => h.uid));
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    // The window is the newest SEARCH_RANKED_WINDOW items (bulk-40 … bulk-1039): its title matches lead, newest
    // first; the 40 older matches follow after the window, newest first.
    expect(seen.slice(0, 10)).toEqual([1000, 900, 800, 700, 600, 500, 400, 300, 200, 100].map((i) => `bulk-${i}`));
    expect(seen.slice(SEARCH_RANKED_WINDOW)).toEqual(Array.from({ length: 40 }, (_, i) => `bulk-${39 - i}`));
  });

  it('searches German and English text with stemming', async () => {
    const { store, sourceId } = await storeWithSource(db);
    await store.upsertItems(
      sourceId,
      [
        makeItem({
          uid: 's1',
          title: 'Alibaba eröffnet Rechenzentrum in Frankfurt',
          summary: 'Der Cloud-Anbieter baut in Europa aus <script>',
          language: 'de',
        }),
        makeItem({
          uid: 's2',
          title: 'AWS opens new data centers in Europe',
          summary: 'Clouds everywhere',
          language: 'en',
        }),
        makeItem({
          uid: 's3',
          title: 'Weather report',
          summary: 'Sunny',
          contentHtml: '<p>Nothing about <b>Rechenzentren</b></p>',
        }),
      ],
      now,
    );
    const de = await store.search('Rechenzentren', 10);
    expect(de.map((h) => h.uid).sort()).toEqual(['s1', 's3']);
    expect(de[0]!.terms).toEqual([{ text: 'rechenzentr', prefix: true }]);
    expect((await store.search('data center', 10)).map((h) => h.uid)).toEqual(['s2']);
    expect((await store.search('"unbalanced OR (', 10)).length).toBe(0);
    expect(await store.search('', 10)).toEqual([]);
  });
});

describe('search syntax', () => {
  it('says why a query has nothing to search for', () => {
    expect(parseSearch('').problem).toBe('empty');
    expect(parseSearch('"" OR - *').problem).toBe('empty');
    expect(parseSearch('-aws -"data center"').problem).toBe('onlyExcluded');
    expect(parseSearch('aws').problem).toBeUndefined();
  });

  it('matches short words and acronyms whole, longer words by stem', () => {
    const words = parseSearch('aws NATO GPUs gpt4 Rechenzentren companies').query!.all.flat(2);
    expect(words.map((w) => [w.text, w.prefix])).toEqual([
      ['aws', false],
      ['nato', false],
      ['gpu', false],
      ['gpt4', false],
      ['rechenzentr', true],
      ['compan', true],
    ]);
  });
});

describe('migration that folds ß in the SQLite index', () => {
  it('re-indexes items indexed before, so their ß words are found', async () => {
    const database = sqliteDatabase();
    try {
      let store = await database.open();
      await store.syncSources([makeSource('https://old.example/feed')], now);
      const source = (await store.findSourceByUrl('https://old.example/feed'))!;
      const old = [
        makeItem({ uid: 'title', title: 'Fußball heute', summary: 'Spiele.', contentHtml: '' }),
        makeItem({ uid: 'entity', title: 'Stadion', summary: '', contentHtml: '<p>Ein gro&szlig;es Spiel</p>' }),
        makeItem({ uid: 'plain', title: 'Fussball morgen', summary: 'Ohne Eszett.', contentHtml: '' }),
      ];
      await store.upsertItems(source.id, old, now);
      await store.close();

      // The index as the store wrote it before: ß kept (unicode61 keeps it).
      const client = new Database(database.url);
      indexAsBefore(client);
      client.close();
      store = await database.open();
      expect((await store.search('Fußball', 5)).map((h) => h.uid)).toEqual(['plain']);
      await store.close();

      const migrate = new Database(database.url);
      registerSearchFunctions(migrate);
      for (const statement of migrationStatements('sqlite', '_fold_sharp_s.sql')) migrate.exec(statement);
      migrate.close();
      store = await database.open();
      expect((await store.search('Fußball', 5)).map((h) => h.uid).sort()).toEqual(['plain', 'title']);
      expect((await store.search('großes spiel', 5)).map((h) => h.uid)).toEqual(['entity']);
      expect(await storedItemCount(store)).toBe(3);
      await store.close();
    } finally {
      await database.drop();
    }
  });
});

describe.skipIf(pgSkipReason !== '')(`migration that folds ß in the PostgreSQL index ${pgSkipReason}`, () => {
  it('recomputes the search vector of existing items', async () => {
    const database = await postgresDatabase();
    try {
      let store = await database.open();
      await store.syncSources([makeSource('https://old.example/feed')], now);
      const source = (await store.findSourceByUrl('https://old.example/feed'))!;
      await store.upsertItems(
        source.id,
        [makeItem({ uid: 'phrase', title: 'Bundesliga', summary: 'Der Fußball rollt.', contentHtml: '' })],
        now,
      );
      await store.close();

      // The column as the full-text migration made it (ß kept by the English configuration).
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query('ALTER TABLE "items" DROP COLUMN "search_vector"');
      for (const statement of migrationStatements('pg', '_fulltext.sql')) await client.query(statement);
      store = await database.open();
      expect(await store.search('"der Fussball"', 5)).toEqual([]);
      await store.close();

      for (const statement of migrationStatements('pg', '_fold_sharp_s.sql')) await client.query(statement);
      await client.end();
      store = await database.open();
      expect((await store.search('"der Fussball"', 5)).map((h) => h.uid)).toEqual(['phrase']);
      expect((await store.search('"der Fußball"', 5)).map((h) => h.uid)).toEqual(['phrase']);
      await store.close();
    } finally {
      await database.drop();
    }
  });
});
