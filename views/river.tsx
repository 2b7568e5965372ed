import type { Child } from 'hono/jsx';
import type { Cursor, ItemWithSource } from '../src/store/types.ts';
import { encodeCursor, safeHref, sourceName, type ViewCtx, withQuery } from './context.ts';
import { Layout } from './layout.tsx';
import { PostForm, ReadToggle, StarToggle, TimeAgo } from './parts.tsx';

export type RiverItem = ItemWithSource & { score?: number };

export interface RiverProps {
  ctx: ViewCtx;
  title: string;
  items: RiverItem[];
  next?: Cursor;
  /** `unread`/`all` switch; absent for rivers that have no such choice (starred, topics). */
  show?: 'unread' | 'all';
  /** What "mark all read" applies to (`all`, `source:ID`, `category:NAME`, `topic:SLUG`, `starred`). */
  scope: string;
  /** Paginated: a `before` is in the URL. */
  paged: boolean;
  /** Rendered between the heading and the list (e.g. a topic's subscribe box). */
  intro?: Child;
  notice?: string;
}

function Entry({ ctx, item }: { ctx: ViewCtx; item: RiverItem }) {
  const { t } = ctx;
  return (
    <article
      class={item.read ? 'entry' : 'entry unread'}
      id={`item-${item.id}`}
      data-id={String(item.id)}
      aria-labelledby={`title-${item.id}`}
      lang={item.language ?? undefined}
    >
      <h2 class="entry-title" id={`title-${item.id}`}>
        <a href={`/items/${item.id}`} class="entry-link">
          {item.title || item.link || '—'}
        </a>
      </h2>
      <p class="entry-meta">
        <a href={`/sources/${item.sourceId}`} class="entry-source">
          {sourceName({ title: item.sourceTitle })}
        </a>
        <span aria-hidden="true"> · </span>
        <TimeAgo ctx={ctx} at={item.publishedAt} estimated={item.dateEstimated} />
        {item.score !== undefined && (
          <>
            <span aria-hidden="true"> · </span>
            <span class="score">{t('score', { s: item.score.toFixed(2) })}</span>
          </>
        )}
        {item.starred && (
          <span class="starred-mark" title={t('starred')}>
            {' '}
            ★<span class="visually-hidden">{t('starred')}</span>
          </span>
        )}
      </p>
      {item.summary && <p class="entry-summary">{item.summary}</p>}
      {ctx.canEdit && (
        <div class="entry-actions">
          <ReadToggle ctx={ctx} id={item.id} read={item.read} />
          <StarToggle ctx={ctx} id={item.id} starred={item.starred} />
          {safeHref(item.link) && (
            <a href={safeHref(item.link)} class="btn btn-small btn-quiet" rel="noopener noreferrer" target="_blank">
              {t('openOriginal')}
            </a>
          )}
        </div>
      )}
    </article>
  );
}

export function RiverPage(props: RiverProps) {
  const { ctx, title, items, next, show, scope } = props;
  const { t } = ctx;
  const first = items[0];
  return (
    <Layout ctx={ctx} title={title}>
      <div class="river-head">
        <h1>{title}</h1>
        <div class="river-tools">
          {show && (
            <nav class="segmented" aria-label={t('show')}>
              <a
                href={withQuery(ctx.here, { show: 'unread', before: undefined })}
                aria-current={show === 'unread' ? 'page' : undefined}
              >
                {t('showUnread')}
              </a>
              <a
                href={withQuery(ctx.here, { show: 'all', before: undefined })}
                aria-current={show === 'all' ? 'page' : undefined}
              >
                {t('showAll')}
              </a>
            </nav>
          )}
          {ctx.canEdit && first && (
            <PostForm ctx={ctx} action="/mark-all-read" fields={{ scope, upTo: encodeCursor(first) }}>
              <button type="submit" class="btn" data-mark-all="">
                {t('markAllRead')}
              </button>
            </PostForm>
          )}
        </div>
      </div>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      {props.intro}
      {items.length === 0 ? (
        <p class="empty">{show === 'unread' ? t('emptyUnread') : t('emptyAll')}</p>
      ) : (
        <div class="river" data-river="">
          {items.map((item) => (
            <Entry ctx={ctx} item={item} />
          ))}
        </div>
      )}
      {(next || props.paged) && (
        <nav class="pager" aria-label={t('pageOf')}>
          {props.paged && (
            <a href={withQuery(ctx.here, { before: undefined })} class="btn">
              ↑ {t('newest')}
            </a>
          )}
          {next && (
            <a href={withQuery(ctx.here, { before: encodeCursor(next) })} class="btn" rel="next">
              {t('older')} ↓
            </a>
          )}
        </nav>
      )}
    </Layout>
  );
}
