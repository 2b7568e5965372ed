import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatIssues, loadConfigFile } from '../config/load.ts';
import { type Config, defaultsSchema } from '../config/schema.ts';
import { closeSharedAgents, fetchFeed, fetchOptionsFromDefaults } from '../fetch/http.ts';
import { isPostgresUrl } from '../store/index.ts';
import { type DatabaseFacts, inspectDatabase, migrationState, sqliteFilePath } from '../store/maintenance.ts';

/**
 * `rundschau doctor`: checks an installation the way an operator would before and after a change, without changing
 * anything (it does not migrate, fetch into the store or write the config). Each check says ok, warn, fail or skip.
 */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';
export type CheckName = 'config' | 'database' | 'migrations' | 'disk' | 'clock' | 'source';

export interface DoctorCheck {
  name: CheckName;
  status: CheckStatus;
  detail: string;
}

/** Exit codes: the first failing check in this order decides; warnings alone give 1. */
export const DOCTOR_EXIT = { ok: 0, warnings: 1, config: 2, database: 3, migrations: 4 } as const;

export interface DoctorOptions {
  configPath: string;
  databaseUrl: string;
  /** Probe one source over the network (off: `--offline`). */
  probeSource: boolean;
  /** The source to probe; default the first enabled one in the config. */
  sourceUrl?: string;
  now?: () => number;
  /** Warn below this much free disk beside a SQLite database (default 1 GiB, or twice the database). */
  minFreeBytes?: number;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  exitCode: number;
}

const GIB = 1024 ** 3;
/** A clock this far from the database server's, or behind the newest fetch recorded, is wrong. */
const CLOCK_TOLERANCE_MS = 60_000;

export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const now = opts.now ?? Date.now;
  const checks: DoctorCheck[] = [];
  const check = (name: CheckName, status: CheckStatus, detail: string) => checks.push({ name, status, detail });

  const loaded = await loadConfigFile(opts.configPath);
  let config: Config | undefined;
  if (loaded.ok) {
    config = loaded.config;
    const warnings =
      loaded.warnings.length > 0 ? `; ${loaded.warnings.length} warning(s): ${formatIssues(loaded.warnings)}` : '';
    check(
      'config',
      loaded.warnings.length > 0 ? 'warn' : 'ok',
      `${opts.configPath}: ${config.sources.length} sources, ${config.topics.length} topics${warnings}`,
    );
  } else {
    check('config', 'fail', formatIssues(loaded.errors));
  }

  const dialect = isPostgresUrl(opts.databaseUrl) ? 'pg' : 'sqlite';
  const sqlitePath = sqliteFilePath(opts.databaseUrl);
  let facts: DatabaseFacts | undefined;
  if (sqlitePath && !existsSync(sqlitePath)) {
    check('database', 'warn', `no database yet at ${sqlitePath}: rundschau creates it when it first starts`);
    check('migrations', 'skip', 'no database yet');
  } else {
    try {
      facts = await inspectDatabase(opts.databaseUrl);
      const where = sqlitePath ?? redactUrl(opts.databaseUrl);
      check(
        'database',
        'ok',
        `${dialect === 'pg' ? 'PostgreSQL' : 'SQLite'} ${where}: ${facts.sources ?? 0} sources, ${facts.items ?? 0} items, ${formatBytes(facts.sizeBytes)}`,
      );
      const state = migrationState(dialect, facts.appliedMigrations);
      if (state.ahead) {
        check(
          'migrations',
          'fail',
          `the database was migrated by a newer rundschau (${facts.appliedMigrations.length} applied, this version knows ${state.known}): upgrade rundschau`,
        );
      } else if (state.pending.length > 0) {
        check(
          'migrations',
          'fail',
          `${state.pending.length} of ${state.known} not applied (${state.pending.join(', ')}): they run when rundschau next starts (serve, worker or any command)`,
        );
      } else {
        check('migrations', 'ok', `all ${state.known} applied`);
      }
    } catch (error) {
      check(
        'database',
        'fail',
        `cannot reach ${sqlitePath ?? redactUrl(opts.databaseUrl)}: ${(error as Error).message}`,
      );
      check('migrations', 'skip', 'database not reachable');
    }
  }

  if (sqlitePath) {
    try {
      const dir = existsSync(sqlitePath) ? dirname(sqlitePath) : nearestExisting(dirname(sqlitePath));
      const fs = statfsSync(dir);
      const free = Number(fs.bavail) * Number(fs.bsize);
      const floor = opts.minFreeBytes ?? Math.max(GIB, 2 * (facts?.sizeBytes ?? 0));
      check(
        'disk',
        free < floor ? 'warn' : 'ok',
        `${formatBytes(free)} free in ${dir}${free < floor ? ` (below ${formatBytes(floor)}: SQLite needs room to grow, checkpoint and back up)` : ''}`,
      );
    } catch (error) {
      check('disk', 'warn', `cannot read free space: ${(error as Error).message}`);
    }
  } else {
    check('disk', 'skip', 'PostgreSQL keeps the data on its server: watch the disk there');
  }

  const clock = now();
  const clockProblems: string[] = [];
  if (clock < Date.UTC(2024, 0, 1) || clock > Date.UTC(2100, 0, 1))
    clockProblems.push(`this machine's clock says ${new Date(clock).toISOString()}`);
  if (facts?.serverClockMs !== undefined && Math.abs(facts.serverClockMs - clock) > CLOCK_TOLERANCE_MS) {
    clockProblems.push(
      `the database server's clock is ${Math.round((facts.serverClockMs - clock) / 1000)} s ahead of this machine's`,
    );
  }
  if (facts?.newestRecordedAt !== undefined && facts.newestRecordedAt - clock > CLOCK_TOLERANCE_MS) {
    clockProblems.push(
      `a fetch was recorded ${Math.round((facts.newestRecordedAt - clock) / 1000)} s in the future: the clock went back`,
    );
  }
  check(
    'clock',
    clockProblems.length > 0 ? 'warn' : 'ok',
    clockProblems.length > 0
      ? clockProblems.join('; ')
      : `${new Date(clock).toISOString()}${facts?.serverClockMs !== undefined ? ', agrees with the database server' : ''}`,
  );

  const sourceUrl = opts.sourceUrl ?? config?.sources.find((s) => s.enabled)?.url;
  if (!opts.probeSource) check('source', 'skip', 'not probed (--offline)');
  else if (!sourceUrl) check('source', 'skip', 'no enabled source in the config');
  else {
    const result = await fetchFeed(
      { url: sourceUrl },
      fetchOptionsFromDefaults(config?.defaults ?? defaultsSchema.parse({})),
    );
    await closeSharedAgents();
    if (result.kind === 'error') check('source', 'warn', `${sourceUrl}: ${result.reason}: ${result.message}`);
    else check('source', 'ok', `${sourceUrl}: HTTP ${result.status} in ${Math.round(result.durationMs)} ms`);
  }

  return { checks, exitCode: exitCodeOf(checks) };
}

function exitCodeOf(checks: DoctorCheck[]): number {
  const failed = (name: CheckName) => checks.some((c) => c.name === name && c.status === 'fail');
  if (failed('config')) return DOCTOR_EXIT.config;
  if (failed('database')) return DOCTOR_EXIT.database;
  if (failed('migrations')) return DOCTOR_EXIT.migrations;
  return checks.some((c) => c.status === 'warn' || c.status === 'fail') ? DOCTOR_EXIT.warnings : DOCTOR_EXIT.ok;
}

function nearestExisting(dir: string): string {
  let current = dir;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

function redactUrl(url: string): string {
  return url.replace(/(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

function formatBytes(n: number): string {
  if (n >= GIB) return `${(n / GIB).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.round(n / 1024)} KiB`;
}
