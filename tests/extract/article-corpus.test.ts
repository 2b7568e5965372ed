/**
 * Full-text extraction on the 59 real article pages, served from 127.0.0.1 and fetched with the feed fetcher:
 * token recall and precision of the stored article against Readability's expected extraction, per page and over
 * the set. Thresholds come from the set's distribution (median, 10th percentile), not from any one page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractArticle } from '../../src/extract/article.ts';
import { closeSharedAgents, fetchFeed } from '../../src/fetch/http.ts';
import {
  type ArticlePage,
  articlesAbsent,
  expectedHtml,
  hasArticles,
  quantile,
  readArticleManifest,
  serveArticles,
  textScores,
} from '../support/articles.ts';
import { type FixtureServer, startFixtureServer } from '../support/fixture-server.ts';

const requireAll = process.env.RUNDSCHAU_REQUIRE_ALL_SUITES === '1';
let server: FixtureServer;
let pages: ArticlePage[] = [];

beforeAll(async () => {
  if (!hasArticles) return;
  pages = readArticleManifest();
  server = await startFixtureServer();
  serveArticles(server, pages);
});

afterAll(async () => {
  await server?.close();
  await closeSharedAgents();
});

describe('extraction on the article corpus', () => {
  it.skipIf(!hasArticles && !requireAll)(`recall and precision per page and overall ${articlesAbsent}`, async () => {
    expect(hasArticles, articlesAbsent).toBe(true);
    const rows: { name: string; recall: number; precision: number; title: boolean; ms: number }[] = [];
    for (const page of pages) {
      const fetched = await fetchFeed({ url: server.url(`/${page.name}/source.html`) }, { accept: 'text/html' });
      expect(fetched.kind, page.name).toBe('ok');
      if (fetched.kind !== 'ok') continue;
      const t0 = performance.now();
      const result = extractArticle({ body: fetched.body, contentType: fetched.contentType, url: fetched.finalUrl });
      const ms = performance.now() - t0;
      const html = result.ok ? result.html : '';
      const scores = textScores(html, expectedHtml(page.name));
      const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
      rows.push({
        name: page.name,
        ...scores,
        title: result.ok && norm(result.title ?? '') === page.expectedTitle,
        ms,
      });
    }
    const recalls = rows.map((r) => r.recall);
    const precisions = rows.map((r) => r.precision);
    const summary = {
      pages: rows.length,
      recall: { median: quantile(recalls, 0.5), p10: quantile(recalls, 0.1), mean: mean(recalls) },
      precision: { median: quantile(precisions, 0.5), p10: quantile(precisions, 0.1), mean: mean(precisions) },
      titles: rows.filter((r) => r.title).length,
      msPerPage: {
        median: quantile(
          rows.map((r) => r.ms),
          0.5,
        ),
        max: Math.max(...rows.map((r) => r.ms)),
      },
    };
    console.log(
      `extraction per page (recall / precision):\n${rows
        .map(
          (r) =>
            `  ${r.name.padEnd(34)} ${r.recall.toFixed(3)} / ${r.precision.toFixed(3)}${r.title ? '' : '  (title differs)'}`,
        )
        .join('\n')}\noverall ${JSON.stringify(summary)}`,
    );
    expect(rows.length).toBe(pages.length);
    expect(summary.recall.median).toBeGreaterThan(0.97);
    expect(summary.recall.p10).toBeGreaterThan(0.85);
    expect(summary.precision.median).toBeGreaterThan(0.97);
    expect(summary.precision.p10).toBeGreaterThan(0.85);
  });
});

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
