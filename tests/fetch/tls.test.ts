import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSharedAgents, fetchFeed } from '../../src/fetch/http.ts';

/** A self-signed certificate made with the openssl CLI at test time (no key material in the repo). */
function selfSigned(): { key: Buffer; cert: Buffer } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'rundschau-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const material = selfSigned();

describe.skipIf(!material)('TLS failures (skipped: openssl CLI not available to make a certificate)', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer(material ?? {}, (_req, res) => res.end('<rss/>'));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/feed`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
    await closeSharedAgents();
  });

  it('an untrusted certificate is classified as tls', async () => {
    const r = await fetchFeed({ url });
    expect(r.kind).toBe('error');
    if (r.kind === 'error') expect(r.reason).toBe('tls');
  });
});
