import { Command } from 'commander';
import { formatIssues, loadConfigFile, resolveConfigPath } from '../../config/load.ts';
import { renderOpml } from '../../config/opml.ts';
import { CliError, configOption } from '../output.ts';

export function exportCommand(): Command {
  return new Command('export')
    .description("Print the config's sources as OPML 2.0, grouped by category")
    .addOption(configOption())
    .action(async (opts: { config?: string }) => {
      const path = resolveConfigPath(opts.config);
      const loaded = await loadConfigFile(path);
      if (!loaded.ok) throw new CliError(formatIssues(loaded.errors), 2);
      const sources = loaded.config.sources.map((s) => ({ url: s.url, title: s.title ?? s.url, category: s.category }));
      process.stdout.write(renderOpml(sources, { title: 'rundschau subscriptions' }));
    });
}
