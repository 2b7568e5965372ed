import { Option } from 'commander';
import { ConfigError, formatIssues } from '../config/load.ts';
import { DatabaseAccessError } from '../store/sqlite-access.ts';

/** An error the user caused or can fix: printed without a stack trace, with an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Plain aligned table for terminals and pipes alike. */
export function printTable(headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const row of cells) {
    process.stdout.write(`${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}\n`);
  }
}

export function iso(ms: number | null | undefined): string | null {
  return ms == null || ms <= 0 ? null : new Date(Number(ms)).toISOString();
}

/** Config errors become a readable list naming file, line and field. */
export function toCliError(error: unknown): unknown {
  if (error instanceof ConfigError) return new CliError(`invalid configuration:\n${formatIssues(error.issues)}`, 2);
  if (error instanceof DatabaseAccessError) return new CliError(`rundschau: ${error.message}`, 1);
  return error;
}

/** The --config option every command shares. */
export function configOption(): Option {
  return new Option('-c, --config <file>', 'config file (default: $RUNDSCHAU_CONFIG or ./rundschau.yaml)');
}
