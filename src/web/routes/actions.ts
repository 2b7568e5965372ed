import { Hono, type MiddlewareHandler } from 'hono';
import { paths, type Scope, safeLocalPath } from '../../lib/links.ts';
import type { CountStore, ItemFilter, ItemStore, TopicDecision, TopicStore } from '../../store/types.ts';
import type { DepsWith } from '../deps.ts';
import { setUndoFlash, type WebContext, type WebEnv } from '../request-context.ts';
import { wantsJson } from './errors.ts';

async function formField(c: WebContext, name: string): Promise<string | undefined> {
  const body = await c.req.parseBody();
  const v = body[name];
  return typeof v === 'string' ? v : undefined;
}

/** Only editors change state: everyone without a configured password, the logged-in user otherwise. */
export function requireEditor(): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    if (c.var.canEdit) return next();
    if (wantsJson(c)) return c.json({ ok: false, error: c.var.t('loginRequired') }, 401);
    const back = safeLocalPath(await formField(c, 'back'));
    return c.redirect(paths.login(back), 303);
  };
}

/** What the actions change and report: read and starred state, topic decisions, and the unread counts after. */
export type ActionStore = Pick<ItemStore, 'setRead' | 'changeRead' | 'setStarred' | 'markStoryRead'> &
  Pick<TopicStore, 'setTopicDecision'> &
  CountStore;
type ActionDeps = DepsWith<ActionStore>;

/** JSON for app.js, with the new unread counts (the sidebar follows without a reload); else back to the page. */
async function done(c: WebContext, result: Record<string, unknown>, deps: ActionDeps) {
  if (wantsJson(c)) return c.json({ ok: true, ...result, counts: await deps.store.unreadCounts() });
  return c.redirect(safeLocalPath(await formField(c, 'back')), 303);
}

/** More than a river page ever shows: a bound on what one form may ask for. */
const MAX_IDS = 500;

/** `"3,5,8"` → `[3, 5, 8]`; undefined when empty, malformed or too long. */
export function idList(text: string | undefined): number[] | undefined {
  if (!text || !/^\d{1,16}(,\d{1,16})*$/.test(text)) return undefined;
  const ids = [...new Set(text.split(',').map(Number))];
  return ids.length <= MAX_IDS ? ids : undefined;
}

/** The items of a scope (see lib/links.ts) as a store filter. */
export function scopeFilter(scope: Scope): ItemFilter {
  switch (scope.kind) {
    case 'all':
      return {};
    case 'starred':
      return { starredOnly: true };
    case 'source':
      return { sourceId: scope.id };
    case 'category':
      return { category: scope.name };
    case 'topic':
      return { topic: scope.slug };
  }
}

const DECISIONS = new Set<TopicDecision>(['auto', 'pinned', 'excluded']);

export function actionRoutes(deps: ActionDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const editor = requireEditor();

  app.post('/items/:id{[0-9]+}/read', editor, async (c) => {
    const id = Number(c.req.param('id'));
    const read = (await formField(c, 'read')) !== '0';
    const changed = await deps.store.setRead([id], read);
    return done(c, { id, read, changed }, deps);
  });

  // A story's card in the river: its read toggle marks every report of the story.
  app.post('/items/:id{[0-9]+}/story/read', editor, async (c) => {
    const id = Number(c.req.param('id'));
    const read = (await formField(c, 'read')) !== '0';
    const ids = await deps.store.markStoryRead([id], read);
    return done(c, { id, read, changed: ids.length, ids }, deps);
  });

  app.post('/items/:id{[0-9]+}/star', editor, async (c) => {
    const id = Number(c.req.param('id'));
    const starred = (await formField(c, 'starred')) !== '0';
    await deps.store.setStarred(id, starred);
    return done(c, { id, starred }, deps);
  });

  // Synchronous: the page comes back with the article (or why not); both with and without JavaScript a plain form.
  app.post('/items/:id{[0-9]+}/full-text', editor, async (c) => {
    const id = Number(c.req.param('id'));
    if (!deps.loadFullText) return c.text('full-text extraction is not available here', 404);
    const outcome = await deps.loadFullText(id);
    if (!outcome) return c.text('no such item', 404);
    return done(c, { id, status: outcome.status, reason: outcome.status === 'done' ? null : outcome.reason }, deps);
  });

  // "Mark all shown as read" sends the ids the page showed: exactly those, never an item that arrived (or was
  // back-dated into the river) after the page was rendered, nor the older pages. The ones it changed can be undone.
  app.post('/mark-all-read', editor, async (c) => {
    const ids = idList(await formField(c, 'ids'));
    if (!ids) return c.text(`ids: expected up to ${MAX_IDS} item ids separated by commas`, 400);
    const marked = await deps.store.changeRead(ids, true);
    if (marked.length > 0) setUndoFlash(c, marked);
    return done(c, { marked: marked.length, ids: marked }, deps);
  });

  app.post('/mark-all-read/undo', editor, async (c) => {
    const ids = idList(await formField(c, 'ids'));
    if (!ids) return c.text(`ids: expected up to ${MAX_IDS} item ids separated by commas`, 400);
    const unmarked = await deps.store.changeRead(ids, false);
    return done(c, { unmarked: unmarked.length, ids: unmarked }, deps);
  });

  app.post('/items/:id{[0-9]+}/topics/:slug', editor, async (c) => {
    const id = Number(c.req.param('id'));
    const slug = c.req.param('slug');
    const decision = (await formField(c, 'decision')) as TopicDecision;
    if (!DECISIONS.has(decision)) return c.text('bad decision', 400);
    await deps.store.setTopicDecision(slug, id, decision, deps.now?.());
    // Re-learning may take a while: the editor gets the page back at once.
    deps.onTopicDecision?.(slug, id).catch((err) => deps.log.error({ err, slug, id }, 'topic re-scoring failed'));
    return done(c, { id, slug, decision }, deps);
  });

  return app;
}
