import { readFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import pLimit from 'p-limit';
import { appendSources, type SourceEntry } from '../../config/edit.ts';
import { resolveConfigPath } from '../../config/load.ts';
import { parseOpml } from '../../config/opml.ts';
import { CliError, configOption, printJson } from '../output.ts';
import { resolveFeed } from './add.ts';

export function importCommand(): Command {
  return new Command('import')
    .description("Add an OPML file's subscriptions (with their categories) to the config")
    .argument('<file>', 'OPML file')
    .addOption(configOption())
    .option('--check', 'fetch each feed first and import only those that parse')
    .option('--json', 'print the per-source report as JSON')
    .action(async (file: string, opts: { config?: string; check?: boolean; json?: boolean }) => {
      const path = resolveConfigPath(opts.config);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
      }
      const outlines = parseOpml(text);
      if (outlines.length === 0) throw new CliError(`${file}: no feed subscriptions (outline xmlUrl) found`);
      const reports: { url: string; status: string; category?: string; reason?: string }[] = [];
      let entries: SourceEntry[] = outlines.map((o) => ({ url: o.url, title: o.title, category: o.category }));
      if (opts.check) {
        const bar = process.stderr.isTTY && !opts.json ? new SingleBar({ stream: process.stderr }) : undefined;
        bar?.start(entries.length, 0);
        const limit = pLimit(8);
        const checked = await Promise.all(
          entries.map((entry) =>
            limit(async () => {
              try {
                await resolveFeed(entry.url);
                return entry;
              } catch (error) {
                reports.push({ url: entry.url, status: 'failed', reason: (error as Error).message });
                return undefined;
              } finally {
                bar?.increment();
              }
            }),
          ),
        );
        bar?.stop();
        entries = checked.filter((e) => e !== undefined);
      }
      const result = await appendSources(path, entries);
      for (const url of result.added) {
        reports.push({ url, status: 'added', category: entries.find((e) => e.url === url)?.category });
      }
      for (const s of result.skipped) reports.push({ url: s.url, status: 'duplicate', reason: s.reason });
      if (opts.json) printJson(reports);
      else {
        for (const r of reports) {
          process.stdout.write(
            `${r.status.padEnd(9)} ${r.url}${r.category ? ` [${r.category}]` : ''}${r.reason ? ` (${r.reason})` : ''}\n`,
          );
        }
        process.stdout.write(
          `${result.added.length} added, ${result.skipped.length} already present, ${reports.filter((r) => r.status === 'failed').length} failed\n`,
        );
      }
    });
}
