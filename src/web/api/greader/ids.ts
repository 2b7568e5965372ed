/**
 * Google Reader identifiers. Item ids are the items' row ids (never reused: SQLite AUTOINCREMENT, PostgreSQL
 * serial), written as clients expect them; stream ids name what a list shows.
 */

const LONG_PREFIX = 'tag:google.com,2005:reader/item/';

/** `tag:google.com,2005:reader/item/%016x`, the form item contents and Atom entries carry. */
export function longItemId(id: number): string {
  return `${LONG_PREFIX}${id.toString(16).padStart(16, '0')}`;
}

/**
 * An item id in any of the four forms clients send: the long form (padded or short hex after the prefix), bare
 * 16-digit hex, or decimal (as stream/items/ids answers). Undefined for anything else.
 */
export function parseItemId(text: string): number | undefined {
  const value = text.trim();
  let n: number;
  if (value.startsWith(LONG_PREFIX)) {
    const hex = value.slice(LONG_PREFIX.length);
    if (!/^[0-9a-f]{1,16}$/i.test(hex)) return undefined;
    n = Number.parseInt(hex, 16);
  } else if (/^[0-9a-f]{16}$/i.test(value)) {
    n = Number.parseInt(value, 16);
  } else if (/^\d{1,15}$/.test(value)) {
    n = Number(value);
  } else if (/^-\d{1,19}$/.test(value)) {
    // Some clients read the 64-bit id as signed; a row id is far below 2^63, so this is never an item of ours.
    return undefined;
  } else return undefined;
  // Row ids are 32-bit (PostgreSQL serial): anything larger names no item of ours.
  return Number.isSafeInteger(n) && n > 0 && n <= MAX_ROW_ID ? n : undefined;
}

export const MAX_ROW_ID = 0x7fffffff;

export type StateName = 'reading-list' | 'read' | 'starred' | 'kept-unread' | 'fresh' | 'other';

export type StreamId =
  | { kind: 'state'; state: StateName }
  | { kind: 'label'; name: string }
  | { kind: 'feed'; ref: string };

/** `user/-/state/com.google/…` (or a numeric user id), `user/-/label/<name>`, `feed/<url>` or `feed/<id>`. */
export function parseStreamId(text: string | undefined | null): StreamId | undefined {
  if (!text) return undefined;
  const state = /^user\/(?:-|\d+)\/state\/com\.google\/([^/]+)$/.exec(text);
  if (state) {
    const name = state[1]!;
    const known = ['reading-list', 'read', 'starred', 'kept-unread', 'fresh'];
    return { kind: 'state', state: (known.includes(name) ? name : 'other') as StateName };
  }
  const label = /^user\/(?:-|\d+)\/label\/(.+)$/.exec(text);
  if (label) return { kind: 'label', name: label[1]! };
  if (text.startsWith('feed/') && text.length > 5) return { kind: 'feed', ref: text.slice(5) };
  return undefined;
}

export const STATE = {
  readingList: 'user/-/state/com.google/reading-list',
  read: 'user/-/state/com.google/read',
  starred: 'user/-/state/com.google/starred',
  keptUnread: 'user/-/state/com.google/kept-unread',
  fresh: 'user/-/state/com.google/fresh',
} as const;

export const labelId = (name: string) => `user/-/label/${name}`;
export const feedId = (sourceId: number) => `feed/${sourceId}`;

/** `ts` of mark-all-as-read and Fever's `before`: seconds, milliseconds or microseconds → epoch ms. */
export function timestampMs(text: string | undefined | null): number | undefined {
  if (!text || !/^\d{1,19}$/.test(text.trim())) return undefined;
  const n = Number(text);
  if (n >= 1e14) return Math.floor(n / 1000);
  if (n >= 1e11) return n;
  return n * 1000;
}
