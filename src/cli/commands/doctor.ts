import { Command } from 'commander';
import { DOCTOR_EXIT, runDoctor } from '../../app/doctor.ts';
import { resolveConfigPath } from '../../config/load.ts';
import { resolveDatabaseUrl } from '../../store/index.ts';
import { configOption, printJson } from '../output.ts';

const MARK = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' } as const;

export function doctorCommand(): Command {
  return new Command('doctor')
    .description('Check the installation: config, database, migrations, disk, clock and one source (changes nothing)')
    .addOption(configOption())
    .option('--offline', 'do not probe a source over the network')
    .option('--source <url>', 'the source to probe (default: the first enabled one in the config)')
    .option('--json', 'print the checks as JSON')
    .addHelpText(
      'after',
      `
Exit status: ${DOCTOR_EXIT.ok} all good; ${DOCTOR_EXIT.warnings} warnings only (low disk, clock off, source unreachable, no database yet);
${DOCTOR_EXIT.config} config invalid; ${DOCTOR_EXIT.database} database unreachable; ${DOCTOR_EXIT.migrations} migrations not applied (or the database is from a newer version).`,
    )
    .action(async (opts: { config?: string; offline?: boolean; source?: string; json?: boolean }) => {
      const report = await runDoctor({
        configPath: resolveConfigPath(opts.config),
        databaseUrl: resolveDatabaseUrl(),
        probeSource: !opts.offline,
        sourceUrl: opts.source,
      });
      if (opts.json) printJson(report);
      else {
        for (const c of report.checks) process.stdout.write(`${MARK[c.status]}  ${c.name.padEnd(10)}  ${c.detail}\n`);
      }
      process.exitCode = report.exitCode;
    });
}
