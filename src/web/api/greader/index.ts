import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { feedUrlKey } from '../../../lib/url.ts';
import type { AppPassword } from '../../../store/types.ts';
import { attemptCounter } from '../../auth.ts';
import type { AppDeps } from '../../deps.ts';
import { publicOrigin } from '../../request-context.ts';
import { clientIp } from '../../routes/login.ts';
import { checkAppPassword } from '../app-passwords.ts';
import { setItemsRead, setItemsStarred } from '../marking.ts';
import { AppSessions, LOGIN_ATTEMPTS_PER_MINUTE } from '../session.ts';
import { feedId, labelId, parseItemId, parseStreamId, STATE, timestampMs } from './ids.ts';
import { streamAtom, streamJson } from './render.ts';
import {
  BadRequest,
  type Catalog,
  labelFilter,
  loadCatalog,
  requestFilter,
  sourceTitle,
  streamFilter,
  streamRefs,
  streamRefText,
  subscribed,
} from './streams.ts';
import { editSubscriptions, recategorise, subscribe, tagParam } from './subscriptions.ts';

/**
 * The Google Reader API (the sync protocol most feed apps speak: NetNewsWire, Reeder, FeedMe, Read You, newsboat's
 * FeedHQ mode…), at `/api/greader` with the `/accounts/ClientLogin`, `/reader/api/0/…` and `/reader/atom/…` layout
 * below it; the same paths at the site root too, for apps that ignore a base path. Apps log in with app passwords
 * (`rundschau app-password add NAME`). GETs carry `Authorization: GoogleLogin auth=…`; state-changing POSTs the
 * edit token `T` (no cookies, so no CSRF; a stale `T` is a 401 with X-Reader-Google-Bad-Token).
 */

const BASE = '/api/greader';
const IDS_CAP = 10_000;
/** An itemRef of stream/items/ids: the decimal id and the published time in µs (its ms with 000 after them). */
const ITEM_REF_FORMAT = { before: '{"id":"', between: '","timestampUsec":"', after: '000"}', separator: ',' };
const CONTENTS_CAP = 1_000;

interface Env {
  Variables: { params: URLSearchParams; user: AppPassword };
}
type Ctx = Context<Env>;

export function greaderRoutes(deps: AppDeps): Hono {
  const now = () => deps.now?.() ?? Date.now();
  const sessions = new AppSessions(
    deps.store,
    now,
    () => deps.config().sync.requestsPerMinute,
    attemptCounter(deps.attempts, 'greader-login', LOGIN_ATTEMPTS_PER_MINUTE, 60_000),
  );
  const api = new Hono<Env>();
  const touched = new Map<string, number>();

  api.use('*', bodyLimit({ maxSize: 4 * 1024 * 1024 }));
  // Query and form body as one parameter list (repeated keys kept): clients put T, i, a, r, s in either.
  api.use('*', async (c, next) => {
    // A list of its own: appending to a URL's searchParams re-serialises the URL each time (250 ids: 2 ms).
    const params = new URLSearchParams(new URL(c.req.url).search);
    if (c.req.method === 'POST') {
      const type = c.req.header('content-type') ?? '';
      if (type === '' || type.includes('application/x-www-form-urlencoded') || type.startsWith('text/plain')) {
        for (const [k, v] of new URLSearchParams(await c.req.text())) params.append(k, v);
      } else if (type.includes('multipart/form-data')) {
        for (const [k, v] of (await c.req.formData()).entries()) if (typeof v === 'string') params.append(k, v);
      }
    }
    c.set('params', params);
    await next();
  });
  api.onError((error, c) => {
    if (error instanceof BadRequest) return c.text(error.message, 400);
    deps.log.error({ err: error, path: c.req.path }, 'Google Reader API request failed');
    return c.text('Internal Server Error', 500);
  });

  const login = async (c: Ctx) => {
    const params = c.var.params;
    const ip = clientIp(c as never);
    const wait = await sessions.logins(ip, now());
    if (wait > 0) return c.text('Error=TooManyRequests\n', 429, { 'Retry-After': String(wait) });
    const entry = await checkAppPassword(deps.store, params.get('Email') ?? '', params.get('Passwd') ?? '');
    if (!entry) return c.text('Error=BadAuthentication\n', 401);
    await deps.store.touchAppPassword(entry.name, now());
    const auth = sessions.authToken(entry);
    if (params.get('output') === 'json') return c.json({ SID: auth, LSID: auth, Auth: auth });
    return c.text(`SID=${auth}\nLSID=${auth}\nAuth=${auth}\n`);
  };
  api.post('/accounts/ClientLogin', login);
  api.get('/accounts/ClientLogin', login);

  /** Authenticates a reader request: the GoogleLogin header, or on a POST the edit token; `write` requires `T`. */
  const authenticated =
    (write: boolean) =>
    async (c: Ctx, next: () => Promise<void>): Promise<Response | undefined> => {
      const header = /^GoogleLogin\s+auth=(\S+)/i.exec(c.req.header('authorization') ?? '')?.[1];
      let user = header ? await sessions.checkAuthToken(header) : undefined;
      if (header && !user) return c.text('Unauthorized', 401);
      if (c.req.method === 'POST' && (write || !user)) {
        const edit = await sessions.checkEditToken(c.var.params.get('T') ?? undefined);
        if (edit === 'stale' || (user && user.name !== edit.name)) {
          return c.text('Unauthorized', 401, { 'X-Reader-Google-Bad-Token': 'true' });
        }
        user = edit;
      }
      if (!user) return c.text('Unauthorized', 401);
      const wait = sessions.overLimit(user.name);
      if (wait > 0) return c.text('Too Many Requests', 429, { 'Retry-After': String(wait) });
      const last = touched.get(user.name) ?? 0;
      if (now() - last > 600_000) {
        touched.set(user.name, now());
        await deps.store.touchAppPassword(user.name, now());
      }
      c.set('user', user);
      await next();
      return undefined;
    };

  /** The sources and topics, read only when a stream names a label or feed (states need neither). */
  const catalogFor = (stream: string, params: URLSearchParams): Promise<Catalog> | Catalog => {
    const streams = [stream, ...params.getAll('xt'), ...params.getAll('it')];
    return streams.every((s) => parseStreamId(s)?.kind === 'state')
      ? { sources: [], topics: [] }
      : loadCatalog(deps.store);
  };

  const read = authenticated(false);
  const write = authenticated(true);
  const ok = (c: Ctx) => c.text('OK');

  api.get('/reader/api/0/token', read, (c) => c.text(sessions.editToken(c.var.user)));
  api.get('/reader/api/0/user-info', read, (c) =>
    c.json({ userId: '1', userName: c.var.user.name, userProfileId: '1', userEmail: c.var.user.name }),
  );

  api.get('/reader/api/0/subscription/list', read, async (c) => {
    const catalog = await loadCatalog(deps.store);
    // The site icon the reader shows (web/favicons.ts), public like the published feeds.
    const icons = `${publicOrigin(c as never, deps)}/favicons/`;
    return c.json({
      subscriptions: subscribed(catalog)
        .sort((a, b) => sourceTitle(a).localeCompare(sourceTitle(b)) || a.id - b.id)
        .map((s) => ({
          id: feedId(s.id),
          title: sourceTitle(s),
          categories: [{ id: labelId(s.category), label: s.category, type: 'folder' }],
          url: s.configUrl,
          htmlUrl: s.siteUrl ?? s.configUrl,
          iconUrl: `${icons}${s.id}`,
          firstitemmsec: String(Number(s.createdAt)),
          sortid: s.id.toString(16).padStart(8, '0'),
        })),
    });
  });

  const configFile = () => {
    if (!deps.configFile) throw new BadRequest('subscriptions are read-only here: this server has no config file');
    return deps.configFile;
  };
  api.post('/reader/api/0/subscription/edit', write, async (c) => {
    await editSubscriptions(configFile(), await loadCatalog(deps.store), c.var.params);
    return ok(c);
  });
  api.post('/reader/api/0/subscription/quickadd', write, async (c) => {
    const input = c.var.params.get('quickadd')?.trim() ?? '';
    const query = input.startsWith('feed/') ? input.slice(5) : input;
    const feed = await subscribe(configFile(), query, undefined, undefined).catch((error: unknown) => {
      if (error instanceof BadRequest) return undefined;
      throw error;
    });
    if (!feed) return c.json({ numResults: 0, query });
    const source = (await deps.store.listSources()).find((s) => feedUrlKey(s.configUrl) === feedUrlKey(feed.url));
    if (!source) return c.json({ numResults: 0, query });
    return c.json({ numResults: 1, query, streamId: feedId(source.id), streamName: sourceTitle(source) });
  });

  // A folder renamed (`dest`: its new label) or removed (its feeds to no folder): edits of rundschau.yaml.
  api.post('/reader/api/0/rename-tag', write, async (c) => {
    const params = c.var.params;
    const from = tagParam(params);
    const dest = params.get('dest')?.trim();
    if (!dest) throw new BadRequest('dest (the new label stream id) is required');
    const to = parseStreamId(dest)?.kind === 'label' ? tagParam(new URLSearchParams({ s: dest })) : dest;
    if (to.trim() === '') throw new BadRequest(`not a label name: ${dest}`);
    await recategorise(configFile(), await loadCatalog(deps.store), from, to);
    return ok(c);
  });
  api.post('/reader/api/0/disable-tag', write, async (c) => {
    await recategorise(configFile(), await loadCatalog(deps.store), tagParam(c.var.params), null);
    return ok(c);
  });

  api.get('/reader/api/0/tag/list', read, async (c) => {
    const [catalog, counts, topicCounts] = await Promise.all([
      loadCatalog(deps.store),
      deps.store.unreadCounts(),
      deps.store.topicUnreadCounts(),
    ]);
    const categories = [...new Set(subscribed(catalog).map((s) => s.category))].sort();
    return c.json({
      tags: [
        { id: STATE.starred, type: 'state' },
        ...categories.map((name) => ({
          id: labelId(name),
          label: name,
          type: 'folder',
          unread_count: counts.byCategory[name] ?? 0,
        })),
        ...catalog.topics
          .filter((t) => !categories.includes(t.title))
          .map((t) => ({ id: labelId(t.title), label: t.title, type: 'tag', unread_count: topicCounts[t.slug] ?? 0 })),
      ],
    });
  });

  api.get('/reader/api/0/unread-count', read, async (c) => {
    const [catalog, counts, topicCounts] = await Promise.all([
      loadCatalog(deps.store),
      deps.store.unreadCounts(),
      deps.store.topicUnreadCounts(),
    ]);
    const sources = subscribed(catalog);
    const newest = (ms: number) => String(ms * 1000);
    const byCategory = new Map<string, number>();
    for (const s of sources) byCategory.set(s.category, Math.max(byCategory.get(s.category) ?? 0, s.itemsChangedAt));
    const total = sources.reduce((n, s) => n + (counts.bySource[s.id] ?? 0), 0);
    return c.json({
      max: total,
      unreadcounts: [
        ...sources.map((s) => ({
          id: feedId(s.id),
          count: counts.bySource[s.id] ?? 0,
          newestItemTimestampUsec: newest(s.itemsChangedAt),
        })),
        ...[...byCategory].map(([name, at]) => ({
          id: labelId(name),
          count: counts.byCategory[name] ?? 0,
          newestItemTimestampUsec: newest(at),
        })),
        ...catalog.topics.map((t) => ({
          id: labelId(t.title),
          count: topicCounts[t.slug] ?? 0,
          newestItemTimestampUsec: newest(t.updatedAt),
        })),
        {
          id: STATE.readingList,
          count: total,
          newestItemTimestampUsec: newest(Math.max(0, ...sources.map((s) => s.itemsChangedAt))),
        },
      ],
    });
  });

  const itemIds = async (c: Ctx) => {
    const params = c.var.params;
    const s = params.get('s');
    if (!s) throw new BadRequest('s (a stream id) is required');
    const filter = requestFilter(await catalogFor(s, params), s, params);
    // Up to 10,000 refs, the apps' most frequent large answer: written by the database as one text.
    const page = await streamRefText(deps.store, filter, params, 20, IDS_CAP, ITEM_REF_FORMAT);
    const continuation = page.continuation ? `,"continuation":${JSON.stringify(page.continuation)}` : '';
    return c.body(`{"itemRefs":[${page.text}]${continuation}}`, 200, { 'Content-Type': 'application/json' });
  };
  api.get('/reader/api/0/stream/items/ids', read, itemIds);
  api.post('/reader/api/0/stream/items/ids', read, itemIds);

  const itemContents = async (c: Ctx) => {
    const ids = c.var.params.getAll('i');
    if (ids.length > CONTENTS_CAP) throw new BadRequest(`at most ${CONTENTS_CAP} items per request`);
    const parsed = ids.map((i) => parseItemId(i));
    const bad = ids.filter((_, k) => parsed[k] === undefined);
    if (bad.length > 0) throw new BadRequest(`not item ids: ${bad.slice(0, 5).join(', ')}`);
    const items = await deps.store.getItemsByIds([...new Set(parsed as number[])]);
    return c.json(streamJson(STATE.readingList, 'Reading list', c.req.url, items, undefined, now()));
  };
  api.get('/reader/api/0/stream/items/contents', read, itemContents);
  api.post('/reader/api/0/stream/items/contents', read, itemContents);

  /** A stream's items with contents (`stream/contents/<stream>` or `?s=`, and the Atom output). */
  const streamPage = async (c: Ctx, prefix: string) => {
    const params = c.var.params;
    const path = new URL(c.req.url).pathname;
    const at = path.indexOf(prefix);
    const inPath = at >= 0 ? path.slice(at + prefix.length) : '';
    let stream = params.get('s') ?? STATE.readingList;
    if (inPath) {
      try {
        stream = decodeURIComponent(inPath);
      } catch {
        throw new BadRequest(`stream id is not URL-encoded properly: ${inPath}`);
      }
    }
    // A feed URL in the path may have lost a slash of its `://` on the way.
    stream = stream.replace(/^feed\/(https?):\/(?!\/)/, 'feed/$1://');
    const catalog = await catalogFor(stream, params);
    const filter = requestFilter(catalog, stream, params);
    const page = await streamRefs(deps.store, filter, params, 20, CONTENTS_CAP);
    const items = await deps.store.getItemsByIds(page.refs.map((r) => r.id));
    return { stream, title: streamTitle(catalog, stream), items, continuation: page.continuation };
  };
  const streamContents = async (c: Ctx) => {
    const page = await streamPage(c, '/stream/contents/');
    return c.json(streamJson(page.stream, page.title, c.req.url, page.items, page.continuation, now()));
  };
  api.get('/reader/api/0/stream/contents', read, streamContents);
  api.get('/reader/api/0/stream/contents/*', read, streamContents);
  api.post('/reader/api/0/stream/contents/*', read, streamContents);
  api.get('/reader/atom/*', read, async (c) => {
    const page = await streamPage(c, '/reader/atom/');
    const body = streamAtom(page.stream, page.title, c.req.url, page.items, page.continuation, now());
    return c.body(body, 200, { 'Content-Type': 'application/atom+xml; charset=utf-8' });
  });

  api.post('/reader/api/0/edit-tag', write, async (c) => {
    const params = c.var.params;
    const raw = params.getAll('i');
    const ids = raw.map((i) => parseItemId(i));
    const bad = raw.filter((_, k) => ids[k] === undefined);
    if (bad.length > 0) throw new BadRequest(`not item ids: ${bad.slice(0, 5).join(', ')}`);
    if (ids.length === 0) throw new BadRequest('i (an item id) is required');
    const states = (key: 'a' | 'r') =>
      new Set(
        params.getAll(key).flatMap((t) => {
          const stream = parseStreamId(t);
          return stream?.kind === 'state' ? [stream.state] : [];
        }),
      );
    const added = states('a');
    const removed = states('r');
    const markRead = added.has('read') || (removed.has('kept-unread') && !added.has('kept-unread'));
    const markUnread = removed.has('read') || added.has('kept-unread');
    if (markRead && markUnread) throw new BadRequest('an item cannot be made read and unread at once');
    if (added.has('starred') && removed.has('starred')) throw new BadRequest('starred both added and removed');
    const list = ids as number[];
    if (markRead || markUnread) await setItemsRead(deps, list, markRead);
    if (added.has('starred')) await setItemsStarred(deps, list, true);
    if (removed.has('starred')) await setItemsStarred(deps, list, false);
    return ok(c);
  });

  api.post('/reader/api/0/mark-all-as-read', write, async (c) => {
    const params = c.var.params;
    const s = params.get('s');
    if (!s) throw new BadRequest('s (a stream id) is required');
    const filter = streamFilter(await loadCatalog(deps.store), s);
    const ts = params.get('ts');
    const until = ts ? timestampMs(ts) : undefined;
    if (ts && until === undefined) throw new BadRequest(`ts is not a timestamp: ${ts}`);
    if (filter) await deps.store.markFilterRead(until === undefined ? filter : { ...filter, publishedUntil: until });
    return ok(c);
  });

  api.all('*', (c) => c.text(`Not found: ${c.req.path}`, 404));

  /**
   * Brings each request to the layout above: the base path off, the doubled slash that a base URL ending in `/`
   * gives (newsboat) and a trailing slash away, `/api/0/…` (a base URL given with `/reader`) as `/reader/api/0/…`.
   */
  const outer = new Hono();
  const dispatch = (base: string) => (c: Context) => {
    const url = new URL(c.req.url);
    let path = url.pathname.slice(base.length).replace(/^\/+/, '/');
    if (!path.startsWith('/')) path = `/${path}`;
    if (path.length > 1 && path.endsWith('/') && !path.includes('/stream/contents/')) path = path.slice(0, -1);
    path = path.replace(/^\/reader\/reader\//, '/reader/');
    if (path.startsWith('/api/0/')) path = `/reader${path}`;
    url.pathname = path;
    return api.fetch(new Request(url, c.req.raw), c.env);
  };
  outer.all(BASE, dispatch(BASE));
  outer.all(`${BASE}/*`, dispatch(BASE));
  for (const root of ['/accounts/ClientLogin', '/reader/api/0/*', '/reader/atom/*']) outer.all(root, dispatch(''));
  return outer;
}

function streamTitle(catalog: Catalog, stream: string): string {
  const parsed = parseStreamId(stream);
  if (parsed?.kind === 'label') {
    const filter = labelFilter(catalog, parsed.name);
    return filter?.topic ? (catalog.topics.find((t) => t.slug === filter.topic)?.title ?? parsed.name) : parsed.name;
  }
  if (parsed?.kind === 'feed') {
    const filter = streamFilter(catalog, stream);
    const source = catalog.sources.find((s) => s.id === filter?.sourceId);
    return source ? sourceTitle(source) : stream;
  }
  if (parsed?.kind === 'state') return { starred: 'Starred', read: 'Read' }[parsed.state as string] ?? 'Reading list';
  return stream;
}
