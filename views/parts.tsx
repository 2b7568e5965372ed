/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import type { SourceStatus } from '../src/store/types.ts';
import type { ViewCtx } from './context.ts';
import { absoluteTime, relativeTime } from './i18n.ts';

/**
 * Relative time for reading, absolute on hover, machine-readable for everyone else. An estimated date (the feed gave
 * none) reads "~" before the time and says so on hover.
 */
export function TimeAgo({ ctx, at, estimated }: { ctx: ViewCtx; at: number; estimated?: boolean }) {
  const absolute = absoluteTime(ctx.locale, at);
  return (
    <time
      datetime={new Date(at).toISOString()}
      title={estimated ? `${absolute} (${ctx.t('dateEstimated')})` : absolute}
      class={estimated ? 'estimated' : undefined}
    >
      {estimated ? `~${relativeTime(ctx.locale, at, ctx.now)}` : relativeTime(ctx.locale, at, ctx.now)}
    </time>
  );
}

/** Absolute time that says "never" when absent. */
export function MaybeTime({ ctx, at }: { ctx: ViewCtx; at: number | null | undefined }) {
  if (!at) return <span class="muted">{ctx.t('never')}</span>;
  return <TimeAgo ctx={ctx} at={at} />;
}

/**
 * A POST form with the CSRF token and the way back. Buttons marked `js-read`/`js-star` are sent by app.js with fetch();
 * without JavaScript it is an ordinary form and the server redirects back.
 */
export function PostForm({
  ctx,
  action,
  fields,
  children,
  class: className,
  back,
}: {
  ctx: ViewCtx;
  action: string;
  fields?: Record<string, string>;
  children: Child;
  class?: string;
  /** Where the server redirects to afterwards; this page unless said otherwise. */
  back?: string;
}) {
  return (
    <form method="post" action={action} class={className ?? 'inline-form'}>
      <input type="hidden" name="_csrf" value={ctx.csrfToken} />
      <input type="hidden" name="back" value={back ?? ctx.here} />
      {Object.entries(fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      {children}
    </form>
  );
}

export function ReadToggle({ ctx, id, read, back }: { ctx: ViewCtx; id: number; read: boolean; back?: string }) {
  return (
    <PostForm ctx={ctx} action={`/items/${id}/read`} back={back}>
      <button
        type="submit"
        name="read"
        value={read ? '0' : '1'}
        class="btn btn-small js-read"
        aria-pressed={read ? 'true' : 'false'}
        data-label-on={ctx.t('markUnread')}
        data-label-off={ctx.t('markRead')}
      >
        <span class="btn-label">{read ? ctx.t('markUnread') : ctx.t('markRead')}</span>
      </button>
    </PostForm>
  );
}

export function StarToggle({ ctx, id, starred }: { ctx: ViewCtx; id: number; starred: boolean }) {
  return (
    <PostForm ctx={ctx} action={`/items/${id}/star`}>
      <button
        type="submit"
        name="starred"
        value={starred ? '0' : '1'}
        class="btn btn-small btn-star js-star"
        aria-pressed={starred ? 'true' : 'false'}
        data-label-on={ctx.t('unstar')}
        data-label-off={ctx.t('star')}
      >
        <span aria-hidden="true" class="star-icon">
          {starred ? '★' : '☆'}
        </span>{' '}
        <span class="btn-label">{starred ? ctx.t('unstar') : ctx.t('star')}</span>
      </button>
    </PostForm>
  );
}

const STATUS_CLASS: Record<SourceStatus, string> = {
  new: 'badge badge-new',
  ok: 'badge badge-ok',
  degraded: 'badge badge-warn',
  failing: 'badge badge-bad',
  dead: 'badge badge-dead',
};

export function StatusBadge({ ctx, status }: { ctx: ViewCtx; status: string }) {
  const s = (status in STATUS_CLASS ? status : 'new') as SourceStatus;
  return <span class={STATUS_CLASS[s]}>{ctx.t(`status_${s}`)}</span>;
}

export function Count({ n }: { n: number | undefined }) {
  if (!n) return null;
  return <span class="count">{n > 9999 ? '9999+' : String(n)}</span>;
}
