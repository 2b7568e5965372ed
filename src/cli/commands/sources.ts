import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { effectiveRetention } from '../../config/retention.ts';
import { suggestConfigEdits } from '../../config/suggest.ts';
import { sourceName } from '../../lib/source-name.ts';
import { configOption, iso, printJson, printTable } from '../output.ts';
import { withRuntime } from '../runtime-cli.ts';

/** Fetch attempts per source that `sources --json` shows. */
const RECENT_ATTEMPTS = 5;

export function sourcesCommand(): Command {
  return new Command('sources')
    .description('Show every source with its health, or --suggest the config edits the app has learned')
    .addOption(configOption())
    .option('--json', 'print as JSON')
    .option('--suggest', 'print a diff of config edits: feeds that moved for good, feeds that are dead')
    .action(async (opts: { config?: string; json?: boolean; suggest?: boolean }) => {
      await withRuntime({ config: opts.config, workers: 0 }, async (runtime) => {
        const sources = await runtime.store.sourceHealth();
        if (opts.suggest) {
          const text = await readFile(runtime.configPath, 'utf8');
          const suggestion = suggestConfigEdits(
            text,
            runtime.configPath,
            sources
              .filter((s) => s.inConfig)
              .map((s) => ({
                configUrl: s.configUrl,
                fetchUrl: s.fetchUrl,
                status: s.status,
                errorReason: s.errorReason,
                lastError: s.lastError,
                // Re-checks move lastFetchAt every week; it stopped working at its last success.
                deadSince: new Date(Number(s.lastSuccessAt ?? s.createdAt)),
              })),
          );
          if (opts.json) printJson({ changes: suggestion.changes, diff: suggestion.diff });
          else process.stdout.write(suggestion.diff || 'Nothing to suggest: the config matches what the app knows.\n');
          return;
        }
        const rows = sources.map((s) => ({
          url: s.configUrl,
          fetchUrl: s.fetchUrl,
          title: sourceName(s, ''),
          category: s.category,
          status: s.status,
          inConfig: s.inConfig,
          items: s.itemCount,
          unread: s.unreadCount,
          itemsPerWeek: s.itemsPerWeek,
          lastSuccessAt: iso(s.lastSuccessAt),
          lastFetchAt: iso(s.lastFetchAt),
          errorReason: s.errorReason,
          lastError: s.lastError,
          consecutiveErrors: s.consecutiveErrors,
          retention: effectiveRetention(s, runtime.config().defaults),
          nextFetchAt: iso(s.nextFetchAt),
        }));
        if (opts.json) {
          // The fetch log (two weeks are kept): why a source is failing is usually in its last few attempts.
          const attempts = await runtime.store.recentAttempts(RECENT_ATTEMPTS);
          printJson(
            rows.map((row, i) => ({
              ...row,
              recentAttempts: (attempts.get(sources[i]!.id) ?? []).map(({ id: _id, ...a }) => ({
                ...a,
                startedAt: iso(a.startedAt),
              })),
            })),
          );
          return;
        }
        printTable(
          ['STATUS', 'ITEMS', 'LAST SUCCESS', 'NEXT FETCH', 'SOURCE', 'ERROR'],
          rows.map((r) => [
            r.inConfig ? r.status : `${r.status} (removed)`,
            r.items,
            r.lastSuccessAt?.slice(0, 16) ?? '-',
            r.nextFetchAt?.slice(0, 16) ?? '-',
            r.title ? `${r.title} <${r.url}>` : r.url,
            r.errorReason ? `${r.errorReason}: ${(r.lastError ?? '').slice(0, 60)}` : '',
          ]),
        );
      });
    });
}
