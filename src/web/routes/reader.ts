import { Hono } from 'hono';
import type { SidebarData } from '../../../views/context.ts';
import { ItemPage } from '../../../views/item.tsx';
import { HelpPage, SearchPage, TopicIntro, TopicsIndexPage } from '../../../views/pages.tsx';
import { RiverPage, type RiverProps } from '../../../views/river.tsx';
import { MessageNotice, TopicPictures } from '../../../views/topic-rules.tsx';
import { fullTextModeOf } from '../../extract/truncation.ts';
import { decodeCursor, itemContext, parseScope, paths, type Scope } from '../../lib/links.ts';
import { sourceName } from '../../lib/source-name.ts';
import { parseSearch } from '../../store/search-query.ts';
import type {
  CountStore,
  ItemFilter,
  ItemStore,
  ItemWithSource,
  SearchStore,
  SourceRow,
  SourceStore,
  StatsStore,
  TopicStore,
} from '../../store/types.ts';
import type { DepsWith } from '../deps.ts';
import { PageCache, TOKEN_STAND_IN } from '../page-cache.ts';
import {
  hasUndoFlash,
  publicOrigin,
  renderPage,
  sourceListCache,
  type ViewCtxFactory,
  type WebContext,
  type WebEnv,
} from '../request-context.ts';
import { foldStories } from '../river-stories.ts';
import { scopeFilter } from './actions.ts';
import { notFoundPage } from './errors.ts';
import { topicPictures } from './topics.ts';

const PAGE_SIZE = 50;
const SEARCH_PAGE_SIZE = 30;

/**
 * Whether the reader itself opened an item page, so opening may mark it read: Fetch-Metadata `same-origin` (a link
 * or key in the reader) or `none` (typed, bookmarked) for a document. A foreign page's `<img src=…/items/N>` or
 * link arrives `cross-site` or `same-site` (another port, another subdomain) and marks nothing. Without the header
 * (browsers before 2020–2023, curl) there is no telling, and opening keeps marking read as it always did.
 */
export function openedByReader(c: WebContext): boolean {
  const site = c.req.header('sec-fetch-site');
  const dest = c.req.header('sec-fetch-dest');
  if (dest !== undefined && dest !== 'document') return false;
  return site === undefined || site === 'same-origin' || site === 'none';
}

/** What the reading pages read (and opening an item marks read). */
export type ReaderStore = Pick<
  ItemStore,
  'listItems' | 'getItem' | 'adjacentItems' | 'setRead' | 'itemsByStoryKeys' | 'fullTextOf'
> &
  Pick<SourceStore, 'listSources' | 'getSource' | 'sourceHealth'> &
  Pick<TopicStore, 'listTopics' | 'getTopic' | 'itemTopics'> &
  SearchStore &
  CountStore &
  Pick<StatsStore, 'topicItemsPerDay' | 'topicDecisionCounts'>;
type ReaderDeps = DepsWith<ReaderStore>;

/** The reading pages: rivers, item, search, sources, topics. Each costs a fixed handful of queries. */
export function readerRoutes(deps: ReaderDeps, viewCtx: ViewCtxFactory): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const sources = sourceListCache(deps);
  const pages = new PageCache(deps.now);

  // The same filtered array while the source list is unchanged, so views can cache what they derive from it.
  let configured: { from: SourceRow[]; rows: SourceRow[] } | undefined;
  function configuredSources(rows: SourceRow[]): SourceRow[] {
    if (configured?.from !== rows) configured = { from: rows, rows: rows.filter((s) => s.inConfig) };
    return configured.rows;
  }

  async function sidebar(current?: Scope): Promise<SidebarData> {
    const [counts, rows] = await Promise.all([deps.store.unreadCounts(), sources()]);
    return {
      counts,
      sources: configuredSources(rows),
      topics: deps.config().topics.map((t) => ({ slug: t.slug, title: t.title })),
      current,
    };
  }

  function showParam(c: WebContext, fallback: 'unread' | 'all'): 'unread' | 'all' {
    const v = c.req.query('show');
    return v === 'all' || v === 'unread' ? v : fallback;
  }

  async function river(
    c: WebContext,
    opts: {
      filter: ItemFilter;
      title: string;
      scope: Scope;
      section: 'unread' | 'all' | 'starred' | 'other' | 'topics';
      show?: 'unread' | 'all';
      /** Highlighted in the sidebar: the scope, unless it is one of the main entries. */
      current?: boolean;
      intro?: RiverProps['intro'];
    },
  ) {
    // Kept rendered while nothing it shows changed (page-cache.ts); not with an intro (topic rivers: pictures kept
    // apart) or an Undo to show once.
    const version = opts.intro === undefined && !hasUndoFlash(c) ? deps.store.changeVersion() : undefined;
    let cacheKey: { key: string; window: number } | undefined;
    if (version !== undefined) {
      cacheKey = pages.key(c, {
        version,
        inputs: [deps.config(), await sources(), deps.store.unreadCounts(), deps.manager?.rejected()],
        viewer: `${c.var.locale}.${c.var.canEdit}.${c.var.loggedIn}.${c.var.loginEnabled}`,
      });
      const token = c.var.csrfToken;
      const etag = pages.etag(cacheKey.key, token);
      const hit = pages.get(cacheKey.key, cacheKey.window);
      if (hit || c.req.header('if-none-match') === etag) {
        c.header('Cache-Control', 'private, no-cache');
        c.header('ETag', etag);
        if (c.req.header('if-none-match') === etag) return c.body(null, 304);
      }
      if (hit) {
        c.header('Content-Type', 'text/html; charset=UTF-8');
        return c.body(PageCache.bytes(hit, token) as Uint8Array<ArrayBuffer>);
      }
    }
    const before = decodeCursor(c.req.query('before'));
    const [page, side] = await Promise.all([
      deps.store.listItems(opts.filter, PAGE_SIZE, before, { content: false }),
      sidebar(opts.current ? opts.scope : undefined),
    ]);
    const made = viewCtx(c, opts.section, side);
    const ctx = cacheKey ? { ...made, csrfToken: TOKEN_STAND_IN } : made;
    const items = await foldStories(deps.store, page.items, opts.filter);
    const node = RiverPage({
      ctx,
      title: opts.title,
      items,
      next: page.next,
      show: opts.show,
      scope: opts.scope,
      unreadOnly: Boolean(opts.filter.unreadOnly),
      paged: Boolean(before),
      intro: opts.intro,
    });
    if (cacheKey) {
      const entry = pages.put(cacheKey.key, cacheKey.window, `<!DOCTYPE html>${await node}`);
      c.header('Cache-Control', 'private, no-cache');
      c.header('ETag', pages.etag(cacheKey.key, c.var.csrfToken));
      c.header('Content-Type', 'text/html; charset=UTF-8');
      return c.body(PageCache.bytes(entry, c.var.csrfToken) as Uint8Array<ArrayBuffer>);
    }
    return renderPage(c, node);
  }

  const ALL: Scope = { kind: 'all' };
  const STARRED: Scope = { kind: 'starred' };
  app.get(paths.unread(), (c) =>
    river(c, { filter: { unreadOnly: true }, title: c.var.t('navUnread'), scope: ALL, section: 'unread' }),
  );
  app.get(paths.all(), (c) => river(c, { filter: {}, title: c.var.t('navAll'), scope: ALL, section: 'all' }));
  app.get(paths.starred(), (c) =>
    river(c, { filter: scopeFilter(STARRED), title: c.var.t('navStarred'), scope: STARRED, section: 'starred' }),
  );

  app.get('/sources/:id{[0-9]+}', async (c) => {
    const id = Number(c.req.param('id'));
    const source = (await sources()).find((s) => s.id === id) ?? (await deps.store.getSource(id));
    if (!source) return notFoundPage(c, viewCtx);
    const show = showParam(c, 'unread');
    const scope: Scope = { kind: 'source', id };
    return river(c, {
      filter: { ...scopeFilter(scope), unreadOnly: show === 'unread' },
      title: sourceName(source, source.fetchUrl),
      scope,
      section: 'other',
      show,
      current: true,
    });
  });

  app.get('/categories/:name', async (c) => {
    const name = c.req.param('name');
    const show = showParam(c, 'unread');
    const scope: Scope = { kind: 'category', name };
    return river(c, {
      filter: { ...scopeFilter(scope), unreadOnly: show === 'unread' },
      title: name,
      scope,
      section: 'other',
      show,
      current: true,
    });
  });

  app.get(paths.topics(), async (c) => {
    const [topics, side] = await Promise.all([deps.store.listTopics(), sidebar()]);
    return renderPage(c, TopicsIndexPage({ ctx: viewCtx(c, 'topics', side), topics }));
  });

  app.get('/topics/:slug', async (c) => {
    const slug = c.req.param('slug');
    const topic = await deps.store.getTopic(slug);
    const configured = deps.config().topics.find((t) => t.slug === slug);
    if (!topic && !configured) return notFoundPage(c, viewCtx);
    const show = showParam(c, 'all');
    const ctx0 = viewCtx(c, 'topics');
    const description = topic?.description || configured?.description;
    const scope: Scope = { kind: 'topic', slug };
    return river(c, {
      filter: { ...scopeFilter(scope), unreadOnly: show === 'unread' },
      title: topic?.title ?? configured?.title ?? slug,
      scope,
      section: 'topics',
      show,
      current: true,
      intro: [
        c.req.query('done') === 'rules' ? MessageNotice({ text: c.var.t('rulesSaved') }) : null,
        TopicIntro({ ctx: ctx0, description, origin: publicOrigin(c, deps), slug }),
        TopicPictures({ ctx: ctx0, slug, data: await topicPictures(deps, slug) }),
      ],
    });
  });

  app.get('/items/:id{[0-9]+}', async (c) => {
    const id = Number(c.req.param('id'));
    const [item, scored, side, fullText] = await Promise.all([
      deps.store.getItem(id),
      deps.store.itemTopics(id),
      sidebar(),
      deps.store.fullTextOf(id),
    ]);
    if (!item) return notFoundPage(c, viewCtx);
    // Every configured topic, so an editor can pin an item its scorer never stored (score 0, no evidence yet).
    const topics = [
      ...scored,
      ...deps
        .config()
        .topics.filter((t) => !scored.some((s) => s.slug === t.slug))
        .map((t) => ({
          slug: t.slug,
          title: t.title,
          score: 0,
          evidence: {},
          decision: 'auto' as const,
          included: false,
        })),
    ];
    // The list the reader came from (see itemContext in views/river.tsx); an unknown one walks all items.
    const scope = parseScope(c.req.query('in')) ?? ALL;
    const unreadOnly = c.req.query('show') === 'unread';
    const [neighbours] = await Promise.all([
      deps.store.adjacentItems({ ...scopeFilter(scope), unreadOnly }, item),
      // `keep=unread`: back from "Mark as unread" on this very page (without JavaScript), which must stick.
      c.var.canEdit && !item.read && openedByReader(c) && c.req.query('keep') !== 'unread'
        ? markOpened(item, side)
        : undefined,
    ]);
    const query = itemContext(scope, unreadOnly);
    return renderPage(
      c,
      ItemPage({
        ctx: viewCtx(c, 'other', side),
        item,
        topics,
        fullText: {
          state: fullText,
          mode: fullTextModeOf(deps.config(), item.sourceUrl),
          canLoad: deps.loadFullText !== undefined,
          showFeedVersion: c.req.query('content') === 'feed',
        },
        newer: neighbours.newer === undefined ? undefined : paths.item(neighbours.newer, query),
        older: neighbours.older === undefined ? undefined : paths.item(neighbours.older, query),
      }),
    );
  });

  /** Read-on-open, like every reader: opening is reading. The page's sidebar counts follow. */
  async function markOpened(item: ItemWithSource, side: SidebarData): Promise<void> {
    await deps.store.setRead([item.id], true);
    item.read = true;
    if (side.counts.total > 0) side.counts.total -= 1;
    const bySource = side.counts.bySource[item.sourceId];
    if (bySource) side.counts.bySource[item.sourceId] = bySource - 1;
    const byCategory = side.counts.byCategory[item.sourceCategory];
    if (byCategory) side.counts.byCategory[item.sourceCategory] = byCategory - 1;
  }

  app.get(paths.search(), async (c) => {
    const query = (c.req.query('q') ?? '').trim().slice(0, 200);
    const page = Math.max(1, Math.min(1000, Number(c.req.query('page')) || 1));
    const problem = query ? parseSearch(query).problem : undefined;
    const [hits, side] = await Promise.all([
      query && !problem
        ? deps.store.search(query, SEARCH_PAGE_SIZE + 1, (page - 1) * SEARCH_PAGE_SIZE)
        : Promise.resolve([]),
      sidebar(),
    ]);
    return renderPage(
      c,
      SearchPage({
        ctx: viewCtx(c, 'search', side),
        query,
        problem,
        hits: hits.slice(0, SEARCH_PAGE_SIZE),
        page,
        hasMore: hits.length > SEARCH_PAGE_SIZE,
      }),
    );
  });

  app.get(paths.help(), (c) => renderPage(c, HelpPage({ ctx: viewCtx(c, 'other') })));

  return app;
}
