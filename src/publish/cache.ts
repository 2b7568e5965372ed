/** A rendered feed document, kept with its gzip form so a cache hit costs no compression. */
export interface CachedFeed {
  body: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
  lastModifiedMs: number;
}

export interface FeedCacheOptions {
  maxEntries?: number;
  maxBytes?: number;
  /** Told of every render asked of the cache: served from it (`hit`, also when joining a render in flight) or not. */
  onLookup?: (result: 'hit' | 'miss') => void;
}

/**
 * Bounded LRU of rendered feeds keyed by ETag. Entries are grouped by feed (a topic, a category, everything):
 * when a group's stamp (topic version, newest item) changes, the group's older entries are dropped at once.
 */
export class FeedCache {
  private readonly entries = new Map<string, { group: string; value: CachedFeed }>();
  private readonly stamps = new Map<string, string>();
  private readonly pending = new Map<string, Promise<CachedFeed>>();
  private bytes = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly onLookup: (result: 'hit' | 'miss') => void;

  constructor(options: FeedCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 500;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.onLookup = options.onLookup ?? (() => {});
  }

  get size(): number {
    return this.entries.size;
  }

  /** Bytes held (plain and gzip bodies). */
  get byteSize(): number {
    return this.bytes;
  }

  get(key: string): CachedFeed | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.value;
  }

  /** The cached entry, or the one `render` makes; concurrent misses for one key render once. */
  async getOrRender(key: string, group: string, stamp: string, render: () => Promise<CachedFeed>): Promise<CachedFeed> {
    const hit = this.get(key) ?? this.pending.get(key);
    this.onLookup(hit ? 'hit' : 'miss');
    if (hit) return hit;
    const promise = render()
      .then((value) => {
        this.set(key, group, stamp, value);
        return value;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, promise);
    return promise;
  }

  set(key: string, group: string, stamp: string, value: CachedFeed): void {
    if (this.stamps.get(group) !== stamp) {
      this.dropGroup(group);
      this.stamps.set(group, stamp);
    }
    this.delete(key);
    const size = value.body.length + value.gzip.length;
    if (size > this.maxBytes) return;
    this.entries.set(key, { group, value });
    this.bytes += size;
    while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
  }

  private dropGroup(group: string): void {
    for (const [key, entry] of this.entries) if (entry.group === group) this.delete(key);
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.bytes -= entry.value.body.length + entry.value.gzip.length;
    this.entries.delete(key);
  }
}
