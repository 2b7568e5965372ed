import { Command } from 'commander';
import { formatIssues, loadConfigFile, resolveConfigPath } from '../../config/load.ts';
import { CliError, configOption } from '../output.ts';

export function checkConfigCommand(): Command {
  return new Command('check-config')
    .description('Validate the config file; errors name file, line, column and field')
    .addOption(configOption())
    .addHelpText('after', '\nExit status: 0 valid, 2 invalid.')
    .action(async (opts: { config?: string }) => {
      const path = resolveConfigPath(opts.config);
      const result = await loadConfigFile(path);
      if (!result.ok) throw new CliError(formatIssues(result.errors), 2);
      if (result.warnings.length > 0) process.stderr.write(`${formatIssues(result.warnings)}\n`);
      const { sources, topics } = result.config;
      process.stdout.write(`${path}: ok (${sources.length} sources, ${topics.length} topics)\n`);
    });
}
