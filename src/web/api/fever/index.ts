import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ItemFilter, ItemWithSource, SourceRow } from '../../../store/types.ts';
import { attemptCounter } from '../../auth.ts';
import type { AppDeps } from '../../deps.ts';
import { type Icon, sourceIcon } from '../../favicons.ts';
import { clientIp } from '../../routes/login.ts';
import { MAX_ROW_ID, timestampMs } from '../greader/ids.ts';
import { loadCatalog, sourceTitle, subscribed } from '../greader/streams.ts';
import { setItemsRead, setItemsStarred } from '../marking.ts';
import { AppSessions, LOGIN_ATTEMPTS_PER_MINUTE } from '../session.ts';

/**
 * The Fever API (`/api/fever?api`, for apps that speak only Fever: Reeder Classic, Unread, Fiery Feeds…):
 * `api_key = md5("NAME:app-password")`, answers in JSON with integer ids. Groups are categories, with ids hashed from
 * their names (stable, as the protocol needs, with no table of their own); feeds are sources; item ids are row ids.
 */

const PAGE = 50;
const ALL_IDS = 1_000_000;
const ID_LIST = { before: '', after: '', separator: ',' };

/** A category's group id: FNV-1a of its name, positive 31 bits (never 0, which Fever uses for "all"). */
export function groupId(category: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(category)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash & 0x7fffffff || 1;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

function feverItem(item: ItemWithSource) {
  return {
    id: item.id,
    feed_id: item.sourceId,
    title: item.title,
    author: item.author ?? '',
    html: item.contentHtml || item.summary,
    url: item.link ?? item.sourceSiteUrl ?? item.sourceUrl,
    is_saved: item.starred ? 1 : 0,
    is_read: item.read ? 1 : 0,
    created_on_time: seconds(item.publishedAt),
  };
}

function feedsGroups(sources: SourceRow[]) {
  const byGroup = new Map<string, number[]>();
  for (const s of sources) byGroup.set(s.category, [...(byGroup.get(s.category) ?? []), s.id]);
  return [...byGroup].map(([name, ids]) => ({ group_id: groupId(name), feed_ids: ids.join(',') }));
}

/** How long `feeds` and `favicons` wait for site icons not fetched yet (those still coming are in the next answer). */
const ICON_WAIT_MS = 3_000;
const iconData = new WeakMap<Icon, string>();

/**
 * The feeds' icons as far as they are known (the look-up of `/favicons/<id>`, web/favicons.ts): a favicon id per
 * feed with one, and the icons as Fever's `data` (`image/png;base64,…`, which apps prefix with `data:`). Feeds of one
 * site share its icon, under the lowest of their ids. The same in `feeds` and `favicons`, so their ids match.
 */
async function feedIcons(deps: AppDeps, sources: SourceRow[]) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(resolve, ICON_WAIT_MS, null);
  });
  const found = await Promise.all(
    sources.map((s) => Promise.race([sourceIcon(deps, s.id).catch(() => null), late])),
  ).finally(() => clearTimeout(timer));
  const idOf = new Map<Icon, number>();
  sources.forEach((s, k) => {
    const icon = found[k];
    if (icon) idOf.set(icon, Math.min(idOf.get(icon) ?? s.id, s.id));
  });
  const byFeed = new Map<number, number>();
  sources.forEach((s, k) => {
    const icon = found[k];
    if (icon) byFeed.set(s.id, idOf.get(icon)!);
  });
  const favicons = [...idOf].map(([icon, id]) => {
    let data = iconData.get(icon);
    if (data === undefined) {
      data = `${icon.type};base64,${Buffer.from(icon.body).toString('base64')}`;
      iconData.set(icon, data);
    }
    return { id, data };
  });
  return { byFeed, favicons: favicons.sort((a, b) => a.id - b.id) };
}

/** A comma list of positive integers, at most `cap` of them; undefined when it is not one. */
function idList(text: string | undefined, cap: number): number[] | undefined {
  if (text === undefined) return undefined;
  const ids = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (ids.length > cap || !ids.every((s) => /^\d{1,15}$/.test(s))) return undefined;
  return ids.map(Number).filter((id) => id <= MAX_ROW_ID);
}

/** since_id / max_id as a row id bound (absent or not a number: 0; beyond any row id: the largest). */
function rowId(text: string | undefined): number {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? Math.min(n, MAX_ROW_ID) : 0;
}

export function feverRoutes(deps: AppDeps): Hono {
  const now = () => deps.now?.() ?? Date.now();
  const sessions = new AppSessions(
    deps.store,
    now,
    () => deps.config().sync.requestsPerMinute,
    attemptCounter(deps.attempts, 'fever-login', LOGIN_ATTEMPTS_PER_MINUTE, 60_000),
  );
  const app = new Hono();

  const handler = async (c: Context) => {
    // A list of its own: appending to a URL's searchParams re-serialises the URL each time (250 ids: 2 ms).
    const params = new URLSearchParams(new URL(c.req.url).search);
    if (c.req.method === 'POST') {
      const type = c.req.header('content-type') ?? '';
      if (type.includes('multipart/form-data')) {
        for (const [k, v] of (await c.req.formData()).entries()) if (typeof v === 'string') params.append(k, v);
      } else {
        for (const [k, v] of new URLSearchParams(await c.req.text())) params.append(k, v);
      }
    }
    const get = (key: string) => params.get(key) ?? undefined;
    const base: Record<string, unknown> = { api_version: 3, auth: 0 };
    if (!params.has('api')) {
      return c.json(
        { ...base, error: 'the Fever API answers at /api/fever?api (POST api_key=md5("name:password"))' },
        400,
      );
    }
    const ip = clientIp(c as never);
    const user = await sessions.feverUser(get('api_key') ?? '');
    if (!user) {
      const wait = await sessions.logins(ip, now());
      if (wait > 0) return c.json(base, 429, { 'Retry-After': String(wait) });
      // Fever answers a wrong key with 200 and auth 0 (what its apps look for), like the original and Miniflux.
      return c.json(base);
    }
    const wait = sessions.overLimit(user.name);
    if (wait > 0) return c.json(base, 429, { 'Retry-After': String(wait) });

    const catalog = await loadCatalog(deps.store);
    const sources = subscribed(catalog);
    const lastRefreshed = Math.max(0, ...catalog.sources.map((s) => Number(s.lastSuccessAt ?? 0)));
    const out: Record<string, unknown> = { ...base, auth: 1, last_refreshed_on_time: seconds(lastRefreshed) };
    // "1,2,3": written by the database, no object per id (an unread list may hold every item).
    const refIds = async (filter: ItemFilter) =>
      (await deps.store.listItemRefText(filter, ALL_IDS, undefined, { format: ID_LIST })).text;

    // Writes first, so that the lists in the same answer show their effect.
    const mark = get('mark');
    if (mark) {
      const as = get('as');
      const id = Number(get('id'));
      if (
        !Number.isInteger(id) ||
        Math.abs(id) > MAX_ROW_ID ||
        !['read', 'unread', 'saved', 'unsaved'].includes(as ?? '')
      ) {
        return c.json({ ...out, error: 'mark needs an integer id and as=read|unread|saved|unsaved' }, 400);
      }
      if (mark === 'item') {
        if (as === 'read' || as === 'unread') await setItemsRead(deps, [id], as === 'read');
        else await setItemsStarred(deps, [id], as === 'saved');
      } else if (mark === 'feed' || mark === 'group') {
        if (as !== 'read') return c.json({ ...out, error: `a ${mark} can only be marked read` }, 400);
        const before = get('before') ? timestampMs(get('before')) : undefined;
        let filter: ItemFilter | null = {};
        if (mark === 'feed') filter = sources.some((s) => s.id === id) ? { sourceId: id } : null;
        else if (id === -1)
          filter = null; // Sparks: none here.
        else if (id !== 0) {
          const category = [...new Set(sources.map((s) => s.category))].find((name) => groupId(name) === id);
          filter = category === undefined ? null : { category };
        }
        if (filter)
          await deps.store.markFilterRead(before === undefined ? filter : { ...filter, publishedUntil: before });
      } else {
        return c.json({ ...out, error: `unknown mark=${mark} (item, feed or group)` }, 400);
      }
      if (as === 'read' || as === 'unread') out.unread_item_ids = await refIds({ unreadOnly: true });
      else out.saved_item_ids = await refIds({ starredOnly: true });
    }

    if (params.has('groups')) {
      const names = [...new Set(sources.map((s) => s.category))].sort();
      out.groups = names.map((title) => ({ id: groupId(title), title }));
      out.feeds_groups = feedsGroups(sources);
    }
    const icons = params.has('feeds') || params.has('favicons') ? await feedIcons(deps, sources) : undefined;
    if (params.has('feeds')) {
      out.feeds = sources.map((s) => ({
        id: s.id,
        favicon_id: icons?.byFeed.get(s.id) ?? 0,
        title: sourceTitle(s),
        url: s.configUrl,
        site_url: s.siteUrl ?? s.configUrl,
        is_spark: 0,
        last_updated_on_time: seconds(Number(s.lastSuccessAt ?? s.createdAt)),
      }));
      out.feeds_groups = feedsGroups(sources);
    }
    if (params.has('favicons')) out.favicons = icons?.favicons ?? [];
    if (params.has('links')) out.links = [];
    if (params.has('unread_item_ids')) out.unread_item_ids = await refIds({ unreadOnly: true });
    if (params.has('saved_item_ids')) out.saved_item_ids = await refIds({ starredOnly: true });
    if (params.has('items')) {
      out.total_items = catalog.sources.reduce((n, s) => n + s.itemCount, 0);
      const withIds = idList(get('with_ids'), PAGE);
      if (get('with_ids') !== undefined && !withIds) {
        return c.json({ ...out, error: `with_ids takes up to ${PAGE} comma-separated item ids` }, 400);
      }
      const sinceId = get('since_id');
      const maxId = get('max_id');
      let items: ItemWithSource[];
      if (withIds) items = await deps.store.getItemsByIds(withIds);
      else if (maxId !== undefined) {
        // max_id=0 (an empty cache): from the newest.
        items = await deps.store.itemsByIdRange({ before: rowId(maxId) }, PAGE);
      } else items = await deps.store.itemsByIdRange({ after: rowId(sinceId) }, PAGE);
      out.items = items.map(feverItem);
    }
    return c.json(out);
  };

  // Scoped to the API's paths: this app is mounted at '/', so '*' would put every reader request through bodyLimit,
  // whose look at the body turns hono/node-server's light request into a full Request (issue 9: ~4% of a river's CPU).
  app.use('/api/fever*', bodyLimit({ maxSize: 1024 * 1024 }));
  app.all('/api/fever', handler);
  app.all('/api/fever/', handler);
  app.all('/api/fever.php', handler);
  return app;
}
