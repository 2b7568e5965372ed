import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { runCycle } from '../../app/cycle.ts';
import { configOption, printJson, printTable } from '../output.ts';
import { withRuntime } from '../runtime-cli.ts';

export function fetchCommand(): Command {
  return new Command('fetch')
    .description('Run one fetch cycle: the due sources, all of them, or the named ones')
    .addOption(configOption())
    .option('-a, --all', 'fetch every source now, due or not')
    .option('-s, --source <url...>', 'fetch only these sources (config or feed URL)')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nExit status: 0 when the cycle ran (failed sources are reported, not fatal), 2 for a bad config.',
    )
    .action(async (opts: { config?: string; all?: boolean; source?: string[]; json?: boolean }) => {
      await withRuntime({ config: opts.config }, async (runtime) => {
        const bar =
          process.stderr.isTTY && !opts.json
            ? new SingleBar({ stream: process.stderr, format: 'fetch [{bar}] {value}/{total} {url}' })
            : undefined;
        let started = false;
        const summary = await runCycle(runtime, {
          force: opts.all,
          sourceUrls: opts.source,
          onProgress(done, total, last) {
            if (!bar) return;
            if (!started) {
              bar.start(total, 0, { url: '' });
              started = true;
            }
            bar.setTotal(total);
            bar.update(done, { url: last.url });
          },
        });
        bar?.stop();
        if (opts.json) {
          printJson(summary);
          return;
        }
        const failed = summary.outcomes.filter((o) => o.outcome === 'error');
        if (failed.length > 0) {
          printTable(
            ['FAILED', 'REASON', 'ERROR'],
            failed.map((o) => [o.url, o.reason ?? '', (o.error ?? '').slice(0, 80)]),
          );
          process.stdout.write('\n');
        }
        if (summary.skipped.length > 0) {
          printTable(
            ['SKIPPED (being fetched by another process)', 'BY'],
            summary.skipped.map((s) => [s.url, s.heldBy]),
          );
          process.stdout.write('\n');
        }
        process.stdout.write(
          `sources: ${summary.ok} ok, ${summary.notModified} not modified, ${summary.failed} failed` +
            `${summary.skipped.length > 0 ? `, ${summary.skipped.length} skipped` : ''} · ` +
            `items: ${summary.itemsNew} new, ${summary.itemsUpdated} updated · ${(summary.durationMs / 1000).toFixed(1)} s\n`,
        );
        const texts = summary.fullTexts;
        if (texts && texts.done + texts.retrying + texts.failed > 0) {
          process.stdout.write(
            `full text: ${texts.done} articles, ${texts.retrying} to retry, ${texts.failed} failed · ${(texts.durationMs / 1000).toFixed(1)} s\n`,
          );
        }
      });
    });
}
