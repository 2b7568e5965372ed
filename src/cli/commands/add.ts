import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { appendSources, type SourceEntry } from '../../config/edit.ts';
import { resolveConfigPath } from '../../config/load.ts';
import { CliError, configOption, printJson } from '../output.ts';

export interface AddReport {
  input: string;
  status: 'added' | 'duplicate' | 'failed';
  feedUrl?: string;
  title?: string;
  items?: number;
  reason?: string;
}

export type { ResolveFeedOptions } from '../../app/resolve-feed.ts';

/** The app's resolveFeed, loaded when a command needs it: the parse stages stay out of every other command's start. */
export async function resolveFeed(
  ...args: Parameters<typeof import('../../app/resolve-feed.ts').resolveFeed>
): ReturnType<typeof import('../../app/resolve-feed.ts').resolveFeed> {
  const { resolveFeed: resolve } = await import('../../app/resolve-feed.ts');
  return resolve(...args);
}

export function addCommand(): Command {
  return new Command('add')
    .description('Add feeds by feed or website URL (autodiscovery); checks each parses, appends it to the config')
    .argument('<url...>', 'feed URLs or website URLs')
    .addOption(configOption())
    .option('--category <name>', 'category for the new sources', 'Uncategorized')
    .option('--title <title>', "title (default: the feed's own)")
    .option('--json', 'print the per-source report as JSON')
    .action(async (urls: string[], opts: { config?: string; category: string; title?: string; json?: boolean }) => {
      const path = resolveConfigPath(opts.config);
      const reports: AddReport[] = [];
      const entries: SourceEntry[] = [];
      const bar =
        process.stderr.isTTY && !opts.json && urls.length > 1
          ? new SingleBar({ stream: process.stderr, format: 'add [{bar}] {value}/{total} {url}' })
          : undefined;
      bar?.start(urls.length, 0, { url: '' });
      for (const input of urls) {
        bar?.increment({ url: input });
        try {
          const feed = await resolveFeed(input);
          entries.push({ url: feed.url, title: opts.title ?? feed.title, category: opts.category });
          reports.push({ input, status: 'added', feedUrl: feed.url, title: feed.title, items: feed.items });
        } catch (error) {
          reports.push({ input, status: 'failed', reason: (error as Error).message });
        }
      }
      bar?.stop();
      const result = await appendSources(path, entries);
      for (const skipped of result.skipped) {
        const report = reports.find((r) => r.feedUrl === skipped.url);
        if (report) Object.assign(report, { status: 'duplicate', reason: skipped.reason });
      }
      if (opts.json) printJson(reports);
      else {
        for (const r of reports) {
          const what = r.status === 'added' ? `${r.feedUrl} (${r.title ?? 'untitled'}, ${r.items} items)` : r.reason;
          process.stdout.write(`${r.status.padEnd(9)} ${r.input}${what ? ` → ${what}` : ''}\n`);
        }
      }
      if (reports.every((r) => r.status === 'failed')) throw new CliError('nothing added', 1);
    });
}
