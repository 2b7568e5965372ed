import { escapeHtml } from '../../../lib/html-escape.ts';
import { removeXmlIllegalChars } from '../../../lib/xml-chars.ts';
import type { ItemWithSource } from '../../../store/types.ts';
import { feedId, labelId, longItemId, STATE } from './ids.ts';

/** The states and labels an item carries, as stream ids (reading-list, its category, read or fresh, starred). */
function itemCategories(item: ItemWithSource): string[] {
  const out: string[] = [STATE.readingList, labelId(item.sourceCategory)];
  out.push(item.read ? STATE.read : STATE.fresh);
  if (item.starred) out.push(STATE.starred);
  return out;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/** One item as stream/items/contents and stream/contents show it (Google Reader's JSON item). */
export function itemJson(item: ItemWithSource) {
  const link = item.link ?? item.sourceSiteUrl ?? item.sourceUrl;
  return {
    id: longItemId(item.id),
    crawlTimeMsec: String(item.firstSeenAt),
    timestampUsec: String(item.publishedAt * 1000),
    published: seconds(item.publishedAt),
    updated: seconds(item.updatedAt ?? item.publishedAt),
    title: item.title,
    author: item.author ?? '',
    categories: itemCategories(item),
    alternate: [{ href: link, type: 'text/html' }],
    canonical: [{ href: link }],
    summary: { direction: 'ltr', content: item.contentHtml || item.summary },
    origin: { streamId: feedId(item.sourceId), title: item.sourceTitle, htmlUrl: item.sourceSiteUrl ?? item.sourceUrl },
    enclosure: item.enclosures.map((e) => ({
      href: e.url,
      type: e.type ?? 'application/octet-stream',
      ...(e.length ? { length: String(e.length) } : {}),
    })),
  };
}

export function streamJson(
  streamId: string,
  title: string,
  selfUrl: string,
  items: ItemWithSource[],
  continuation: string | undefined,
  now: number,
) {
  return {
    direction: 'ltr',
    id: streamId,
    title,
    self: [{ href: selfUrl }],
    updated: seconds(now),
    items: items.map(itemJson),
    ...(continuation ? { continuation } : {}),
  };
}

const xml = (text: string) => escapeHtml(removeXmlIllegalChars(text));
const iso = (ms: number) => new Date(ms).toISOString();

function category(term: string): string {
  const label = term.slice(term.lastIndexOf('/') + 1);
  return `<category term="${xml(term)}" scheme="http://www.google.com/reader/" label="${xml(label)}"/>`;
}

/**
 * A stream as Google Reader's Atom output (`reader/atom/<stream>`, what newsboat's FeedHQ mode and older clients
 * read): entry ids in the long item form, states as `<category scheme="http://www.google.com/reader/">` (newsboat
 * takes `read`, `fresh` and `kept-unread` from their labels), the continuation in `gr:continuation`.
 */
export function streamAtom(
  streamId: string,
  title: string,
  selfUrl: string,
  items: ItemWithSource[],
  continuation: string | undefined,
  now: number,
): string {
  const entries = items.map((item) => {
    const link = item.link ?? item.sourceSiteUrl ?? item.sourceUrl;
    return [
      `<entry gr:crawl-timestamp-msec="${item.firstSeenAt}">`,
      `<id gr:original-id="${xml(item.guid ?? item.uid)}">${longItemId(item.id)}</id>`,
      ...itemCategories(item).map(category),
      `<title type="html">${xml(item.title)}</title>`,
      `<published>${iso(item.publishedAt)}</published>`,
      `<updated>${iso(item.updatedAt ?? item.publishedAt)}</updated>`,
      `<link rel="alternate" href="${xml(link)}" type="text/html"/>`,
      ...item.enclosures.map(
        (e) => `<link rel="enclosure" href="${xml(e.url)}"${e.type ? ` type="${xml(e.type)}"` : ''}/>`,
      ),
      `<content type="html" xml:base="${xml(link)}">${xml(item.contentHtml || item.summary)}</content>`,
      item.author
        ? `<author><name>${xml(item.author)}</name></author>`
        : '<author><name>(author unknown)</name></author>',
      `<source gr:stream-id="${feedId(item.sourceId)}"><id>tag:google.com,2005:reader/${feedId(item.sourceId)}</id>`,
      `<title type="html">${xml(item.sourceTitle)}</title>`,
      `<link rel="alternate" href="${xml(item.sourceSiteUrl ?? item.sourceUrl)}" type="text/html"/></source>`,
      '</entry>',
    ].join('');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:gr="http://www.google.com/schemas/reader/atom/" gr:dir="ltr">',
    `<id>tag:google.com,2005:reader/${xml(streamId)}</id>`,
    `<title>${xml(title)}</title>`,
    `<link rel="self" href="${xml(selfUrl)}"/>`,
    `<updated>${iso(now)}</updated>`,
    '<generator uri="https://github.com/rundschau">rundschau</generator>',
    continuation ? `<gr:continuation>${xml(continuation)}</gr:continuation>` : '',
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}
