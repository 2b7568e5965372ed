import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { fromRoot } from '../lib/paths.ts';

/**
 * The reader's static files, read once at start. URLs carry a content hash so they can be cached for a year
 * and still change the moment the file does; the unhashed names answer too, without long caching.
 */

interface Asset {
  body: Buffer;
  type: string;
  hash: string;
}

const FILES: Record<string, string> = {
  'app.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'icon.svg': 'image/svg+xml',
};

export interface AssetUrls {
  css: string;
  js: string;
  icon: string;
}

export function loadAssets(): { urls: AssetUrls; routes: Hono } {
  const assets = new Map<string, Asset>();
  for (const [name, type] of Object.entries(FILES)) {
    const body = readFileSync(fromRoot('src', 'web', 'assets', name));
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    assets.set(name, { body, type, hash });
  }
  const hashedName = (name: string) => {
    const a = assets.get(name)!;
    const dot = name.lastIndexOf('.');
    return `${name.slice(0, dot)}.${a.hash}${name.slice(dot)}`;
  };
  const byUrlName = new Map<string, { asset: Asset; immutable: boolean }>();
  for (const [name, asset] of assets) {
    byUrlName.set(name, { asset, immutable: false });
    byUrlName.set(hashedName(name), { asset, immutable: true });
  }

  const routes = new Hono();
  routes.get('/assets/:name', (c) => {
    const found = byUrlName.get(c.req.param('name'));
    if (!found) return c.notFound();
    const etag = `"${found.asset.hash}"`;
    c.header('Cache-Control', found.immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    c.header('ETag', etag);
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    c.header('Content-Type', found.asset.type);
    return c.body(new Uint8Array(found.asset.body));
  });
  routes.get('/favicon.ico', (c) => c.redirect(`/assets/${hashedName('icon.svg')}`, 301));

  return {
    urls: {
      css: `/assets/${hashedName('app.css')}`,
      js: `/assets/${hashedName('app.js')}`,
      icon: `/assets/${hashedName('icon.svg')}`,
    },
    routes,
  };
}
