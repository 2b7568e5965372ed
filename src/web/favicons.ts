import { Hono } from 'hono';
import { fetchFeed } from '../fetch/http.ts';
import { isPrivateHost } from '../fetch/private-address.ts';
import type { SourceRow } from '../store/types.ts';
import type { AppDeps } from './deps.ts';

/**
 * Site icons for the river, the sidebar and the sources pages: `/favicons/<source id>` answers with the icon of the
 * source's site, fetched once per site (then kept in memory) under the media proxy's rules — the address guard on the
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

/** The icon look-up of one app: each site's icon fetched once, then kept in memory. */
function iconLookup(deps: AppDeps): (source: SourceRow | undefined) => Promise<Icon | null> {
  const bySite = new Map<string, Promise<Icon | null>>();

  async function fetchIcon(origin: string): Promise<Icon | null> {
    const url = `${origin}/favicon.ico`;
    const host = new URL(url).hostname;
    const publicOnly = deps.config().server.mediaProxy !== 'allow-private';
    if (publicOnly && isPrivateHost(host)) return null;
    const run = () =>
      fetchFeed(
        { url },
        {
          accept: 'image/avif,image/webp,image/png,image/x-icon,image/*;q=0.8',
          maxBodyBytes: MAX_ICON_BYTES,
          timeoutMs: 10_000,
          publicOnly,
        },
      );
    const fetched = await (deps.hostLimiter ? deps.hostLimiter.run(host, run) : run());
    if (fetched.kind !== 'ok') return null;
    const body = new Uint8Array(fetched.body);
    const type = sniffIconType(body);
    return type ? { type, body } : null;
  }

  function iconFor(origin: string): Promise<Icon | null> {
    let icon = bySite.get(origin);
    if (!icon) {
      if (bySite.size >= MAX_SITES) bySite.delete(bySite.keys().next().value!);
      icon = fetchIcon(origin).catch((err: unknown) => {
        deps.log.debug({ err, origin }, 'favicon fetch failed');
        return null;
      });
      bySite.set(origin, icon);
    }
    return icon;
  }

  return (source) => {
    let origin: string | undefined;
    try {
      origin = source ? new URL(source.siteUrl || source.fetchUrl).origin : undefined;
    } catch {
      origin = undefined;
    }
    return origin && /^https?:/.test(origin) ? iconFor(origin) : Promise.resolve(null);
  };
}

const lookups = new WeakMap<AppDeps, (source: SourceRow | undefined) => Promise<Icon | null>>();

/**
 * The icon of a source's site as `/favicons/<id>` serves it, null where that serves the placeholder. One look-up
 * per app, shared by the route and the sync APIs (Fever's `favicons`): a site's icon is fetched once for both.
 */
export function sourceIcon(deps: AppDeps, source: SourceRow | undefined): Promise<Icon | null> {
  let lookup = lookups.get(deps);
  if (!lookup) {
    lookup = iconLookup(deps);
    lookups.set(deps, lookup);
  }
  return lookup(source);
}

export function faviconRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get('/favicons/:id{[0-9]+}', async (c) => {
    const source = await deps.store.getSource(Number(c.req.param('id')));
    const icon = await sourceIcon(deps, source);
    const headers = {
      'Cache-Control': 'public, max-age=86400',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    };
    if (!icon) return c.body(new Uint8Array(PLACEHOLDER), 200, { ...headers, 'Content-Type': 'image/svg+xml' });
    return c.body(icon.body, 200, { ...headers, 'Content-Type': icon.type });
  });
  return app;
}
