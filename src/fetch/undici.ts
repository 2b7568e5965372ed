/**
 * The three parts of undici the fetcher uses (Agent, buildConnector, request), loaded at the first use from their own
 * modules rather than through undici's index, which also loads fetch, WebSocket, EventSource, the cache and the mock
 * agents: ~7-9 MB RSS and ~3 MB of heap in every process for code that never runs here (issue 14: module graph at
 * start). undici has no "exports" map, so these paths are public in the package's sense; tests/fetch/http.test.ts
 * runs them against a loopback server, so a release that moves them fails there.
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

export type Agent = Undici.Agent;

type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method: Undici.Dispatcher.HttpMethod;
  dispatcher: Undici.Dispatcher;
};

export interface UndiciParts {
  Agent: typeof Undici.Agent;
  buildConnector: typeof Undici.buildConnector;
  /** undici's `request(url, { dispatcher, … })`. */
  request(url: string, opts: RequestOptions): Promise<Undici.Dispatcher.ResponseData>;
}

let parts: UndiciParts | undefined;

/** Loaded at the first call: a process that never fetches does not load undici at all. */
export function undici(): UndiciParts {
  if (parts) return parts;
  const require = createRequire(import.meta.url);
  const apiRequest = require('undici/lib/api/api-request.js') as (
    this: Undici.Dispatcher,
    opts: Undici.Dispatcher.RequestOptions,
  ) => Promise<Undici.Dispatcher.ResponseData>;
  parts = {
    Agent: require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent,
    buildConnector: require('undici/lib/core/connect.js') as typeof Undici.buildConnector,
    // What undici's index does before calling the dispatcher's request (the index also copies the API onto
    // Dispatcher.prototype, which is why this calls the function on the dispatcher).
    request(url, { dispatcher, ...opts }) {
      const target = new URL(url);
      return apiRequest.call(dispatcher, {
        ...opts,
        origin: target.origin,
        path: target.search ? `${target.pathname}${target.search}` : target.pathname,
      });
    },
  };
  return parts;
}
