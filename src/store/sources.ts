import { and, asc, desc, eq, gt, gte, inArray, lt, lte, ne, or, sql } from 'drizzle-orm';
import type { SourceConfig } from '../config/schema.ts';
import { itemsChanged } from './change-marks.ts';
import type { Db, PreparableStatement, Schema } from './connection.ts';
import type { StoreContext } from './context.ts';
import { toFetchAttempt } from './rows.ts';
import type {
  FetchAttempt,
  FetchAttemptRecord,
  SourceHealth,
  SourceRow,
  SourceStore,
  SourceUpdate,
  SyncResult,
} from './types.ts';

const ATTEMPT_LOG_MS = 14 * 86_400_000;

/** Sources: config sync, health, claiming due sources under a lease, recording fetches. */
export class SqlSourceStore implements SourceStore {
  constructor(private readonly ctx: StoreContext) {}

  async syncSources(configured: SourceConfig[], now = Date.now()): Promise<SyncResult> {
    const { sources } = this.ctx.t;
    return this.ctx.write(async (tx) => {
      // Only the columns compared and moved here: sources not in the file stay in the table (6,500 rows of 38
      // columns on the 1M-item bench database), and reading every column of every row was ~100 ms of each start.
      const existing = await tx
        .select({
          id: sources.id,
          configUrl: sources.configUrl,
          inConfig: sources.inConfig,
          title: sources.title,
          category: sources.category,
          tags: sources.tags,
          language: sources.language,
          identity: sources.identity,
          intervalOverride: sources.intervalOverride,
          retentionDays: sources.retentionDays,
          retentionItems: sources.retentionItems,
          retentionMinItems: sources.retentionMinItems,
          enabled: sources.enabled,
          status: sources.status,
          nextFetchAt: sources.nextFetchAt,
        })
        .from(sources);
      const byUrl = new Map(existing.map((row) => [row.configUrl, row]));
      const result: SyncResult = { added: [], updated: [], removed: [] };
      const seen = new Set<string>();
      for (const source of configured) {
        seen.add(source.url);
        const fields = sourceFromConfig(source);
        const row = byUrl.get(source.url);
        if (!row) {
          // Another process may have added it since the select (callers serialise sync, but must not depend on it).
          const inserted = await tx
            .insert(sources)
            .values({
              configUrl: source.url,
              fetchUrl: source.url,
              ...fields,
              nextFetchAt: now,
              createdAt: now,
              updatedAt: now,
            })
            .onConflictDoNothing({ target: sources.configUrl })
            .returning({ id: sources.id });
          if (inserted.length > 0) result.added.push(source.url);
          continue;
        }
        const changed =
          !row.inConfig ||
          row.title !== fields.title ||
          row.category !== fields.category ||
          row.tags !== fields.tags ||
          row.language !== fields.language ||
          row.identity !== fields.identity ||
          row.intervalOverride !== fields.intervalOverride ||
          row.retentionDays !== fields.retentionDays ||
          row.retentionItems !== fields.retentionItems ||
          row.retentionMinItems !== fields.retentionMinItems ||
          row.enabled !== fields.enabled;
        if (!changed) continue;
        const update: Partial<SourceRow> = { ...fields, inConfig: true, updatedAt: now };
        // Back in the file, or given a fixed interval: due no later than that interval from now.
        if (!row.inConfig) update.nextFetchAt = now;
        // A dead source stays dead until its config entry changes: an edit is the operator asking to try again.
        if (row.status === 'dead') Object.assign(update, { status: 'new', consecutiveErrors: 0, nextFetchAt: now });
        else if (fields.intervalOverride && fields.intervalOverride !== row.intervalOverride) {
          update.nextFetchAt = Math.min(Number(row.nextFetchAt), now + fields.intervalOverride * 1000);
        }
        await tx.update(sources).set(update).where(eq(sources.id, row.id));
        result.updated.push(source.url);
      }
      const gone = existing.filter((row) => row.inConfig && !seen.has(row.configUrl));
      for (const row of gone) {
        await tx.update(sources).set({ inConfig: false, updatedAt: now }).where(eq(sources.id, row.id));
        result.removed.push(row.configUrl);
      }
      return result;
    });
  }

  async listSources(): Promise<SourceRow[]> {
    const { sources } = this.ctx.t;
    return this.ctx.db.select().from(sources).orderBy(asc(sources.category), asc(sources.title), asc(sources.id));
  }

  async sourceHealth(now = Date.now()): Promise<SourceHealth[]> {
    const { items } = this.ctx.t;
    const week = now - 7 * 86_400_000;
    const counts = await this.ctx.db
      .select({ sourceId: items.sourceId, n: sql<number>`count(*)` })
      .from(items)
      .where(gt(items.publishedAt, week))
      .groupBy(items.sourceId);
    const perSource = new Map(counts.map((c) => [c.sourceId, Number(c.n)]));
    return (await this.listSources()).map((s) => ({ ...s, itemsPerWeek: perSource.get(s.id) ?? 0 }));
  }

  async getSource(id: number): Promise<SourceRow | undefined> {
    const { sources } = this.ctx.t;
    const [row] = await this.ctx.db.select().from(sources).where(eq(sources.id, id));
    return row;
  }

  async findSourceByUrl(url: string): Promise<SourceRow | undefined> {
    const { sources } = this.ctx.t;
    const [row] = await this.ctx.db
      .select()
      .from(sources)
      .where(or(eq(sources.configUrl, url), eq(sources.fetchUrl, url)))
      .limit(1);
    return row;
  }

  async claimDueSources(
    owner: string,
    limit: number,
    leaseMs: number,
    now = Date.now(),
    force = false,
    onlyIds?: number[],
  ) {
    const { sources } = this.ctx.t;
    const due = and(
      eq(sources.inConfig, true),
      eq(sources.enabled, true),
      force ? undefined : lte(sources.nextFetchAt, now),
      // A dead source is fetched only for its rare re-check (when due) or when named; `fetch --all` leaves it.
      force && !onlyIds ? ne(sources.status, 'dead') : undefined,
      onlyIds ? inArray(sources.id, onlyIds.length > 0 ? onlyIds : [-1]) : undefined,
      // A forced run (`fetch --all`) respects leases too: another live process is fetching those sources right now.
      // Leases of a crashed process are released by the runner before it claims (schedule/lease.ts).
      or(sql`${sources.leaseUntil} is null`, lt(sources.leaseUntil, now)),
    );
    const lease = { leaseOwner: owner, leaseUntil: now + leaseMs };
    // PostgreSQL: one self-contained statement (SKIP LOCKED), so no BEGIN/COMMIT round trips around it.
    return this.ctx.autocommit((db) => this.ctx.dialect.claimSources(db, this.ctx.t, due, limit, lease));
  }

  async leaseHolders(now = Date.now()): Promise<string[]> {
    const { sources } = this.ctx.t;
    const rows = await this.ctx.db
      .selectDistinct({ owner: sources.leaseOwner })
      .from(sources)
      .where(and(sql`${sources.leaseOwner} is not null`, gte(sources.leaseUntil, now)));
    return rows.map((r) => r.owner).filter((o): o is string => o !== null);
  }

  async announceLeaseOwner(owner: string): Promise<void> {
    await this.ctx.conn.presence?.announce(owner);
  }

  async liveLeaseOwners(owners: string[]): Promise<Set<string> | undefined> {
    return this.ctx.conn.presence?.live(owners);
  }

  async releaseLeases(owners: string[]): Promise<number> {
    if (owners.length === 0) return 0;
    const { sources } = this.ctx.t;
    const released = await this.ctx.write((tx) =>
      tx
        .update(sources)
        // 0, not null: a source taken from a gone process goes first in the next claim (dialect `claimOrder`).
        .set({ leaseOwner: null, leaseUntil: 0 })
        .where(inArray(sources.leaseOwner, owners))
        .returning({ id: sources.id }),
    );
    return released.length;
  }

  async renewLeases(owner: string, leaseUntil: number): Promise<number> {
    const { sources } = this.ctx.t;
    const renewed = await this.ctx.write((tx) =>
      tx
        .update(sources)
        .set({ leaseUntil })
        .where(and(eq(sources.leaseOwner, owner), sql`${sources.leaseUntil} is not null`))
        .returning({ id: sources.id }),
    );
    return renewed.length;
  }

  async finishFetch(sourceId: number, update: SourceUpdate, attempt: FetchAttemptRecord): Promise<void> {
    // One round trip on PostgreSQL (a statement of three): the one write every fetch costs a worker. The statements
    // are built once per shape of the update (which fields it sets) and run with placeholders: building them through
    // the query builder for every fetch was most of a 304's CPU.
    const fields = (Object.keys(update) as (keyof SourceUpdate)[]).filter((k) => update[k] !== undefined).sort();
    const naming = update.feedTitle !== undefined || update.siteUrl !== undefined;
    const shape = fields.join(',');
    let name = this.finishShapes.get(shape);
    if (name === undefined) {
      // Short names: PostgreSQL cuts prepared statement names at 63 bytes.
      name = `finish_fetch_${this.finishShapes.size}`;
      this.finishShapes.set(shape, name);
    }
    const params: Record<string, unknown> = {
      ...attemptRow(sourceId, attempt),
      id: sourceId,
      updatedAt: Date.now(),
      before: attempt.startedAt - ATTEMPT_LOG_MS,
    };
    for (const field of fields) params[`u_${field}`] = update[field];
    if (naming) params.namingNow = attempt.startedAt;
    await this.ctx.writeTogetherPrepared(name, (db) => this.finishStatements(db, fields, naming), params);
  }

  /** Names of the finishFetch statements by update shape (writeTogetherPrepared). */
  private readonly finishShapes = new Map<string, string>();

  /** finishFetch's statements for one update shape, values as placeholders: the source, the attempt log. */
  private finishStatements(db: Db, fields: (keyof SourceUpdate)[], naming: boolean): PreparableStatement[] {
    const { sources, fetchAttempts } = this.ctx.t;
    const set: Record<string, unknown> = {};
    for (const field of fields) set[field] = sql.placeholder(`u_${field}`);
    const namingChange = naming
      ? feedNamingChanged(
          sources,
          {
            feedTitle: fields.includes('feedTitle') ? (sql.placeholder('u_feedTitle') as never) : undefined,
            siteUrl: fields.includes('siteUrl') ? (sql.placeholder('u_siteUrl') as never) : undefined,
          },
          sql.placeholder('namingNow') as never,
        )
      : {};
    const attemptColumns = Object.fromEntries(
      Object.keys(attemptRow(0, { startedAt: 0, durationMs: 0, outcome: 'ok' })).map((k) => [k, sql.placeholder(k)]),
    ) as never;
    return [
      db
        .update(sources)
        .set({
          ...set,
          ...namingChange,
          leaseOwner: null,
          leaseUntil: null,
          updatedAt: sql.placeholder('updatedAt') as never,
        })
        .where(eq(sources.id, sql.placeholder('id'))),
      // The attempt log is for diagnosis, not history: a source keeps its last two weeks.
      db
        .delete(fetchAttempts)
        .where(
          and(
            eq(fetchAttempts.sourceId, sql.placeholder('sourceId')),
            lt(fetchAttempts.startedAt, sql.placeholder('before')),
          ),
        ),
      db.insert(fetchAttempts).values(attemptColumns),
    ];
  }

  async recentAttempts(perSource: number): Promise<Map<number, FetchAttempt[]>> {
    const { fetchAttempts } = this.ctx.t;
    // The newest few per source in one statement (the log holds two weeks of every source's attempts).
    const ranked = rankedAttempts(this.ctx);
    const rows = await this.ctx.db
      .select({ attempt: fetchAttempts })
      .from(fetchAttempts)
      .innerJoin(ranked, eq(ranked.id, fetchAttempts.id))
      .where(lte(ranked.position, perSource))
      .orderBy(asc(fetchAttempts.sourceId), desc(fetchAttempts.startedAt), desc(fetchAttempts.id));
    const bySource = new Map<number, FetchAttempt[]>();
    for (const { attempt: r } of rows) {
      const list = bySource.get(r.sourceId) ?? [];
      list.push(toFetchAttempt(r));
      bySource.set(r.sourceId, list);
    }
    return bySource;
  }
}

/** A fetch attempt as its log row. */
function attemptRow(sourceId: number, attempt: FetchAttemptRecord) {
  return {
    sourceId,
    startedAt: attempt.startedAt,
    durationMs: Math.round(attempt.durationMs),
    outcome: attempt.outcome,
    httpStatus: attempt.httpStatus ?? null,
    errorReason: attempt.errorReason ?? null,
    error: attempt.error ? attempt.error.slice(0, 2000) : null,
    bytes: attempt.bytes ?? null,
    itemsNew: attempt.itemsNew ?? 0,
    itemsUpdated: attempt.itemsUpdated ?? 0,
  };
}

function sourceFromConfig(s: SourceConfig) {
  return {
    title: s.title ?? '',
    category: s.category,
    tags: JSON.stringify(s.tags),
    language: s.language ?? null,
    identity: s.identity,
    intervalOverride: s.interval ?? null,
    retentionDays: s.retention?.days ?? null,
    retentionItems: s.retention?.items ?? null,
    retentionMinItems: s.retention?.minItems ?? null,
    enabled: s.enabled && s.disabled !== true,
  };
}

/**
 * Published entries print their source's name and site: when the feed renames itself, the source's item version
 * moves like for an edited item (a title from the config changes the feeds' config fingerprint instead).
 */
function feedNamingChanged(sources: Schema['sources'], update: SourceUpdate, now: number) {
  if (update.feedTitle === undefined && update.siteUrl === undefined) return {};
  const changed = sql.join(
    [
      update.feedTitle === undefined ? undefined : sql`${sources.feedTitle} is distinct from ${update.feedTitle}`,
      update.siteUrl === undefined ? undefined : sql`${sources.siteUrl} is distinct from ${update.siteUrl}`,
    ].filter((c) => c !== undefined),
    sql` or `,
  );
  const { itemsVersion, itemsChangedAt } = itemsChanged(sources, now);
  return {
    itemsVersion: sql`case when ${changed} then ${itemsVersion} else ${sources.itemsVersion} end`,
    itemsChangedAt: sql`case when ${changed} then ${itemsChangedAt} else ${sources.itemsChangedAt} end`,
  };
}

/**
 * Each fetch attempt's rank among its source's attempts, newest first (`since`: only attempts from then on): the
 * subquery that "the newest N per source" reads in one statement (the log holds two weeks of every attempt).
 */
export function rankedAttempts(ctx: StoreContext, since?: number, sourceIds?: readonly number[]) {
  const { fetchAttempts } = ctx.t;
  return ctx.db
    .select({
      id: fetchAttempts.id,
      position:
        sql<number>`row_number() over (partition by ${fetchAttempts.sourceId} order by ${fetchAttempts.startedAt} desc, ${fetchAttempts.id} desc)`.as(
          'position',
        ),
    })
    .from(fetchAttempts)
    .where(
      and(
        sourceIds === undefined ? undefined : inArray(fetchAttempts.sourceId, [...sourceIds]),
        since === undefined ? undefined : gte(fetchAttempts.startedAt, since),
      ),
    )
    .as('ranked');
}
