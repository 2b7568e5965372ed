import type { FixtureServer } from './fixture-server.ts';

/** A WebSub hub on a fixture server that records what publishers tell it (see `recordingHub`). */
export interface RecordingHub {
  /** The hub's URL, for `server.websubHub`. */
  url: string;
  /** Every request body with its content type, in arrival order. */
  readonly requests: { contentType?: string; params: URLSearchParams }[];
  /** The `hub.url`s of the publish pings since the last `take()`, in arrival order; forgets them. */
  take(): string[];
}

/** Serves a hub at `path` of `server` that answers 204 and records each ping. */
export function recordingHub(server: FixtureServer, path = '/hub'): RecordingHub {
  const requests: RecordingHub['requests'] = [];
  let taken = 0;
  server.route(path, async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    requests.push({ contentType: req.headers['content-type'], params: new URLSearchParams(body) });
    res.writeHead(204).end();
  });
  return {
    url: server.url(path),
    requests,
    take() {
      const pings = requests.slice(taken).filter((r) => r.params.get('hub.mode') === 'publish');
      taken = requests.length;
      return pings.map((r) => r.params.get('hub.url')!);
    },
  };
}
