import { Command } from 'commander';
import { resolveDatabaseUrl } from '../../store/index.ts';
import {
  backupDatabase,
  pgDumpArgs,
  pgRestoreArgs,
  RestoreRefused,
  type RestoreResult,
  restoreDatabase,
  shellLine,
} from '../../store/maintenance.ts';
import { CliError, printJson } from '../output.ts';

const EXIT_CODES = `
Exit status: 0 done; 1 failed; 2 refused (the file exists, the database is in use, the backup is not sound or
comes from a newer rundschau); 3 PostgreSQL without its client tool here (the command to run is printed).`;

/** PostgreSQL tools run when installed; without them the user gets the exact line to run elsewhere. */
async function withPgToolHint<T>(
  tool: 'pg_dump' | 'pg_restore',
  fn: () => Promise<T>,
  args: () => string[],
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof RestoreRefused) throw new CliError(`rundschau: ${error.message}`, 2);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CliError(
        `rundschau: ${tool} is not installed here; run it where it is:\n  ${shellLine(tool, args())}`,
        3,
      );
    }
    throw error;
  }
}

function report(result: RestoreResult, verb: string, json?: boolean): void {
  if (json) {
    printJson(result);
    return;
  }
  const counts = result.facts ? ` (${result.facts.sources ?? 0} sources, ${result.facts.items ?? 0} items)` : '';
  process.stdout.write(`${verb} ${result.file}: ${result.bytes} bytes${counts}\n`);
  if (result.command) process.stdout.write(`  ran: ${result.command}\n`);
}

export function backupCommand(): Command {
  return new Command('backup')
    .description('Back the database up into FILE while rundschau runs (SQLite: online backup; PostgreSQL: pg_dump)')
    .argument('<file>', 'the backup file to write')
    .option('-f, --force', 'overwrite FILE if it exists')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `${EXIT_CODES}\nPostgreSQL: pg_dump --format=custom --no-owner --file=FILE --dbname=$DATABASE_URL`,
    )
    .action(async (file: string, opts: { force?: boolean; json?: boolean }) => {
      const url = resolveDatabaseUrl();
      const result = await withPgToolHint(
        'pg_dump',
        () => backupDatabase(url, file, opts),
        () => pgDumpArgs(url, file),
      );
      report(result, 'backed up to', opts.json);
    });
}

export function restoreCommand(): Command {
  return new Command('restore')
    .description('Put a backup made by `rundschau backup` in place of the database (stop rundschau first)')
    .argument('<file>', 'the backup file')
    .option('-f, --force', 'restore even while another process has the database open')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `${EXIT_CODES}\nThe backup is checked (integrity, a rundschau database, not from a newer version) before anything is
replaced; migrations newer than the backup run when rundschau next starts.`,
    )
    .action(async (file: string, opts: { force?: boolean; json?: boolean }) => {
      const url = resolveDatabaseUrl();
      const result = await withPgToolHint(
        'pg_restore',
        () => restoreDatabase(url, file, opts),
        () => pgRestoreArgs(url, file),
      );
      report(result, 'restored from', opts.json);
    });
}
