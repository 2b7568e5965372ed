import { createHmac } from 'node:crypto';
import { decodeHTML } from 'entities';
import { Hono } from 'hono';
import { fetchFeed } from '../fetch/http.ts';
import { isPrivateHost } from '../fetch/private-address.ts';
import { escapeHtml } from '../lib/html-escape.ts';
import { tokensEqual } from './auth.ts';
import type { AppDeps } from './deps.ts';

/**
 * The media proxy: images in item content are loaded through the reader's own origin, so reading an article does
 * not tell image hosts (trackers, or a hostile feed) who reads what, and the page can forbid foreign images in its
 * CSP. Only URLs this process signed are fetched, so the proxy cannot be used to reach arbitrary addresses.
 */
const MAX_IMAGE_BYTES = 8 * 1024 * 1024;

function signature(url: string, secret: string): string {
  return createHmac('sha256', secret).update(`media:${url}`).digest('base64url').slice(0, 22);
}

export function mediaUrl(url: string, secret: string): string {
  return `/media?u=${encodeURIComponent(url)}&s=${signature(url, secret)}`;
}

const MEDIA_ATTRIBUTE = /(<(?:img|video)\b[^>]*?\s(?:src|poster)=")(https?:\/\/[^"]+)(")/gi;

/** Points the images of sanitised HTML (as the ingest sanitiser writes it: double-quoted attributes) at the proxy. */
export function proxyMediaInHtml(html: string, secret: string): string {
  return html.replace(MEDIA_ATTRIBUTE, (_, before: string, url: string, after: string) => {
    return `${before}${escapeHtml(mediaUrl(decodeHTML(url), secret))}${after}`;
  });
}

export function mediaRoutes(deps: Pick<AppDeps, 'config'>, secret: string): Hono {
  const app = new Hono();
  app.get('/media', async (c) => {
    const url = c.req.query('u') ?? '';
    if (!tokensEqual(c.req.query('s'), signature(url, secret))) return c.text('bad signature', 403);
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return c.text('bad url', 400);
    }
    const publicOnly = deps.config().server.mediaProxy !== 'allow-private';
    if (!/^https?:$/.test(target.protocol) || (publicOnly && isPrivateHost(target.hostname))) {
      return c.text('not proxied', 403);
    }
    const fetched = await fetchFeed(
      { url },
      {
        accept: 'image/avif,image/webp,image/png,image/jpeg,image/gif,image/*;q=0.8',
        maxBodyBytes: MAX_IMAGE_BYTES,
        timeoutMs: 15_000,
        // Redirects and DNS are checked too: the signature only says the URL was in a feed, and feeds can be hostile.
        publicOnly,
      },
    );
    if (fetched.kind !== 'ok') return c.text('not available', 502);
    const type = (fetched.contentType ?? '').split(';')[0]!.trim().toLowerCase();
    // SVG can carry script when opened on its own: only raster formats pass.
    if (!type.startsWith('image/') || type.includes('svg')) return c.text('not an image', 415);
    return c.body(new Uint8Array(fetched.body), 200, {
      'Content-Type': type,
      'Cache-Control': 'public, max-age=604800, immutable',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'X-Content-Type-Options': 'nosniff',
    });
  });
  return app;
}
