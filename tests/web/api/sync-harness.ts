import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { resolveFeed } from '../../../src/cli/commands/add.ts';
import { ConfigError, loadConfigFile } from '../../../src/config/load.ts';
import type { Config } from '../../../src/config/schema.ts';
import { silentLogger } from '../../../src/lib/log.ts';
import { createMetrics } from '../../../src/lib/metrics.ts';
import type { Store } from '../../../src/store/types.ts';
import { createAppPassword } from '../../../src/web/api/app-passwords.ts';
import { createApp } from '../../../src/web/app.ts';
import type { AppDeps } from '../../../src/web/deps.ts';
import type { TestDatabase } from '../../support/databases.ts';
import { makeItem } from '../../support/items.ts';

export const ORIGIN = 'http://127.0.0.1';
export const NOW = Date.UTC(2026, 10, 10, 12, 0, 0);
export const HOUR = 3_600_000;

/** The config file the sync APIs edit: comments and order must survive their edits. */
export const CONFIG_YAML = `# rundschau for the sync tests
sync:
  requestsPerMinute: 0
sources:
  # the big one
  - url: https://heise.example/feed
    title: Heise
    category: Tech
  - url: https://cloud.example/feed
    title: Cloud Blog
    category: Cloud # cloudy
`;

export interface SyncHarness {
  store: Store;
  app: Hono;
  deps: AppDeps;
  configPath: string;
  clock: { now: number };
  config(): Config;
  yaml(): string;
  /** Source ids by title, after the seed. */
  ids: { heise: number; cloud: number };
  user: { name: string; password: string };
  close(): Promise<void>;
}

/**
 * A real store (either dialect) behind the real app, with a real rundschau.yaml in a temp dir that the APIs edit
 * and reload (as `serve` does), `perSource` items per source an hour apart, and an app password.
 */
export async function syncHarness(
  database: TestDatabase,
  opts: { perSource?: number; yaml?: string } = {},
): Promise<SyncHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'rundschau-sync-'));
  const configPath = join(dir, 'rundschau.yaml');
  writeFileSync(configPath, opts.yaml ?? CONFIG_YAML);
  const store = await database.open();
  const clock = { now: NOW };
  const load = async () => {
    const loaded = await loadConfigFile(configPath);
    if (!loaded.ok) throw new ConfigError(loaded.errors);
    return loaded.config;
  };
  let config = await load();
  await store.syncSources(config.sources, NOW - 100 * HOUR);
  const deps: AppDeps = {
    store,
    config: () => config,
    metrics: createMetrics(false),
    log: silentLogger,
    now: () => clock.now,
    configFile: {
      path: configPath,
      resolveFeed: (url) => resolveFeed(url),
      reload: async () => {
        config = await load();
        await store.syncSources(config.sources, clock.now);
      },
    },
  };
  const sources = await store.listSources();
  const heise = sources.find((s) => s.title === 'Heise')!.id;
  const cloud = sources.find((s) => s.title === 'Cloud Blog')!.id;
  const n = opts.perSource ?? 5;
  const mk = (prefix: string, offset: number) =>
    Array.from({ length: n }, (_, i) =>
      makeItem({ uid: `${prefix}-${i}`, title: `${prefix} item ${i}`, publishedAt: NOW - (i * 2 + offset) * HOUR }),
    );
  await store.upsertItems(heise, mk('heise', 1), NOW);
  await store.upsertItems(cloud, mk('cloud', 2), NOW);
  const user = await createAppPassword(store, 'phone');
  return {
    store,
    app: createApp(deps),
    deps,
    configPath,
    clock,
    config: () => config,
    yaml: () => readFileSync(configPath, 'utf8'),
    ids: { heise, cloud },
    user,
    close: async () => {
      await store.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Google Reader client over app.request(): the GoogleLogin header on every request, T on POSTs when it has one. */
export class ReaderClient {
  auth?: string;
  token?: string;
  constructor(
    readonly app: Hono,
    readonly base = '/api/greader',
  ) {}

  request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.auth && !headers.has('authorization')) headers.set('authorization', `GoogleLogin auth=${this.auth}`);
    return this.app.request(`${ORIGIN}${this.base}${path}`, { ...init, headers }) as Promise<Response>;
  }

  async login(name: string, password: string, path = '/accounts/ClientLogin'): Promise<Response> {
    const res = await this.request(path, {
      method: 'POST',
      body: new URLSearchParams({ Email: name, Passwd: password, service: 'reader', accountType: 'GOOGLE' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const text = await res.clone().text();
    this.auth = /^Auth=(.+)$/m.exec(text)?.[1];
    return res;
  }

  async fetchToken(): Promise<string> {
    const res = await this.request('/reader/api/0/token');
    if (res.status !== 200) throw new Error(`token: ${res.status}`);
    this.token = await res.text();
    return this.token;
  }

  get(path: string, params: [string, string][] | Record<string, string> = {}): Promise<Response> {
    const query = new URLSearchParams(params).toString();
    return this.request(query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path);
  }

  async json<T = any>(path: string, params: [string, string][] | Record<string, string> = {}): Promise<T> {
    const res = await this.get(path, params);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  post(path: string, form: [string, string][] | Record<string, string>, withToken = true): Promise<Response> {
    const body = new URLSearchParams(form);
    if (withToken && this.token && !body.has('T')) body.set('T', this.token);
    return this.request(path, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }
}
