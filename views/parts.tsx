/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { paths } from '../src/lib/links.ts';
import type { SourceStatus } from '../src/store/types.ts';
import type { ViewCtx } from './context.ts';
import { countBadge, timeAgo, toggleButton } from './strings.ts';

/** The time widget of strings.ts (relative, absolute on hover, "~" when estimated) as a component. */
export function TimeAgo({ ctx, at, estimated }: { ctx: ViewCtx; at: number; estimated?: boolean }) {
  return timeAgo(ctx, at, estimated);
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

/** The read toggle of strings.ts in a form of its own (the river's share one form). */
export function ReadToggle({ ctx, id, read, back }: { ctx: ViewCtx; id: number; read: boolean; back?: string }) {
  return (
    <PostForm ctx={ctx} action={paths.itemRead(id)} back={back}>
      {toggleButton(ctx, 'read', id, read)}
    </PostForm>
  );
}

export function StarToggle({ ctx, id, starred }: { ctx: ViewCtx; id: number; starred: boolean }) {
  return (
    <PostForm ctx={ctx} action={paths.itemStar(id)}>
      {toggleButton(ctx, 'star', id, starred)}
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
  return countBadge(n) || null;
}
