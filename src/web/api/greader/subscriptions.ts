import { appendSources, editConfigFile, updateSourceInText } from '../../../config/edit.ts';
import { ConfigError, formatIssues } from '../../../config/load.ts';
import { changeSource, removeSource, type SourceChange } from '../../../config/source-edit.ts';
import type { ConfigFileAccess } from '../../deps.ts';
import { parseStreamId } from './ids.ts';
import { BadRequest, type Catalog, findFeed } from './streams.ts';

/**
 * subscription/edit and quickadd: every change is an edit of rundschau.yaml (the one place subscriptions live, as
 * with `rundschau add`), then a reload that makes the database follow.
 */

/** The label name of `user/-/label/<name>`, else a BadRequest. */
function labelName(text: string): string {
  const stream = parseStreamId(text);
  if (stream?.kind !== 'label') throw new BadRequest(`not a label: ${text}`);
  return stream.name;
}

/** Runs a config edit; its errors (the file would not load, the file is broken) become BadRequests. */
async function editing<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ConfigError) throw new BadRequest(`rundschau.yaml: ${formatIssues(error.issues)}`);
    throw error;
  }
}

/** Subscribes to the feed at (or behind) `url`; returns its feed URL and title (also when already subscribed). */
export async function subscribe(
  file: ConfigFileAccess,
  input: string,
  title: string | undefined,
  category: string | undefined,
): Promise<{ url: string; title?: string }> {
  if (!/^https?:\/\//i.test(input)) throw new BadRequest(`not an http(s) URL: ${input}`);
  let feed: { url: string; title?: string };
  try {
    feed = await file.resolveFeed(input);
  } catch (error) {
    throw new BadRequest(`cannot subscribe to ${input}: ${(error as Error).message}`);
  }
  await editing(() =>
    appendSources(file.path, [{ url: feed.url, title: title || feed.title, category: category || undefined }]),
  );
  await file.reload();
  return feed;
}

/** `ac=subscribe|unsubscribe|edit` with `s` (one or more), `t` (title), `a`/`r` (labels: the category). */
export async function editSubscriptions(file: ConfigFileAccess, catalog: Catalog, params: URLSearchParams) {
  const action = params.get('ac');
  const streams = params.getAll('s');
  if (streams.length === 0) throw new BadRequest('s (a feed stream id) is required');
  const add = params.get('a');
  const category = add ? labelName(add) : undefined;
  const title = params.get('t')?.trim() || undefined;
  if (action === 'subscribe') {
    for (const s of streams) {
      const stream = parseStreamId(s);
      await subscribe(file, stream?.kind === 'feed' ? stream.ref : s, title, category);
    }
    return;
  }
  const sources = streams.map((s) => {
    const stream = parseStreamId(s);
    const source = stream?.kind === 'feed' ? findFeed(catalog, stream.ref) : undefined;
    if (!source?.inConfig) throw new BadRequest(`no such subscription: ${s}`);
    return source;
  });
  if (action === 'unsubscribe') {
    for (const source of sources) await editing(() => removeSource(file.path, source.configUrl));
  } else if (action === 'edit') {
    const removed = params.get('r');
    for (const source of sources) {
      const change: SourceChange = { title };
      if (category !== undefined) change.category = category;
      // Taken out of its folder without a new one: back to the default category.
      else if (removed && labelName(removed) === source.category) change.category = 'Uncategorized';
      if (change.title === undefined && change.category === undefined) continue;
      await editing(() => changeSource(file.path, source.configUrl, change));
    }
  } else {
    throw new BadRequest(`unknown ac: ${action ?? '(none)'} (subscribe, unsubscribe or edit)`);
  }
  await file.reload();
}

/** The label a tag request names: `s` (a label stream id) or `t` (its name). */
export function tagParam(params: URLSearchParams): string {
  const s = params.get('s');
  if (s) return labelName(s);
  const t = params.get('t')?.trim();
  if (t) return t;
  throw new BadRequest('s (a label stream id) or t (a label name) is required');
}

/**
 * rename-tag and disable-tag: every source of category `from` in rundschau.yaml gets category `to` (rename), or
 * loses its category key (`to` null: no category, the default) — one edit of the file, comments kept — then a reload.
 * A label that is a topic, not a category, is renamed in the topic's own entry by hand: refused here.
 */
export async function recategorise(file: ConfigFileAccess, catalog: Catalog, from: string, to: string | null) {
  const urls = catalog.sources.filter((s) => s.inConfig && s.category === from).map((s) => s.configUrl);
  if (urls.length === 0) {
    const topic = catalog.topics.some((t) => t.title === from || t.slug === from);
    throw new BadRequest(topic ? `${from} is a topic: rename it in rundschau.yaml` : `no such folder: ${from}`);
  }
  if (to !== null && to === from) return;
  await editing(() =>
    editConfigFile(file.path, (text) =>
      urls.reduce((next, url) => updateSourceInText(next, file.path, url, { category: to }), text),
    ),
  );
  await file.reload();
}
