/**
 * The three parts of undici the fetcher uses (Agent, buildConnector, request), loaded from their own modules rather
 * than through undici's index, which also loads fetch, WebSocket, EventSource, the cache and the mock agents:
 * ~9 MB RSS and ~3 MB of heap in every process for code that never runs here (issue 14: module graph at start).
 * undici has no "exports" map, so these paths are public in the package's sense; tests/fetch/http.test.ts runs them
 * against a loopback server, so a release that moves them fails there.
 */
import type * as Undici from 'undici';
// @ts-expect-error: as above.
import requestModule from 'undici/lib/api/api-request.js';
// @ts-expect-error: as above.
import buildConnectorModule from 'undici/lib/core/connect.js';
// @ts-expect-error: undici ships declarations for its index only.
import AgentModule from 'undici/lib/dispatcher/agent.js';

export const Agent: typeof Undici.Agent = AgentModule;
export type Agent = Undici.Agent;
export const buildConnector: typeof Undici.buildConnector = buildConnectorModule;

type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method: Undici.Dispatcher.HttpMethod;
  dispatcher: Undici.Dispatcher;
};

/**
 * undici's `request(url, { dispatcher, … })`: what its index does before calling the dispatcher's request (the
 * index also copies the API onto Dispatcher.prototype, which is why this calls the function on the dispatcher).
 */
export function request(url: string, { dispatcher, ...opts }: RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  const target = new URL(url);
  return (
    requestModule as (
      this: Undici.Dispatcher,
      o: Undici.Dispatcher.RequestOptions,
    ) => Promise<Undici.Dispatcher.ResponseData>
  ).call(dispatcher, {
    ...opts,
    origin: target.origin,
    path: target.search ? `${target.pathname}${target.search}` : target.pathname,
  });
}
