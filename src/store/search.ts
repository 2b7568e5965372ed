import type { StoreContext } from './context.ts';
import { matchTerms, parseSearch, SEARCH_RANKED_WINDOW } from './search-query.ts';
import { hasMatch, searchTextFromHtml } from './search-text.ts';
import type { ItemStore, SearchHit, SearchStore } from './types.ts';

/** Full-text search: ids from the dialect's index (FTS5 or tsvector), items by id, the terms for the view to mark. */
export class SqlSearchStore implements SearchStore {
  constructor(
    private readonly ctx: StoreContext,
    private readonly items: Pick<ItemStore, 'getItemsByIds' | 'fullTextsOf'>,
  ) {}

  async search(query: string, limit: number, offset = 0): Promise<SearchHit[]> {
    const parsed = parseSearch(query);
    if (!parsed.query) return [];
    const { conn, dialect } = this.ctx;
    const ids = async (statement: Parameters<typeof conn.rows>[0]) =>
      (await conn.rows<{ id: number }>(statement)).map((r) => Number(r.id));
    // Positions before the window are the ranked newest matches; after it, older matches follow newest first.
    const window = SEARCH_RANKED_WINDOW;
    const rankedCount = Math.max(0, Math.min(limit, window - offset));
    const found = rankedCount > 0 ? await ids(dialect.rankedMatches(parsed.query, window, rankedCount, offset)) : [];
    const restFrom = Math.max(offset, window);
    const windowFull = offset >= window || found.length === window - offset;
    if (offset + limit > restFrom && windowFull) {
      found.push(...(await ids(dialect.newestMatches(parsed.query, offset + limit - restFrom, restFrom))));
    }
    const terms = matchTerms(parsed.query);
    const hits = await this.items.getItemsByIds(found);
    // A hit found by its article's words shows where they are in the article, not a summary without them. Only
    // items with an article are looked at: checking every summary's words was a third of a search page's CPU.
    const articles = hits.length > 0 ? await this.items.fullTextsOf(hits.map((i) => i.id)) : new Map<number, string>();
    return hits.map((item) => {
      const html = articles.get(item.id);
      const article = html === undefined || hasMatch(item.summary, terms) ? undefined : searchTextFromHtml(html);
      const snippet = article !== undefined && hasMatch(article, terms) ? article : item.summary;
      return { ...item, terms, snippet };
    });
  }
}
