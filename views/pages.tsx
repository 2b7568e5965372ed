/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import { paths, withQuery } from '../src/lib/links.ts';
import { sourceName } from '../src/lib/source-name.ts';
import type { SearchProblem } from '../src/store/search-query.ts';
import { excerpt, type MatchTerm, markMatches } from '../src/store/search-text.ts';
import type { SearchHit, TopicRow } from '../src/store/types.ts';
import type { ViewCtx } from './context.ts';
import { KeyboardHelp, Layout } from './layout.tsx';
import { PostForm, TimeAgo } from './parts.tsx';

/** The subscribe box of a topic: absolute feed URLs for pasting into any reader. */
export function SubscribeBox({ ctx, origin, slug }: { ctx: ViewCtx; origin: string; slug: string }) {
  const { t } = ctx;
  const formats = [
    ['RSS', 'rss'],
    ['Atom', 'atom'],
    ['JSON Feed', 'json'],
  ] as const;
  return (
    <section class="subscribe" aria-labelledby="subscribe-title">
      <h2 id="subscribe-title">{t('subscribe')}</h2>
      <p class="muted">{t('subscribeHint')}</p>
      <ul class="feed-urls">
        {formats.map(([label, ext]) => {
          const url = origin + paths.feed(slug, ext);
          return (
            <li>
              <span class="feed-format">{label}</span>
              <a href={url} class="feed-url">
                {url}
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function TopicIntro({
  ctx,
  description,
  origin,
  slug,
}: {
  ctx: ViewCtx;
  description: string | undefined;
  origin: string;
  slug: string;
}) {
  return (
    <>
      {description && <p class="lead">{description}</p>}
      <SubscribeBox ctx={ctx} origin={origin} slug={slug} />
    </>
  );
}

export function TopicsIndexPage({ ctx, topics }: { ctx: ViewCtx; topics: TopicRow[] }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('topicsTitle')}>
      <h1>{t('topicsTitle')}</h1>
      {topics.length === 0 ? (
        <p class="empty">{t('noTopics')}</p>
      ) : (
        <ul class="card-list">
          {topics.map((topic) => (
            <li class="card">
              <h2>
                <a href={paths.topic(topic.slug)}>{topic.title}</a>
              </h2>
              {topic.description && <p>{topic.description}</p>}
              <p class="muted small">
                <a href={paths.feed(topic.slug, 'rss')}>RSS</a> · <a href={paths.feed(topic.slug, 'atom')}>Atom</a> ·{' '}
                <a href={paths.feed(topic.slug, 'json')}>JSON</a>
              </p>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

/** Text with the words that match the search marked. */
function Marked({ text, terms }: { text: string; terms: MatchTerm[] }) {
  return <>{markMatches(text, terms).map((part) => (part.match ? <mark>{part.text}</mark> : part.text))}</>;
}

export function SearchPage({
  ctx,
  query,
  problem,
  hits,
  page,
  hasMore,
}: {
  ctx: ViewCtx;
  query: string;
  /** Why a non-empty query was not run (nothing to look for in it). */
  problem?: SearchProblem;
  hits: SearchHit[];
  page: number;
  hasMore: boolean;
}) {
  const { t } = ctx;
  const title = query ? t('searchResultsFor', { q: query }) : t('navSearch');
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <search class="search-page-form-wrap">
        <form method="get" action={paths.search()} class="search-page-form">
          <label for="search-q">{t('searchLabel')}</label>
          <div class="row">
            <input type="search" id="search-q" name="q" value={query} />
            <button type="submit" class="btn btn-primary">
              {t('searchButton')}
            </button>
          </div>
        </form>
      </search>
      {query && problem && (
        <p class="empty" role="status">
          {t(problem === 'onlyExcluded' ? 'searchOnlyExcluded' : 'searchNothingToFind')}
        </p>
      )}
      {query && !problem && hits.length === 0 && <p class="empty">{t('searchNoResults')}</p>}
      {/* The syntax, for a first visit and whenever a query found nothing. */}
      {hits.length === 0 && <p class="muted">{t('searchHint')}</p>}
      <div class="river" data-river="">
        {hits.map((hit) => (
          <article class={hit.read ? 'entry' : 'entry unread'} data-id={String(hit.id)}>
            <h2 class="entry-title">
              <a href={paths.item(hit.id)} class="entry-link">
                <Marked text={hit.title} terms={hit.terms} />
              </a>
            </h2>
            <p class="entry-meta">
              <a href={paths.source(hit.sourceId)}>{sourceName({ title: hit.sourceTitle })}</a>
              <span aria-hidden="true"> · </span>
              <TimeAgo ctx={ctx} at={hit.publishedAt} estimated={hit.dateEstimated} />
            </p>
            <p class="entry-summary">
              <Marked text={excerpt(hit.snippet, hit.terms)} terms={hit.terms} />
            </p>
          </article>
        ))}
      </div>
      {(page > 1 || hasMore) && (
        <nav class="pager" aria-label={t('pageOf')}>
          {page > 1 && (
            <a href={withQuery(ctx.here, { page: String(page - 1) })} class="btn" rel="prev">
              ← {t('newest')}
            </a>
          )}
          {hasMore && (
            <a href={withQuery(ctx.here, { page: String(page + 1) })} class="btn" rel="next">
              {t('older')} →
            </a>
          )}
        </nav>
      )}
    </Layout>
  );
}

export function LoginPage({ ctx, next, error }: { ctx: ViewCtx; next: string; error?: string }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('login')}>
      <div class="narrow">
        <h1>{t('login')}</h1>
        {error && (
          <p class="notice notice-error" role="alert">
            {error}
          </p>
        )}
        <PostForm ctx={ctx} action={paths.login()} fields={{ next }} class="login-form">
          <label for="password">{t('password')}</label>
          <input type="password" id="password" name="password" autocomplete="current-password" required autofocus />
          <button type="submit" class="btn btn-primary">
            {t('login')}
          </button>
        </PostForm>
      </div>
    </Layout>
  );
}

export function MessagePage({ ctx, title, text }: { ctx: ViewCtx; title: string; text: string }) {
  return (
    <Layout ctx={ctx} title={title}>
      <div class="narrow">
        <h1>{title}</h1>
        <p>{text}</p>
        <p>
          <a href={paths.unread()}>{ctx.t('navUnread')}</a>
        </p>
      </div>
    </Layout>
  );
}

export function HelpPage({ ctx }: { ctx: ViewCtx }) {
  return (
    <Layout ctx={ctx} title={ctx.t('keyboardHelp')}>
      <div class="narrow">
        <h1>{ctx.t('keyboardHelp')}</h1>
        <KeyboardHelp ctx={ctx} />
      </div>
    </Layout>
  );
}
