/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { encodeCursor, itemContext, paths, type Scope, withQuery } from '../src/lib/links.ts';
import type { Cursor } from '../src/store/types.ts';
import type { RiverItem, ViewCtx } from './context.ts';
import { Layout } from './layout.tsx';
import { PostForm } from './parts.tsx';
import { riverHtml } from './strings.ts';

export type { RiverItem } from './context.ts';

export interface RiverProps {
  ctx: ViewCtx;
  title: string;
  items: RiverItem[];
  next?: Cursor;
  /** `unread`/`all` switch; absent for rivers that have no such choice (starred, topics). */
  show?: 'unread' | 'all';
  /** Which list this is: item pages step through it. */
  scope: Scope;
  /** Lists unread items only (what the item page's next/previous then keep to). */
  unreadOnly?: boolean;
  /** Paginated: a `before` is in the URL. */
  paged: boolean;
  /** Rendered between the heading and the list (e.g. a topic's subscribe box). */
  intro?: Child;
  notice?: string;
}

export function RiverPage(props: RiverProps) {
  const { ctx, title, items, next, show, scope } = props;
  const { t } = ctx;
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
          {ctx.canEdit && items.length > 0 && (
            <PostForm
              ctx={ctx}
              action={paths.markAllRead()}
              fields={{ ids: items.flatMap((i) => [i.id, ...(i.also ?? []).map((o) => o.id)]).join(',') }}
            >
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
        riverHtml(ctx, items, itemContext(scope, Boolean(props.unreadOnly)))
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
