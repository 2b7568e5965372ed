/**
 * A small programmable HTTP server on 127.0.0.1 (random port) for tests that need real sockets.
 *
 *   const srv = await startFixtureServer();
 *   srv.route('/feed.xml', { status: 200, headers: { 'content-type': 'application/rss+xml' }, body: xml });
 *   srv.route('/slow', async (req, res) => { ... });
 *   srv.route('/corpus', serveFile(corpusPath('x/y.xml'), { contentType: 'application/xml', etag: '"v1"', encoding: 'gzip' }));
 *   await fetch(srv.url('/feed.xml'));
 *   srv.requests; // [{ method, path, headers }]
 *   await srv.close();
 *
 * Routes match the full path with query first, then the path without query. Unrouted paths answer 404.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { sleep } from './wait.ts';

export type FixtureHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface FixtureResponse {
  status?: number;
  headers?: Record<string, string | string[] | number>;
  body?: string | Buffer;
  /** Wait this long before sending the status line and headers. */
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  /** Path including the query string. */
  path: string;
  headers: IncomingHttpHeaders;
}

export interface FixtureServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly port: number;
  url(path: string): string;
  route(path: string, response: FixtureHandler | FixtureResponse): void;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Requests received for one path (query ignored). */
  requestsFor(path: string): RecordedRequest[];
  close(): Promise<void>;
}

export async function startFixtureServer(): Promise<FixtureServer> {
  const routes = new Map<string, FixtureHandler>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    const handler = routes.get(path) ?? routes.get(path.split('?')[0] ?? path);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    port,
    requests,
    url: (path) => origin + (path.startsWith('/') ? path : `/${path}`),
    route(path, response) {
      routes.set(path, typeof response === 'function' ? response : respondWith(response));
    },
    requestsFor: (path) => requests.filter((r) => r.path.split('?')[0] === path),
    async close() {
      // Tests leave hanging responses (slow bodies, timeouts): destroy sockets so close() does not wait for them.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** Turns a static response description into a handler. */
export function respondWith(response: FixtureResponse): FixtureHandler {
  return async (_req, res) => {
    if (response.delayMs) await sleep(response.delayMs);
    if (res.destroyed) return;
    const headers: Record<string, string | string[] | number> = { ...(response.headers ?? {}) };
    res.writeHead(response.status ?? 200, headers);
    res.end(response.body ?? '');
  };
}

export type ContentEncoding = 'identity' | 'gzip' | 'deflate' | 'br';

export interface ServeOptions {
  contentType?: string;
  etag?: string;
  lastModified?: string;
  encoding?: ContentEncoding;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/** Compresses a body with a content-coding (synchronously: fixture bodies are small). */
export function encodeBody(body: string | Buffer, encoding: ContentEncoding): Buffer {
  const raw = typeof body === 'string' ? Buffer.from(body) : body;
  if (encoding === 'gzip') return gzipSync(raw);
  if (encoding === 'deflate') return deflateSync(raw);
  if (encoding === 'br') return brotliCompressSync(raw);
  return raw;
}

/**
 * Serves a body (a string/Buffer, or a file path read once) like a feed server would: Content-Type, ETag,
 * Last-Modified, optional compression, and 304 answers to matching If-None-Match / If-Modified-Since.
 */
export function serveBody(body: string | Buffer, opts: ServeOptions = {}): FixtureHandler {
  const encoding = opts.encoding ?? 'identity';
  const payload = encodeBody(body, encoding);
  return (req, res) => {
    const validators: Record<string, string> = {};
    if (opts.etag) validators.etag = opts.etag;
    if (opts.lastModified) validators['last-modified'] = opts.lastModified;
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    const etagMatches = opts.etag !== undefined && (inm?.split(/\s*,\s*/).includes(opts.etag) ?? false);
    const dateMatches = inm === undefined && opts.lastModified !== undefined && ims === opts.lastModified;
    if (etagMatches || dateMatches) {
      res.writeHead(304, validators).end();
      return;
    }
    const headers: Record<string, string | number> = {
      'content-type': opts.contentType ?? 'application/xml',
      'content-length': payload.length,
      ...validators,
      ...(opts.headers ?? {}),
    };
    if (encoding !== 'identity') headers['content-encoding'] = encoding;
    res.writeHead(200, headers).end(payload);
  };
}

/** Serves a file from disk (typically a corpus file, see corpusPath) with serveBody's behaviour. */
export function serveFile(path: string, opts: ServeOptions = {}): FixtureHandler {
  return serveBody(readFileSync(path), opts);
}

/** Sends the headers at once, then `chunks` pieces of `chunk` every `intervalMs` (a server that trickles). */
export function trickle(opts: {
  chunk?: string;
  intervalMs: number;
  chunks: number;
  headers?: Record<string, string>;
}): FixtureHandler {
  return async (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/xml', ...(opts.headers ?? {}) });
    res.flushHeaders();
    for (let i = 0; i < opts.chunks && !res.destroyed; i++) {
      res.write(opts.chunk ?? ' ');
      await sleep(opts.intervalMs);
    }
    if (!res.destroyed) res.end();
  };
}

// The corpus helpers live in corpus.ts; re-exported for the tests that serve corpus files.
export { corpusDir, corpusPath, hasCorpus } from './corpus.ts';

// Re-exported: fixture handlers and the tests that use them wait with it.
export { sleep } from './wait.ts';
