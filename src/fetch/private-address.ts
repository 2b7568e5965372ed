import { type LookupAddress, type LookupOptions, lookup } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import type { buildConnector } from 'undici';

/**
 * Address ranges a public fetch must never reach: the IANA IPv4 and IPv6 Special-Purpose Address Registries
 * (entries not globally reachable; a few globally reachable sub-entries of blocked ranges stay blocked, since no
 * feed lives on an anycast relay), plus multicast, the deprecated site-local range and 6to4/Teredo (which embed
 * an IPv4 address that could be private).
 */
const SPECIAL_IPV4: readonly [network: string, prefix: number, name: string][] = [
  ['0.0.0.0', 8, '"this network"'],
  ['10.0.0.0', 8, 'private-use'],
  ['100.64.0.0', 10, 'shared address space (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private-use'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation (TEST-NET-1)'],
  ['192.88.99.0', 24, 'deprecated 6to4 relay anycast'],
  ['192.168.0.0', 16, 'private-use'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation (TEST-NET-2)'],
  ['203.0.113.0', 24, 'documentation (TEST-NET-3)'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved (and 255.255.255.255 limited broadcast)'],
];

const SPECIAL_IPV6: readonly [network: string, prefix: number, name: string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'deprecated IPv4-compatible'],
  ['::ffff:0:0', 96, 'IPv4-mapped'],
  ['64:ff9b:1::', 48, 'local-use IPv4/IPv6 translation'],
  ['100::', 64, 'discard-only'],
  ['100:0:0:1::', 64, 'dummy IPv6 prefix'],
  ['2001::', 23, 'IETF protocol assignments (Teredo, benchmarking, ORCHID, …)'],
  ['2001:db8::', 32, 'documentation'],
  ['2002::', 16, '6to4'],
  ['3fff::', 20, 'documentation'],
  ['5f00::', 16, 'segment routing (SRv6) SIDs'],
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'deprecated site-local'],
  ['ff00::', 8, 'multicast'],
];

// Two lists: a BlockList matches IPv4 addresses against its IPv6 rules as IPv4-mapped ones (::ffff:0:0/96 would
// catch every IPv4 address), and IPv6 IPv4-mapped addresses against its IPv4 rules.
const specialV4 = new BlockList();
for (const [network, prefix] of SPECIAL_IPV4) specialV4.addSubnet(network, prefix, 'ipv4');
const specialV6 = new BlockList();
for (const [network, prefix] of SPECIAL_IPV6) specialV6.addSubnet(network, prefix, 'ipv6');

/** IPv6 outside 2000::/3 is reserved by the IETF: nothing public lives there. */
const globalUnicast = new BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');

/** The well-known NAT64 prefix carries an IPv4 address in its last 32 bits: judge that address. */
const nat64 = new BlockList();
nat64.addSubnet('64:ff9b::', 96, 'ipv6');

/**
 * Whether an IP address (as a socket or DNS reports it, or a URL's bracketed host) is a public unicast address.
 * Anything that is not a plain address (a zone id, a name) is not public. IPv6 addresses that embed an IPv4 one
 * (mapped `::ffff:7f00:1`, compatible `::7f00:1`, 6to4, Teredo) are refused as ranges; NAT64's is judged by its IPv4.
 */
export function isPublicAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '');
  if (ip.includes('%')) return false;
  const family = isIP(ip);
  if (family === 4) return !specialV4.check(ip, 'ipv4');
  if (family !== 6) return false;
  if (nat64.check(ip, 'ipv6')) return isPublicAddress(lastIpv4Of(ip));
  return globalUnicast.check(ip, 'ipv6') && !specialV6.check(ip, 'ipv6');
}

/** The dotted IPv4 address in the last 32 bits of an IPv6 address. */
function lastIpv4Of(ipv6: string): string {
  // The URL parser writes every IPv6 address in one canonical form: hex groups, `::` for the longest zero run.
  const canonical = new URL(`http://[${ipv6}]/`).hostname.slice(1, -1);
  const [head = '', tail = ''] = canonical.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = canonical.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  const hi = Number.parseInt(groups[6] ?? '0', 16);
  const lo = Number.parseInt(groups[7] ?? '0', 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** Special-use names that never resolve to a public host (RFC 6761, RFC 8375, the ICANN-reserved `.internal`). */
const PRIVATE_NAME = /(^|\.)(localhost|internal|local|home\.arpa)\.?$/;

/**
 * A URL host (`URL.hostname`: names lower-cased, IPv4 in dotted form, IPv6 bracketed and canonical) that is known
 * to be non-public without asking DNS: a special-purpose address or a reserved name. Other names are judged when
 * they resolve (publicOnlyLookup) and when connected (guardConnectedAddress).
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(host) !== 0 || host.includes('%')) return !isPublicAddress(host);
  return PRIVATE_NAME.test(host);
}

/** Error code of a refusal by the address guard (classified as `blocked`). */
export const BLOCKED_ADDRESS = 'ERR_BLOCKED_ADDRESS';

function blockedAddress(message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code: BLOCKED_ADDRESS });
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * DNS lookup for sockets that must reach public addresses only: a name that resolves to a private one fails before
 * any connection is made. Checking the URL's host alone is not enough: any public name can point at 127.0.0.1.
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = addresses.find((a) => !isPublicAddress(a.address));
    if (refused) return callback(blockedAddress(`${hostname} resolves to a private address (${refused.address})`), []);
    if (addresses.length === 0)
      return callback(Object.assign(new Error(`${hostname}: no address`), { code: 'ENOTFOUND' }), []);
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}

/**
 * Wraps an undici connector so that a socket whose peer is not a public address is closed before a byte of HTTP is
 * sent. This judges the address actually connected, whatever led there: an IP literal, a name, a DNS answer that
 * changed since it was checked, any redirect hop.
 */
export function guardConnectedAddress(connect: buildConnector.connector): buildConnector.connector {
  return (options, callback) => {
    connect(options, (error, socket) => {
      if (error || !socket) return callback(error ?? new Error('no socket'), null);
      const peer = socket.remoteAddress;
      if (peer && isPublicAddress(peer)) return callback(null, socket);
      socket.destroy();
      callback(blockedAddress(`refused: ${options.hostname} is a private address (${peer ?? 'unknown'})`), null);
    });
  };
}

/**
 * Whether a URL's host is public: an address literal is judged as written, a name by every address it resolves to
 * (one private address makes it private). Unresolvable or unparsable counts as not public.
 */
export async function resolvesToPublicAddress(url: string): Promise<boolean> {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  if (isPrivateHost(host)) return false;
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) !== 0) return isPublicAddress(bare);
  const addresses = await new Promise<LookupAddress[]>((done) =>
    lookup(bare, { all: true }, (error, found) => done(error ? [] : found)),
  );
  return addresses.length > 0 && addresses.every((a) => isPublicAddress(a.address));
}
