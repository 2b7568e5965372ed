import { Command, InvalidArgumentError } from 'commander';
import type { ItemFilter } from '../../store/types.ts';
import { CliError, configOption, iso, printJson, printTable } from '../output.ts';
import { withRuntime } from '../runtime-cli.ts';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('a whole number from 1 to 100000');
  return n;
}

export function itemsCommand(): Command {
  return new Command('items')
    .description('List stored items, newest first')
    .addOption(configOption())
    .option('-s, --source <url>', 'only items of this source (config or feed URL)')
    .option('-t, --topic <slug>', 'only items selected for this topic')
    .option('-u, --unread', 'only unread items')
    .option('-n, --limit <n>', 'how many (default 50)', positiveInt, 50)
    .option('--json', 'print as JSON')
    .action(
      async (opts: {
        config?: string;
        source?: string;
        topic?: string;
        unread?: boolean;
        limit: number;
        json?: boolean;
      }) => {
        await withRuntime({ config: opts.config, workers: 0, sync: false }, async (runtime) => {
          const filter: ItemFilter = { unreadOnly: opts.unread, topic: opts.topic };
          if (opts.source) {
            const source = await runtime.store.findSourceByUrl(opts.source);
            if (!source) throw new CliError(`no source with URL ${opts.source}`);
            filter.sourceId = source.id;
          }
          const page = await runtime.store.listItems(filter, opts.limit);
          const rows = page.items.map((i) => ({
            id: i.id,
            sourceUrl: i.sourceUrl,
            guid: i.guid,
            link: i.link,
            title: i.title,
            author: i.author,
            publishedAt: iso(i.publishedAt),
            dateEstimated: i.dateEstimated,
            summary: i.summary,
            contentHtml: i.contentHtml,
            language: i.language,
            categories: i.categories,
            read: i.read,
            starred: i.starred,
          }));
          if (opts.json) {
            printJson(rows);
            return;
          }
          printTable(
            ['PUBLISHED', 'SOURCE', 'TITLE'],
            rows.map((r) => [
              // "~": the feed gave no date; rundschau estimated it (JSON: dateEstimated).
              `${r.dateEstimated ? '~' : ''}${r.publishedAt?.slice(0, 16) ?? ''}`,
              r.sourceUrl.replace(/^https?:\/\//, '').slice(0, 40),
              r.title,
            ]),
          );
        });
      },
    );
}
