import { MessagePage } from '../../../views/pages.tsx';
import { renderPage, type ViewCtxFactory, type WebContext } from '../request-context.ts';

export function notFoundPage(c: WebContext, viewCtx: ViewCtxFactory) {
  const t = c.var.t;
  return renderPage(c, MessagePage({ ctx: viewCtx(c, 'other'), title: t('notFound'), text: t('notFoundText') }), 404);
}

/** 403 as a page for forms, as JSON for app.js. */
export function forbidden(c: WebContext, viewCtx: ViewCtxFactory, text: string) {
  if (wantsJson(c)) return c.json({ ok: false, error: text }, 403);
  return renderPage(c, MessagePage({ ctx: viewCtx(c, 'other'), title: c.var.t('forbidden'), text }), 403);
}

export function wantsJson(c: WebContext): boolean {
  return (c.req.header('accept') ?? '').includes('application/json');
}
