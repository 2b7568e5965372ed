import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { fromRoot } from '../../src/lib/paths.ts';
import { indexedBody, searchTextFromHtml } from '../../src/store/search-text.ts';

/** Statements of a migration, found by the end of its name (the lead renumbers migrations when merging). */
export function migrationStatements(dialect: 'sqlite' | 'pg', suffix: string): string[] {
  const dir = fromRoot(`migrations/${dialect}`);
  const name = readdirSync(dir).find((f) => f.endsWith(suffix))!;
  return readFileSync(join(dir, name), 'utf8').split('--> statement-breakpoint');
}

/**
 * Rewrites SQLite index rows as older stores wrote them: title and the feed's own text as they are (no ß folding,
 * no extracted article), for the items given or all. What a migration test starts from.
 */
export function indexAsBefore(client: Database.Database, ids?: number[]): void {
  const rows = client.prepare('SELECT id, title, summary, content_html FROM items').all() as {
    id: number;
    title: string;
    summary: string;
    content_html: string;
  }[];
  for (const row of rows) {
    if (ids && !ids.includes(row.id)) continue;
    client.prepare('DELETE FROM items_fts WHERE rowid = ?').run(row.id);
    client
      .prepare('INSERT INTO items_fts(rowid, title, body) VALUES (?, ?, ?)')
      .run(row.id, row.title, indexedBody(row.summary, searchTextFromHtml(row.content_html)));
  }
}
