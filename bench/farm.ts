/**
 * A farm of generated feeds for benchmarks: `feeds` documents (half RSS 2.0, half Atom), `items` entries of about
 * 2.5 KB each (~130 KB per feed) spread over `hosts` loopback addresses (127.0.1.x) so that per-host politeness
 * behaves as with real, distinct publishers (`hosts` 1: every feed on one host, as a single big publisher). Made to
 * match what peers (Miniflux, FreshRSS) were measured on: gzip when the client accepts it, ETag and Last-Modified
 * (either answers 304), RSS items with content:encoded beside a short description and Atom entries with content,
 * holding paragraphs, a figure, lists, a blockquote and code; dates over four weeks in several time zones.
 * Runs in its own process (see startFarm in bench/ingest.ts). `latencyMs` delays every answer.
 * `teasers`: each entry carries one sentence ending in "…", and its link answers with an article page (~25 KB:
 * navigation, the article of twelve paragraphs, related links, footer) for full-text extraction.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

export interface FarmOptions {
  feeds: number;
  items: number;
  hosts: number;
  latencyMs: number;
  teasers?: boolean;
}

// Keywords mixed with function words, so generated text reads to a language detector like real German text.
const WORDS =
  'der die das und ist mit den für von auf cloud rechenzentrum server netzwerk daten europa anbieter kunden software plattform sicherheit update markt umsatz prozent analyse region speicher kubernetes container infrastruktur energie strom kosten preis wachstum quartal bericht entwickler open source'.split(
    ' ',
  );

function words(seed: number, n: number): string {
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out.push(WORDS[x % WORDS.length]!);
  }
  return out.join(' ');
}

/** An article body as news sites write them: paragraphs with links, a figure, a list, a quote, a code sample. */
function itemHtml(seed: number): string {
  const p = (k: number) =>
    `<p>${words(seed + k, 40)} <a href="https://example.com/ref/${seed}/${k}?utm_source=feed">${words(seed * 3 + k, 3)}</a> <strong>${words(seed + 7, 2)}</strong>.</p>`;
  return [
    p(0),
    `<figure><img src="https://cdn.example.com/img/${seed}.jpg" alt="${words(seed + 11, 4)}" width="800" height="450"><figcaption>${words(seed + 12, 8)}</figcaption></figure>`,
    p(1),
    `<ul>${[0, 1, 2].map((k) => `<li>${words(seed + 20 + k, 6)}</li>`).join('')}</ul>`,
    `<blockquote><p>${words(seed + 30, 18)}</p></blockquote>`,
    p(2),
    `<pre><code>kubectl scale deployment/web --replicas=${seed % 9} &amp;&amp; echo "&lt;ok&gt;"</code></pre>`,
    `<ol>${[0, 1].map((k) => `<li><em>${words(seed + 40 + k, 5)}</em></li>`).join('')}</ol>`,
    p(3),
  ].join('\n');
}

/** Publishers' clocks: UTC, central Europe, US east and west, India (half-hour offset), Japan. */
const ZONES = [0, 60, -300, -480, 330, 540];

/** RFC 822 with the zone's offset, as in RSS pubDate ("Tue, 17 Nov 2026 14:00:00 +0100"). */
function rfc822(date: Date, offsetMin: number): string {
  const local = new Date(date.getTime() + offsetMin * 60_000).toUTCString().replace(' GMT', '');
  return `${local} ${offsetMin === 0 ? 'GMT' : zone(offsetMin, '')}`;
}

/** RFC 3339 with the zone's offset, as in Atom ("2026-11-17T14:00:00+01:00"). */
function rfc3339(date: Date, offsetMin: number): string {
  const local = new Date(date.getTime() + offsetMin * 60_000).toISOString().slice(0, 19);
  return `${local}${offsetMin === 0 ? 'Z' : zone(offsetMin, ':')}`;
}

function zone(offsetMin: number, sep: string): string {
  const a = Math.abs(offsetMin);
  return `${offsetMin < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}${sep}${String(a % 60).padStart(2, '0')}`;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The page an entry links to in the teaser farm: an article among the usual furniture of a news site. */
export function articlePage(index: number, item: number): string {
  const seed = index * 1000 + item;
  const nav = Array.from({ length: 30 }, (_, i) => `<li><a href="/section/${i}">${words(i, 2)}</a></li>`).join('');
  const body = Array.from({ length: 12 }, (_, p) => `<p>${words(seed + p * 31, 70)}.</p>`).join('\n');
  const related = Array.from(
    { length: 10 },
    (_, i) => `<li><a href="/feed/${index}/item/${i}">${words(seed + i, 6)}</a></li>`,
  ).join('');
  return `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>${words(seed, 6)}</title>
<script>window.analytics = { id: ${seed} };</script><style>body { font-family: sans-serif }</style></head><body>
<header><a href="/">Farm News</a><nav><ul>${nav}</ul></nav></header>
<main><article><h1>${words(seed, 6)}</h1><p class="byline">Autor ${item % 7}</p>${body}</article>
<aside><h2>Mehr zum Thema</h2><ul>${related}</ul></aside></main>
<footer><p>Impressum · Datenschutz · Kontakt</p></footer></body></html>`;
}

export function feedDocument(index: number, items: number, host: string, teasers = false): string {
  const base = `http://${host}/feed/${index}`;
  const entries: string[] = [];
  const atom = index % 2 === 1;
  const offset = ZONES[index % ZONES.length]!;
  // Newest first; a feed's entries are spread over four weeks (the busiest ones over less), feeds offset by hours.
  const stepMs = Math.max(1, Math.floor((28 * 24) / Math.max(1, items))) * 3_600_000;
  for (let i = 0; i < items; i++) {
    const seed = index * 1000 + i;
    const date = new Date(Date.UTC(2026, 10, 20) - i * stepMs - (index % 240) * 3_600_000);
    const title = `${words(seed, 6)} ${index}-${i}`;
    const html = teasers ? `<p>${words(seed, 20)} …</p>` : itemHtml(seed);
    const summary = `${words(seed + 5, 25)}.`;
    entries.push(
      atom
        ? `<entry><id>${base}/item/${i}</id><title>${esc(title)}</title><link href="${base}/item/${i}"/><published>${rfc3339(date, offset)}</published><updated>${rfc3339(date, offset)}</updated><author><name>Autor ${i % 7}</name></author>${teasers ? '' : `<summary>${esc(summary)}</summary>`}<content type="html">${esc(html)}</content></entry>`
        : teasers
          ? `<item><guid>${base}/item/${i}</guid><title>${esc(title)}</title><link>${base}/item/${i}</link><pubDate>${rfc822(date, offset)}</pubDate><description><![CDATA[${html}]]></description></item>`
          : `<item><guid isPermaLink="false">${base}/item/${i}</guid><title>${esc(title)}</title><link>${base}/item/${i}</link><pubDate>${rfc822(date, offset)}</pubDate><dc:creator>Autor ${i % 7}</dc:creator><category>${words(seed + 9, 1)}</category><description>${esc(summary)}</description><content:encoded><![CDATA[${html}]]></content:encoded></item>`,
    );
  }
  return atom
    ? `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Farm feed ${index}</title><id>${base}</id><updated>2026-11-20T00:00:00Z</updated><link href="${base}"/>\n${entries.join('\n')}\n</feed>`
    : `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Farm feed ${index}</title><link>${base}</link><description>generated</description>\n${entries.join('\n')}\n</channel></rss>`;
}

export function hostOfFeed(index: number, hosts: number): string {
  return `127.0.1.${(index % hosts) + 1}`;
}

/**
 * Serves the farm in this process; returns when every host listens. Besides the feeds, every host answers
 * `GET /__stats` (JSON: requests per feed path, most requests in flight at once per host and in all), `POST /__reset`
 * (zeroes both) and `POST /__bump/<i>` (feed i gains a new first entry and a new ETag): what the scale test reads.
 */
export async function serveFarm(opts: FarmOptions, port: number): Promise<Server[]> {
  // Bodies name their host with the port: with port 0 they are made once the first host has one (below).
  const bodies = new Map<string, Buffer>();
  const versions = new Map<string, number>();
  // Compressed once per version of a feed (as a server's cache would), so the farm's CPU stays out of the figures.
  const gzipped = new Map<string, Buffer>();
  const gzipOf = (path: string, body: Buffer) => {
    let z = gzipped.get(path);
    if (!z) {
      z = gzipSync(body, { level: 6 });
      gzipped.set(path, z);
    }
    return z;
  };
  // Last-Modified: a fixed date per feed, a later one for each bump.
  const modifiedAt = (path: string) =>
    new Date(Date.UTC(2026, 10, 20) + (versions.get(path) ?? 1) * 60_000).toUTCString();
  const requests = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  let inFlightTotal = 0;
  let maxInFlightTotal = 0;
  const servers: Server[] = [];
  const control = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '';
    if (url === '/__stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          requests: Object.fromEntries(requests),
          maxInFlight: Object.fromEntries(maxInFlight),
          maxInFlightTotal,
        }),
      );
      return true;
    }
    if (url === '/__reset' && req.method === 'POST') {
      requests.clear();
      maxInFlight.clear();
      maxInFlightTotal = inFlightTotal;
      res.writeHead(204).end();
      return true;
    }
    const bump = /^\/__bump\/(\d+)$/.exec(url);
    if (bump && req.method === 'POST') {
      const index = Number(bump[1]);
      const path = `/feed/${index}`;
      const version = (versions.get(path) ?? 1) + 1;
      versions.set(path, version);
      const host = `${hostOfFeed(index, opts.hosts)}:${port}`;
      const extra = `<item><guid>http://${host}${path}/bump/${version}</guid><title>Bumped ${index} v${version}</title><link>http://${host}${path}/bump/${version}</link><pubDate>${new Date().toUTCString()}</pubDate><description>bumped</description></item>`;
      // RSS feeds (even indexes) only: the new entry goes first in the channel.
      const body = bodies
        .get(path)!
        .toString()
        .replace('<description>generated</description>\n', (m) => m + extra);
      bodies.set(path, Buffer.from(body));
      gzipped.delete(path);
      res.writeHead(204).end();
      return true;
    }
    return false;
  };
  for (let h = 0; h < opts.hosts; h++) {
    const address = `127.0.1.${h + 1}`;
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/__')) {
        if (!control(req, res)) res.writeHead(404).end();
        return;
      }
      const now = (inFlight.get(address) ?? 0) + 1;
      inFlight.set(address, now);
      if (now > (maxInFlight.get(address) ?? 0)) maxInFlight.set(address, now);
      maxInFlightTotal = Math.max(maxInFlightTotal, ++inFlightTotal);
      requests.set(req.url ?? '', (requests.get(req.url ?? '') ?? 0) + 1);
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        inFlight.set(address, (inFlight.get(address) ?? 1) - 1);
        inFlightTotal--;
      };
      res.once('finish', finish);
      res.once('close', finish);
      const respond = () => {
        const page = opts.teasers ? /^\/feed\/(\d+)\/item\/(\d+)$/.exec(req.url ?? '') : null;
        if (page) {
          const html = Buffer.from(articlePage(Number(page[1]), Number(page[2])));
          return res
            .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': html.length })
            .end(html);
        }
        const body = bodies.get(req.url ?? '');
        if (!body) return res.writeHead(404).end();
        const path = req.url ?? '';
        const etag = `"v${versions.get(path) ?? 1}-${path}"`;
        const lastModified = modifiedAt(path);
        const inm = req.headers['if-none-match'];
        const ims = req.headers['if-modified-since'];
        // As RFC 9110 says: If-None-Match decides when sent, else If-Modified-Since.
        if (inm !== undefined ? inm === etag : ims === lastModified)
          return res.writeHead(304, { etag, 'last-modified': lastModified }).end();
        const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
        const payload = gzip ? gzipOf(path, body) : body;
        res
          .writeHead(200, {
            'content-type': 'application/xml; charset=utf-8',
            etag,
            'last-modified': lastModified,
            vary: 'accept-encoding',
            ...(gzip ? { 'content-encoding': 'gzip' } : {}),
            'content-length': payload.length,
          })
          .end(payload);
      };
      if (opts.latencyMs > 0) setTimeout(respond, opts.latencyMs);
      else respond();
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Port 0: the first host takes a free port, the others (other addresses) the same one.
      server.listen(port, address, () => {
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
    servers.push(server);
  }
  for (let i = 0; i < opts.feeds; i++)
    bodies.set(
      `/feed/${i}`,
      Buffer.from(feedDocument(i, opts.items, `${hostOfFeed(i, opts.hosts)}:${port}`, opts.teasers)),
    );
  return servers;
}

// As a child process: `farm.ts FEEDS ITEMS HOSTS LATENCY PORT [TEASERS]` prints "ready PORT" once listening (PORT 0:
// a free one, the same on every host).
if (process.argv[1]?.endsWith('farm.ts')) {
  const [feeds, items, hosts, latencyMs, port, teasers] = process.argv.slice(2).map(Number);
  const servers = await serveFarm(
    { feeds: feeds!, items: items!, hosts: hosts!, latencyMs: latencyMs!, teasers: teasers === 1 },
    port!,
  );
  process.stdout.write(`ready ${(servers[0]!.address() as AddressInfo).port}\n`);
}
