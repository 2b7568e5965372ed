import { Hono } from 'hono';
import type { Dispatcher } from 'undici';
import { fetchFeed } from '../fetch/http.ts';
import { isPrivateHost } from '../fetch/private-address.ts';
import type { AppDeps } from './deps.ts';

/**
 * Site icons for the river, the sidebar and the sources pages: `/favicons/<source id>` answers with the icon of the
 * source's site, fetched once per site (then kept in the database: class Favicons) under the media proxy's rules — the address guard on the
 * URL, its DNS answers and redirects, a size cap, raster images only — and through the host politeness limiter when
 * the process has one. A site without a usable icon gets a neutral placeholder, so the page never shows a broken image.
 */
const MAX_ICON_BYTES = 100 * 1024;
const MAX_SITES = 5000;

const PLACEHOLDER = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1" y="1" width="14" height="14" rx="3" fill="#9a948b" opacity=".45"/></svg>',
);

export interface Icon {
  type: string;
  body: Uint8Array<ArrayBuffer>;
}

/** The image type from the first bytes (servers often answer favicon.ico as text/plain or octet-stream). */
export function sniffIconType(bytes: Uint8Array): string | undefined {
  const b = (i: number) => bytes[i];
  if (b(0) === 0 && b(1) === 0 && (b(2) === 1 || b(2) === 2) && b(3) === 0) return 'image/x-icon';
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return 'image/png';
  if (b(0) === 0x47 && b(1) === 0x49 && b(2) === 0x46) return 'image/gif';
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'image/jpeg';
  if (b(0) === 0x52 && b(1) === 0x49 && b(2) === 0x46 && b(3) === 0x46 && b(8) === 0x57 && b(9) === 0x45)
    return 'image/webp';
  return undefined;
}

/** How long a stored icon is used before it is fetched again, and how long "this site has none" is believed. */
export const ICON_MAX_AGE_MS = 30 * 86_400_000;
export const MISSING_ICON_MAX_AGE_MS = 86_400_000;

export interface FaviconOptions {
  /** Tests: the HTTP agent for the first hop (redirects still go through the guarded one). */
  dispatcher?: Dispatcher;
}

/**
 * The site icons of one process: an in-memory layer (one fetch in flight per site) over the store's `site_icons`
 * (one fetch per site across restarts and every process on the database, until ICON_MAX_AGE_MS; a site without an
 * icon is asked again after MISSING_ICON_MAX_AGE_MS). Fetched under the media proxy's rules: the address guard on the
 * URL, its DNS answers, the connected socket and every redirect; a size cap; raster images only; the host
 * politeness limiter when the process has one.
 */
export class Favicons {
  private readonly memory = new Map<string, { at: number; icon: Promise<Icon | null> }>();

  constructor(
    private readonly deps: Pick<AppDeps, 'store' | 'config' | 'log' | 'hostLimiter' | 'now'>,
    private readonly opts: FaviconOptions = {},
  ) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** The icon of a source's site (its site URL, else its feed URL); null when there is none (or no such source). */
  async forSource(sourceId: number): Promise<Icon | null> {
    const source = await this.deps.store.getSource(sourceId);
    if (!source) return null;
    let origin: string;
    try {
      origin = new URL(source.siteUrl || source.fetchUrl).origin;
    } catch {
      return null;
    }
    return /^https?:/.test(origin) ? this.forOrigin(origin) : null;
  }

  forOrigin(origin: string): Promise<Icon | null> {
    const now = this.now();
    const known = this.memory.get(origin);
    if (known && now - known.at < MISSING_ICON_MAX_AGE_MS) return known.icon;
    if (this.memory.size >= MAX_SITES) this.memory.delete(this.memory.keys().next().value!);
    const icon = this.load(origin, now).catch((err: unknown) => {
      this.deps.log.debug({ err, origin }, 'favicon lookup failed');
      this.memory.delete(origin);
      return null;
    });
    this.memory.set(origin, { at: now, icon });
    return icon;
  }

  private async load(origin: string, now: number): Promise<Icon | null> {
    const stored = await this.deps.store.siteIcon(origin);
    if (stored) {
      const maxAge = stored.body ? ICON_MAX_AGE_MS : MISSING_ICON_MAX_AGE_MS;
      if (now - stored.fetchedAt < maxAge) return stored.body ? { type: stored.contentType!, body: stored.body } : null;
    }
    const fetched = await this.fetchIcon(origin);
    // Refused by the address guard as configured: nothing is stored (allowing private media later makes it work).
    if (fetched === 'refused') return null;
    // A site that answers nothing usable this time keeps the icon it had.
    const icon = fetched ?? (stored?.body ? { type: stored.contentType!, body: stored.body } : null);
    await this.deps.store.saveSiteIcon(origin, icon && { contentType: icon.type, body: icon.body }, now);
    return icon;
  }

  private async fetchIcon(origin: string): Promise<Icon | null | 'refused'> {
    const url = `${origin}/favicon.ico`;
    const host = new URL(url).hostname;
    const publicOnly = this.deps.config().server.mediaProxy !== 'allow-private';
    if (publicOnly && isPrivateHost(host)) return 'refused';
    const run = () =>
      fetchFeed(
        { url },
        {
          accept: 'image/avif,image/webp,image/png,image/x-icon,image/*;q=0.8',
          maxBodyBytes: MAX_ICON_BYTES,
          timeoutMs: 10_000,
          publicOnly,
          dispatcher: this.opts.dispatcher,
        },
      );
    const fetched = await (this.deps.hostLimiter ? this.deps.hostLimiter.run(host, run) : run());
    // Not there, not an image, or refused on the way (a redirect or DNS answer to a private address): none.
    if (fetched.kind !== 'ok') return null;
    const body = new Uint8Array(fetched.body);
    const type = sniffIconType(body);
    return type ? { type, body } : null;
  }
}

const shared = new WeakMap<object, Favicons>();

/** The process's Favicons for these deps (the reader's routes and the sync APIs share one cache). */
export function faviconsFor(deps: ConstructorParameters<typeof Favicons>[0], opts?: FaviconOptions): Favicons {
  let favicons = shared.get(deps);
  if (!favicons) {
    favicons = new Favicons(deps, opts);
    shared.set(deps, favicons);
  }
  return favicons;
}

/** The icon bytes and type of a source's site (e.g. for the Fever API's favicons); null when it has none. */
export function sourceIcon(deps: ConstructorParameters<typeof Favicons>[0], sourceId: number): Promise<Icon | null> {
  return faviconsFor(deps).forSource(sourceId);
}

/** The neutral placeholder the pages show for a site without an icon (SVG). */
export const PLACEHOLDER_ICON: { type: string; body: Uint8Array<ArrayBuffer> } = {
  type: 'image/svg+xml',
  body: new Uint8Array(PLACEHOLDER),
};

/** `/favicons/<source id>`: the icon, else the placeholder; cached by browsers for a day. */
export function faviconRoutes(deps: AppDeps, favicons: Favicons = faviconsFor(deps)): Hono {
  const app = new Hono();
  app.get('/favicons/:id{[0-9]+}', async (c) => {
    const icon = await favicons.forSource(Number(c.req.param('id')));
    const headers = {
      'Cache-Control': 'public, max-age=86400',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    };
    if (!icon) return c.body(PLACEHOLDER_ICON.body, 200, { ...headers, 'Content-Type': PLACEHOLDER_ICON.type });
    return c.body(icon.body, 200, { ...headers, 'Content-Type': icon.type });
  });
  return app;
}
