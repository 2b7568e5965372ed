/** Small, well-formed feed documents for tests; every field escaped. */
export interface FeedEntry {
  id: string;
  title: string;
  link?: string;
  date?: string;
  html?: string;
  author?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function rss(title: string, entries: FeedEntry[], extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>${esc(title)}</title><link>https://example.org/</link><description>test feed</description>${extra}
${entries
  .map(
    (e) => `<item><guid isPermaLink="false">${esc(e.id)}</guid><title>${esc(e.title)}</title>
<link>${esc(e.link ?? `https://example.org/${e.id}`)}</link>
<pubDate>${new Date(e.date ?? '2026-11-01T10:00:00Z').toUTCString()}</pubDate>
${e.author ? `<dc:creator>${esc(e.author)}</dc:creator>` : ''}
<description>${esc(e.html ?? `<p>${e.title}</p>`)}</description></item>`,
  )
  .join('\n')}
</channel></rss>`;
}

export function atom(title: string, entries: FeedEntry[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>${esc(title)}</title><id>urn:test:${esc(title)}</id>
<updated>2026-11-01T10:00:00Z</updated><link href="https://example.org/"/>
${entries
  .map(
    (
      e,
    ) => `<entry><id>${esc(e.id)}</id><title>${esc(e.title)}</title><link href="${esc(e.link ?? `https://example.org/${e.id}`)}"/>
<updated>${e.date ?? '2026-11-01T10:00:00Z'}</updated><author><name>${esc(e.author ?? 'Anna')}</name></author>
<content type="html">${esc(e.html ?? `<p>${e.title}</p>`)}</content></entry>`,
  )
  .join('\n')}
</feed>`;
}

export interface EntriesOptions {
  /** Date of the first (newest) entry; each next one is an hour older. Omitted: every entry gets rss()/atom()'s default date. */
  newest?: Date;
  /** Appended to every title (e.g. non-ASCII text that must survive the pipeline). */
  titleSuffix?: string;
  author?: string;
  /** Body HTML per entry; omitted: rss()/atom() make `<p>title</p>`. */
  html?: (prefix: string, index: number) => string;
}

/** `n` entries with ids `prefix-0…` and titles `prefix story 0…`, newest first. */
export function entries(prefix: string, n: number, opts: EntriesOptions = {}): FeedEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const entry: FeedEntry = { id: `${prefix}-${i}`, title: `${prefix} story ${i}${opts.titleSuffix ?? ''}` };
    if (opts.newest) entry.date = new Date(opts.newest.getTime() - i * 3_600_000).toISOString();
    if (opts.author) entry.author = opts.author;
    if (opts.html) entry.html = opts.html(prefix, i);
    return entry;
  });
}

/** The `n` entries of source number `source` in multi-source runs: `s{source}-item-{k}`, a minute apart. */
export function sourceEntries(source: number, n: number): FeedEntry[] {
  return Array.from({ length: n }, (_, k) => ({
    id: `s${source}-item-${k}`,
    title: `Source ${source} item ${k}`,
    date: new Date(Date.UTC(2026, 10, 20, 12, k)).toISOString(),
  }));
}
