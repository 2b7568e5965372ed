import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { type Config, configSchema } from '../../src/config/schema.ts';
import { silentLogger } from '../../src/lib/log.ts';
import { createMetrics } from '../../src/lib/metrics.ts';
import type { Store } from '../../src/store/types.ts';
import { createApp } from '../../src/web/app.ts';
import type { AppDeps } from '../../src/web/deps.ts';
import { sqliteDatabase, type TestDatabase } from './databases.ts';
import { makeItem, makeSource } from './items.ts';

export const ORIGIN = 'http://127.0.0.1';
export const NOW = Date.UTC(2026, 10, 10, 12, 0, 0);
export const HOUR = 3_600_000;

export interface WebHarness {
  db: TestDatabase;
  store: Store;
  deps: AppDeps;
  app: Hono;
  config: Config;
  setConfig(patch: Partial<Record<keyof Config, unknown>>): void;
  close(): Promise<void>;
}

/** A real SQLite store in a temp dir behind the real app; config can be swapped like a watched rundschau.yaml. */
export async function webHarness(raw: Record<string, unknown> = {}, extra: Partial<AppDeps> = {}): Promise<WebHarness> {
  const db = sqliteDatabase();
  const store = await db.open();
  const h = {} as WebHarness;
  h.db = db;
  h.store = store;
  h.config = configSchema.parse(raw);
  h.setConfig = (patch) => {
    h.config = configSchema.parse({ ...raw, ...patch });
  };
  h.deps = {
    store,
    config: () => h.config,
    metrics: createMetrics(false),
    log: silentLogger,
    now: () => NOW,
    ...extra,
  };
  h.app = createApp(h.deps);
  h.close = async () => {
    await store.close();
    await db.drop();
  };
  return h;
}

export interface ServedHarness {
  harness: WebHarness;
  /** `http://127.0.0.1:PORT`, for a real browser or client. */
  origin: string;
  port: number;
  close(): Promise<void>;
}

/** A web harness behind a real HTTP server on 127.0.0.1 (a free port), for browser and client tests. */
export async function servedHarness(
  raw: Record<string, unknown> = {},
  extra: Partial<AppDeps> = {},
): Promise<ServedHarness> {
  const harness = await webHarness(raw, extra);
  const server = serve({ fetch: harness.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    harness,
    port,
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await harness.close();
    },
  };
}

/** Two sources in two categories with `perSource` items each, one hour apart, newest first by title number. */
export async function seed(store: Store, perSource = 5) {
  await store.syncSources(
    [
      makeSource('https://heise.example/feed', { title: 'Heise', category: 'Tech', language: 'de' }),
      makeSource('https://cloud.example/feed', { title: 'Cloud Blog', category: 'Cloud', language: 'en' }),
    ],
    NOW - 100 * HOUR,
  );
  const sources = await store.listSources();
  const heise = sources.find((s) => s.title === 'Heise')!;
  const cloud = sources.find((s) => s.title === 'Cloud Blog')!;
  const mk = (prefix: string, n: number, lang: string) =>
    Array.from({ length: n }, (_, i) =>
      makeItem({
        uid: `${prefix}-${i}`,
        title: `${prefix} item ${i}`,
        language: lang,
        publishedAt: NOW - (i * 2 + (prefix === 'heise' ? 1 : 2)) * HOUR,
      }),
    );
  await store.upsertItems(heise.id, mk('heise', perSource, 'de'), NOW);
  await store.upsertItems(cloud.id, mk('cloud', perSource, 'en'), NOW);
  return { heise, cloud };
}

/** A client with a cookie jar over app.request(), like a browser without JavaScript. */
export class Client {
  cookies = new Map<string, string>();
  constructor(
    readonly app: Hono,
    readonly headers: Record<string, string> = {},
  ) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(this.headers)) if (!headers.has(k)) headers.set(k, v);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await this.app.request(`${ORIGIN}${path}`, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<{ res: Response; html: string }> {
    const res = await this.request(path, { headers });
    return { res, html: await res.text() };
  }

  /** The CSRF token rendered into the last page of this session. */
  async csrf(path = '/'): Promise<string> {
    const { html } = await this.get(path);
    const m = /name="_csrf" value="([^"]+)"/.exec(html) ?? /data-csrf="([^"]+)"/.exec(html);
    if (!m) throw new Error('no csrf token on page');
    return m[1]!;
  }

  async post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      body: new URLSearchParams(fields),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, ...headers },
    });
  }
}
