/**
 * The article pages for full-text extraction (`../shared/corpus/articles`, Readability's real-page test cases with
 * their expected extraction; see its README). Never copied into the repository: tests read them where they are and
 * skip with a message when the folder is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHTML } from 'entities';
import { sharedDir } from './corpus.ts';
import type { FixtureServer } from './fixture-server.ts';

export const articlesDir = join(sharedDir, 'corpus', 'articles');
export const hasArticles = existsSync(join(articlesDir, 'MANIFEST.tsv'));
export const articlesAbsent = hasArticles ? '' : `article corpus absent at ${articlesDir} (set RUNDSCHAU_SHARED_DIR)`;

export interface ArticlePage {
  name: string;
  site: string;
  language: string;
  expectedTitle: string;
}

export function readArticleManifest(): ArticlePage[] {
  const [, ...lines] = readFileSync(join(articlesDir, 'MANIFEST.tsv'), 'utf8').split('\n');
  return lines
    .filter((l) => l.trim())
    .map((l) => {
      const [name = '', site = '', language = '', , , , expectedTitle = ''] = l.split('\t');
      return { name, site, language, expectedTitle };
    });
}

export const sourceBytes = (name: string) => readFileSync(join(articlesDir, name, 'source.html'));
export const expectedHtml = (name: string) => readFileSync(join(articlesDir, name, 'expected.html'), 'utf8');

/** Serves every page as `/<name>/source.html`, `text/html` without a charset (the page's own `<meta>` decides). */
export function serveArticles(server: FixtureServer, pages: ArticlePage[]): void {
  for (const page of pages) {
    server.route(`/${page.name}/source.html`, {
      headers: { 'content-type': 'text/html' },
      body: sourceBytes(page.name),
    });
  }
}

/** Visible text as word tokens (README: strip tags, decode entities, NFC, collapse whitespace, case-fold). */
export function wordTokens(html: string): string[] {
  const text = decodeHTML(
    html
      .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<[^>]+>/g, ' '),
  )
    .normalize('NFC')
    .toLowerCase();
  return text.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Token-level recall (expected tokens found, as a multiset) and precision (extracted tokens that were expected). */
export function textScores(extracted: string, expected: string): { recall: number; precision: number } {
  const want = new Map<string, number>();
  const expectedTokens = wordTokens(expected);
  for (const t of expectedTokens) want.set(t, (want.get(t) ?? 0) + 1);
  const got = wordTokens(extracted);
  let common = 0;
  for (const t of got) {
    const n = want.get(t) ?? 0;
    if (n > 0) {
      common++;
      want.set(t, n - 1);
    }
  }
  return {
    recall: expectedTokens.length ? common / expectedTokens.length : 1,
    precision: got.length ? common / got.length : 0,
  };
}

export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]!;
}
