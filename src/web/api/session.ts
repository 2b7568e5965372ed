import { createHmac } from 'node:crypto';
import type { AppPassword, AppPasswordStore } from '../../store/types.ts';
import { type AttemptCounter, localAttempts, RateLimiter, tokensEqual } from '../auth.ts';

/**
 * Who a sync request is: app passwords looked up by name or Fever key (kept a few seconds, so a request costs no
 * query; a revocation by the CLI, another process, shows within that time), tokens signed with the password's own
 * hash (so revoking or re-making a password voids every token made from it), and a per-caller rate limit.
 */

const LOOKUP_CACHE_MS = 5_000;
/** Wrong app passwords per address and minute. */
export const LOGIN_ATTEMPTS_PER_MINUTE = 20;
/** Edit tokens (Google Reader's `T`) go stale after a day: clients fetch a new one when told (X-Reader-Google-Bad-Token). */
export const EDIT_TOKEN_TTL_MS = 24 * 3_600_000;

export class AppSessions {
  private readonly byName = new Map<string, { at: number; entry: Promise<AppPassword | undefined> }>();
  private readonly byFeverKey = new Map<string, { at: number; entry: Promise<AppPassword | undefined> }>();
  private limiter: RateLimiter | undefined;
  constructor(
    private readonly store: AppPasswordStore,
    private readonly now: () => number,
    private readonly requestsPerMinute: () => number,
    /** Login attempts per address (wrong passwords): a password guesser gets 429s (seconds to wait, else 0). */
    readonly logins: AttemptCounter = localAttempts(LOGIN_ATTEMPTS_PER_MINUTE, 60_000),
  ) {}

  appPassword(name: string): Promise<AppPassword | undefined> {
    return this.cached(this.byName, name, () => this.store.getAppPassword(name));
  }

  feverUser(apiKey: string): Promise<AppPassword | undefined> {
    const key = apiKey.trim().toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(key)) return Promise.resolve(undefined);
    return this.cached(this.byFeverKey, key, () => this.store.appPasswordByFeverKey(key));
  }

  /** Forget cached look-ups (after a login, so a just-made password works at once). */
  forget(): void {
    this.byName.clear();
    this.byFeverKey.clear();
  }

  private cached(
    map: Map<string, { at: number; entry: Promise<AppPassword | undefined> }>,
    key: string,
    load: () => Promise<AppPassword | undefined>,
  ): Promise<AppPassword | undefined> {
    const now = this.now();
    const hit = map.get(key);
    if (hit && now - hit.at < LOOKUP_CACHE_MS) return hit.entry;
    if (map.size > 1000) map.clear();
    const entry = load();
    entry.catch(() => map.delete(key));
    map.set(key, { at: now, entry });
    return entry;
  }

  /** `name/<hmac>`: the ClientLogin Auth token, valid until the password is revoked. */
  authToken(entry: AppPassword): string {
    return `${entry.name}/${sign(entry, `auth:${entry.name}`)}`;
  }

  async checkAuthToken(token: string | undefined): Promise<AppPassword | undefined> {
    const slash = token?.lastIndexOf('/') ?? -1;
    if (!token || slash <= 0) return undefined;
    const entry = await this.appPassword(token.slice(0, slash));
    if (!entry || !tokensEqual(token.slice(slash + 1), sign(entry, `auth:${entry.name}`))) return undefined;
    return entry;
  }

  /** `name/<issued, base 36>/<hmac>`: the edit token `T` that every state-changing POST carries. */
  editToken(entry: AppPassword): string {
    const issued = this.now().toString(36);
    return `${entry.name}/${issued}/${sign(entry, `edit:${entry.name}:${issued}`).slice(0, 32)}`;
  }

  /** The app password of a valid, fresh edit token; `stale` when it is well formed but expired or not ours. */
  async checkEditToken(token: string | undefined): Promise<AppPassword | 'stale'> {
    const m = /^(.+)\/([0-9a-z]{1,12})\/([A-Za-z0-9_-]{32})$/.exec(token?.trim() ?? '');
    if (!m) return 'stale';
    const [, name, issued, signature] = m as unknown as [string, string, string, string];
    const entry = await this.appPassword(name);
    if (!entry || !tokensEqual(signature, sign(entry, `edit:${name}:${issued}`).slice(0, 32))) return 'stale';
    const age = this.now() - Number.parseInt(issued, 36);
    return age >= -60_000 && age <= EDIT_TOKEN_TTL_MS ? entry : 'stale';
  }

  /** Counts a request of `who`; seconds to wait when over the limit, else 0. */
  overLimit(who: string): number {
    const limit = this.requestsPerMinute();
    if (limit <= 0) return 0;
    if (!this.limiter || this.limiter.limit !== limit) this.limiter = new RateLimiter(limit, 60_000);
    const now = this.now();
    return this.limiter.attempt(who, now) ? 0 : this.limiter.retryAfter(who, now);
  }
}

function sign(entry: AppPassword, what: string): string {
  return createHmac('sha256', `rundschau-sync:${entry.passwordHash}`).update(what).digest('base64url');
}
