import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { formatIssues, loadConfigFile, resolveConfigPath } from '../../config/load.ts';
import { evaluateTopic, formatEvalReport, parseLabels } from '../../curate/eval.ts';
import { evaluateStories, eventFold, formatStoryReport } from '../../curate/story-eval.ts';
import { CliError, configOption, printJson } from '../output.ts';
import { withRuntime } from '../runtime-cli.ts';

export function curateCommand(): Command {
  const curate = new Command('curate').description('Curated topics: evaluate against labels, re-score stored items');
  curate
    .command('eval')
    .description(
      'Score a labelled JSONL file (id, lang, title, summary, label) and print precision, recall, F1; and group its ' +
        'items into stories, printing pairwise precision/recall against the `event=<tag>` notes',
    )
    .addOption(configOption())
    .requiredOption('-t, --topic <slug>', 'topic to evaluate')
    .requiredOption(
      '-l, --labels <file>',
      'labelled items, one JSON object per line; borderline ones are reported apart',
    )
    .option('--json', 'print the report as JSON')
    .option('--missed', 'also list the same-event pairs the story grouping left apart (for tuning)')
    .action(async (opts: { config?: string; topic: string; labels: string; json?: boolean; missed?: boolean }) => {
      const path = resolveConfigPath(opts.config);
      const loaded = await loadConfigFile(path);
      if (!loaded.ok) throw new CliError(formatIssues(loaded.errors), 2);
      const topic = loaded.config.topics.find((t) => t.slug === opts.topic);
      if (!topic) throw new CliError(`no topic "${opts.topic}" in ${path}`);
      let labels: string;
      try {
        labels = await readFile(opts.labels, 'utf8');
      } catch (error) {
        throw new CliError(`cannot read ${opts.labels}: ${(error as Error).message}`);
      }
      const report = evaluateTopic(topic, labels);
      const items = parseLabels(labels);
      const stories = evaluateStories(items);
      // The two event-grouped halves: one can be tuned on while the other shows what holds for unseen stories.
      const halves = ([0, 1] as const).map((f) => items.filter((i) => eventFold(i) === f));
      const folds = halves.map((half) => evaluateStories(half));
      // As production groups: dates from the source URLs, the three-day window (an undated item may be any day).
      const dated = evaluateStories(items, { dated: true });
      const datedFolds = halves.map((half) => evaluateStories(half, { dated: true }));
      if (opts.json) {
        const brief = ({ joined, missed, ...rest }: typeof stories) => rest;
        printJson({
          ...report,
          stories: {
            ...brief(stories),
            folds: folds.map(brief),
            dated: { ...brief(dated), folds: datedFolds.map(brief) },
          },
        });
        return;
      }
      const storyLines = [
        'one batch without dates (the worst case):',
        formatStoryReport(stories, 'all'),
        ...folds.map((r, f) => formatStoryReport(r, `half ${f}`)),
        'dated from source URLs, three-day window:',
        formatStoryReport(dated, 'all'),
        ...datedFolds.map((r, f) => formatStoryReport(r, `half ${f}`)),
      ];
      for (const [a, b] of stories.falseMerges)
        storyLines.push(`  joined wrongly: ${a.slice(0, 60)}  ↔  ${b.slice(0, 60)}`);
      if (opts.missed)
        for (const [a, b] of stories.missed) storyLines.push(`  missed: ${a.slice(0, 60)}  ↔  ${b.slice(0, 60)}`);
      process.stdout.write(`${formatEvalReport(report)}\n\nstories (same-event pairs)\n${storyLines.join('\n')}\n`);
    });
  curate
    .command('rescore')
    .description('Re-score every stored item against a topic (normally automatic when its rules change)')
    .addOption(configOption())
    .requiredOption('-t, --topic <slug>', 'topic to re-score')
    .action(async (opts: { config?: string; topic: string }) => {
      await withRuntime({ config: opts.config, workers: 0 }, async (runtime) => {
        const t0 = performance.now();
        const n = await runtime.curator.rescore(opts.topic);
        process.stdout.write(`${n} items re-scored in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      });
    });
  return curate;
}
