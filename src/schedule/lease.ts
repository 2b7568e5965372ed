import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Source leases: a process claims due sources for `LEASE_MS` and renews its leases every `LEASE_RENEW_MS` while it
 * works, so a crashed process's leases lapse after at most `LEASE_MS`. Sooner than that, a process on the same
 * machine sees that the owner's pid is gone and releases its leases at once (a kill -9 and restart costs no wait).
 *
 * On PostgreSQL, each owner also holds a presence lock for as long as its database session lives
 * (`Store.announceLeaseOwner`): an owner on any machine whose presence is gone is gone.
 *
 * The owner names host, pid and a per-process token: `host/pid/scope/token`. `scope` fingerprints the kernel boot
 * and pid namespace, so that a pid is only ever checked in the namespace it belongs to (containers share hostnames
 * and pids with other boots and namespaces).
 */
export const LEASE_MS = 90_000;
export const LEASE_RENEW_MS = 30_000;
/** A fetching process writes its heartbeat this often… */
export const WORKER_HEARTBEAT_MS = 3_000;
/** …and is taken for gone (its leases freed) when its last heartbeat is older than this. */
export const WORKER_STALE_MS = 20_000;

const pidScope = (() => {
  const read = (f: () => string) => {
    try {
      return f().trim();
    } catch {
      return '';
    }
  };
  const boot = read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'));
  const namespace = read(() => readlinkSync('/proc/self/ns/pid'));
  return createHash('sha1').update(`${boot}\n${namespace}`).digest('hex').slice(0, 8);
})();

const host = hostname().replaceAll('/', '_');

/** This process's lease owner name. */
export const processLeaseOwner = `${host}/${process.pid}/${pidScope}/${randomUUID().slice(0, 8)}`;

/**
 * True when `owner` is certainly not running any more: on PostgreSQL (`livePresence` given), it holds no presence
 * lock; or it ran on this host, boot and pid namespace and its pid is gone (or is this process, under a previous
 * token: a restarted container's pid 1). Unknown owners are presumed alive: their leases simply lapse.
 */
export function leaseOwnerIsGone(owner: string, livePresence?: Set<string>): boolean {
  const parts = owner.split('/');
  if (parts.length !== 4 || owner === processLeaseOwner) return false;
  // Owners of this format announce themselves before they claim: no presence lock, no process.
  if (livePresence && !livePresence.has(owner)) return true;
  if (parts[0] !== host || parts[2] !== pidScope) return false;
  const pid = Number(parts[1]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: the pid exists (another user's process, or the owner's own under a stricter policy).
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
