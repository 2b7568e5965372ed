import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { tokensEqual } from './auth.ts';
import type { AppDeps } from './deps.ts';

/** The token that opens /metrics to other hosts: `server.metricsToken`, else RUNDSCHAU_METRICS_TOKEN. */
export function metricsToken(deps: Pick<AppDeps, 'config'>): string | undefined {
  return deps.config().server.metricsToken || process.env.RUNDSCHAU_METRICS_TOKEN || undefined;
}

/**
 * /metrics describes the installation (sources, traffic, errors), so it is not for everyone: a scraper on this
 * host may read it, others need `Authorization: Bearer <token>`. A request relayed by a reverse proxy on this host
 * arrives from loopback too; the forwarding headers proxies add make it count as remote.
 */
export function metricsAllowed(c: Context, deps: Pick<AppDeps, 'config'>): boolean {
  const token = metricsToken(deps);
  const auth = c.req.header('authorization');
  if (token && auth?.startsWith('Bearer ') && tokensEqual(auth.slice('Bearer '.length).trim(), token)) return true;
  if (c.req.header('x-forwarded-for') || c.req.header('forwarded') || c.req.header('x-real-ip')) return false;
  return isLoopback(remoteAddress(c));
}

function remoteAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    // No socket (app.request() in tests): not known to be local.
    return undefined;
  }
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}
