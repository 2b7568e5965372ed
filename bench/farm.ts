/**
 * A farm of generated feeds for benchmarks: `feeds` documents (half RSS 2.0, half Atom), `items` entries of about
 * 2 KB each (~100 KB per feed), ETag + 304 support, spread over `hosts` loopback addresses (127.0.1.x) so that
 * per-host politeness behaves as with real, distinct publishers. Runs in its own process (see startFarm).
 * `teasers`: each entry carries one sentence ending in "…", and its link answers with an article page (~25 KB:
 * navigation, the article of twelve paragraphs, related links, footer) for full-text extraction.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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

function itemHtml(seed: number): string {
  const paragraphs: string[] = [];
  for (let p = 0; p < 4; p++) {
    paragraphs.push(
      `<p>${words(seed + p, 40)} <a href="https://example.com/ref/${seed}/${p}?utm_source=feed">${words(seed * 3 + p, 3)}</a> <strong>${words(seed + 7, 2)}</strong></p>`,
    );
  }
  return paragraphs.join('\n');
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
  for (let i = 0; i < items; i++) {
    const seed = index * 1000 + i;
    const date = new Date(Date.UTC(2026, 10, 20) - (i * 3 + index) * 3_600_000);
    const title = `${words(seed, 6)} ${index}-${i}`;
    const html = teasers ? `<p>${words(seed, 20)} …</p>` : itemHtml(seed);
    entries.push(
      atom
        ? `<entry><id>${base}/item/${i}</id><title>${esc(title)}</title><link href="${base}/item/${i}"/><updated>${date.toISOString()}</updated><author><name>Autor ${i % 7}</name></author><content type="html">${esc(html)}</content></entry>`
        : `<item><guid>${base}/item/${i}</guid><title>${esc(title)}</title><link>${base}/item/${i}</link><pubDate>${date.toUTCString()}</pubDate><description><![CDATA[${html}]]></description></item>`,
    );
  }
  return atom
    ? `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Farm feed ${index}</title><id>${base}</id><updated>2026-11-20T00:00:00Z</updated><link href="${base}"/>\n${entries.join('\n')}\n</feed>`
    : `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Farm feed ${index}</title><link>${base}</link><description>generated</description>\n${entries.join('\n')}\n</channel></rss>`;
}

export function hostOfFeed(index: number, hosts: number): string {
  return `127.0.1.${(index % hosts) + 1}`;
}

/**
 * Serves the farm in this process; returns when every host listens. Besides the feeds, every host answers
 * `GET /__stats` (JSON: requests per feed path, most requests in flight at once per host and in all), `POST /__reset`
 * (zeroes both) and `POST /__bump/<i>` (feed i gains a new first entry and a new ETag): what the scale test reads.
 */
export async function serveFarm(opts: FarmOptions, askedPort: number): Promise<{ servers: Server[]; port: number }> {
  // Port 0: the first host's free port, then the same port on the other addresses.
  let port = askedPort;
  const bodies = new Map<string, Buffer>();
  const versions = new Map<string, number>();
  const requests = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  let inFlightTotal = 0;
  let maxInFlightTotal = 0;
  // The time-weighted mean of requests in flight, from the first request after a reset to the last one's end.
  let firstStartAt: number | undefined;
  let lastChangeAt = 0;
  let lastFinishAt = 0;
  let inFlightArea = 0;
  const inFlightChanges = (delta: number) => {
    const now = performance.now();
    firstStartAt ??= now;
    inFlightArea += inFlightTotal * (now - lastChangeAt);
    lastChangeAt = now;
    inFlightTotal += delta;
    if (delta < 0) lastFinishAt = now;
  };
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
          meanInFlight:
            firstStartAt === undefined || lastFinishAt <= firstStartAt
              ? 0
              : Number((inFlightArea / (lastFinishAt - firstStartAt)).toFixed(2)),
        }),
      );
      return true;
    }
    if (url === '/__reset' && req.method === 'POST') {
      requests.clear();
      maxInFlight.clear();
      maxInFlightTotal = inFlightTotal;
      firstStartAt = undefined;
      lastChangeAt = performance.now();
      inFlightArea = 0;
      lastFinishAt = 0;
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
      inFlightChanges(1);
      maxInFlightTotal = Math.max(maxInFlightTotal, inFlightTotal);
      requests.set(req.url ?? '', (requests.get(req.url ?? '') ?? 0) + 1);
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        inFlight.set(address, (inFlight.get(address) ?? 1) - 1);
        inFlightChanges(-1);
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
        const etag = `"v${versions.get(req.url ?? '') ?? 1}-${req.url}"`;
        if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
        res
          .writeHead(200, { 'content-type': 'application/xml; charset=utf-8', etag, 'content-length': body.length })
          .end(body);
      };
      if (opts.latencyMs > 0) setTimeout(respond, opts.latencyMs);
      else respond();
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => resolve());
    });
    if (port === 0) port = (server.address() as AddressInfo).port;
    servers.push(server);
  }
  // Generated once, before the first request: the farm's CPU during a cycle is only serving.
  for (let i = 0; i < opts.feeds; i++)
    bodies.set(
      `/feed/${i}`,
      Buffer.from(feedDocument(i, opts.items, `${hostOfFeed(i, opts.hosts)}:${port}`, opts.teasers)),
    );
  return { servers, port };
}

// As a child process: `farm.ts FEEDS ITEMS HOSTS LATENCY PORT` prints "ready PORT" once listening (PORT 0: a free one).
if (process.argv[1]?.endsWith('farm.ts')) {
  const [feeds, items, hosts, latencyMs, askedPort, teasers] = process.argv.slice(2).map(Number);
  const { port } = await serveFarm(
    { feeds: feeds!, items: items!, hosts: hosts!, latencyMs: latencyMs!, teasers: teasers === 1 },
    askedPort!,
  );
  process.stdout.write(`ready ${port}\n`);
}
