import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type Config, configSchema } from '../../src/config/schema.ts';
import { feedRoutes } from '../../src/publish/routes.ts';
import type { Store } from '../../src/store/types.ts';

export interface ServedApp {
  origin: string;
  url(path: string): string;
  /** Store method names in call order, to see what a request cost. */
  calls: string[];
  setConfig(config: Config): void;
  close(): Promise<void>;
}

/** Serves `feedRoutes` over a real HTTP server on 127.0.0.1, with store calls counted. */
export async function serveFeeds(store: Store, initial: unknown): Promise<ServedApp> {
  let config = configSchema.parse(initial);
  const calls: string[] = [];
  const counted = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return value.apply(target, args);
      };
    },
  });
  const app = new Hono();
  app.route('/', feedRoutes({ store: counted, config: () => config }));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (path) => origin + path,
    calls,
    setConfig: (next) => {
      config = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
