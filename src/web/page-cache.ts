import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'hono';

/**
 * Rendered reader pages kept while nothing they show can have changed, and their ETags.
 *
 * A page is a pure function of the database, the config, who asks (may edit, logged in, login on, locale), the
 * URL, the CSRF token and the clock. The key holds all of them but the token and the clock:
 * - the database through `changeVersion()` (SQLite: any connection's commit, other processes' too, and this
 *   connection's own statements and writes), so a mark read, a star, new items or a config sync shows at once;
 *   where there is no such counter (PostgreSQL) nothing is cached;
 * - the config, the source list, the unread counts and the config-rejected banner by identity (each is a new
 *   object when it changes);
 * - the clock by a 10-second window: relative times ("5 minutes ago") read at most 10 s late, below their minute
 *   precision; an entry ends with its window.
 * The token is the session's and differs per visitor: the page is rendered with a stand-in and kept in pieces,
 * the visitor's token put between them when sent, so all visitors of a page share one rendering.
 */
export const TOKEN_STAND_IN = `csrf${randomBytes(12).toString('hex')}`;

const WINDOW_MS = 10_000;
/** ~90 KB a river page: a few MB at most per process. */
const MAX_ENTRIES = 24;

interface Entry {
  window: number;
  /** The page's bytes between the places of the CSRF token. */
  pieces: Buffer[];
}

const ids = new WeakMap<object, number>();
let nextId = 1;
/** A number per object (0 for none), so the key names which config/list/counts a page was made from. */
function identity(value: object | undefined): number {
  if (value === undefined) return 0;
  let id = ids.get(value);
  if (id === undefined) {
    id = nextId++;
    ids.set(value, id);
  }
  return id;
}

export interface PageKeyParts {
  version: string;
  /** The objects the page was made from besides the database: compared by identity. */
  inputs: (object | undefined)[];
  /** Who asks and how: locale, may edit, logged in, login enabled. */
  viewer: string;
}

export class PageCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  key(c: Context, parts: PageKeyParts): { key: string; window: number } {
    const window = Math.floor(this.now() / WINDOW_MS);
    const inputs = parts.inputs.map(identity).join(',');
    return { key: `${parts.version}|${inputs}|${parts.viewer}|${window}|${c.req.url}`, window };
  }

  /** The ETag of `key`'s page as sent with `token`. */
  etag(key: string, token: string): string {
    return `W/"${createHash('sha1').update(key).update('\0').update(token).digest('base64url').slice(0, 22)}"`;
  }

  get(key: string, window: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.window !== window) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Keeps `html` (rendered with TOKEN_STAND_IN as the token) under `key`. */
  put(key: string, window: number, html: string): Entry {
    const pieces = html.split(TOKEN_STAND_IN).map((piece) => Buffer.from(piece));
    const entry = { window, pieces };
    this.entries.delete(key);
    this.entries.set(key, entry);
    // Oldest first: drop what ended its window, then the oldest beyond the bound.
    for (const [k, e] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && e.window === window) break;
      if (k !== key) this.entries.delete(k);
    }
    return entry;
  }

  /** The page's bytes with `token` in its places. */
  static bytes(entry: Entry, token: string): Buffer {
    if (entry.pieces.length === 1) return entry.pieces[0]!;
    const tokenBytes = Buffer.from(token);
    const list: Buffer[] = [];
    entry.pieces.forEach((piece, i) => {
      if (i > 0) list.push(tokenBytes);
      list.push(piece);
    });
    return Buffer.concat(list);
  }
}
