import { type ConfigEditResult, editConfigFile } from '../config/edit.ts';
import { ConfigError, type ConfigIssue, parseConfigText } from '../config/load.ts';
import type { ConfigWatcher } from '../config/watch.ts';
import type { ConfigManager } from '../web/manage-deps.ts';
import { runCycle } from './cycle.ts';
import type { Runtime } from './runtime.ts';

/**
 * The reader's way to change the config: edits rundschau.yaml (src/config/edit.ts) and applies the result at once,
 * as the watcher would a moment later; remembers the file's last rejected state for the pages and /healthz.
 */
export class RuntimeConfigManager implements ConfigManager {
  private rejectedIssues: ConfigIssue[] | undefined;

  constructor(
    private readonly runtime: Pick<Runtime, 'configPath' | 'applyConfig'> & Parameters<typeof runCycle>[0],
    private readonly watcher?: Pick<ConfigWatcher, 'adopt'>,
    private readonly env: Record<string, string | undefined> = process.env,
  ) {}

  get configPath(): string {
    return this.runtime.configPath;
  }

  /** The watcher saw the file become invalid (the last good config stays in force). */
  fileRejected(issues: ConfigIssue[]): void {
    this.rejectedIssues = issues;
  }

  /** A good config was applied. */
  fileApplied(): void {
    this.rejectedIssues = undefined;
  }

  rejected(): ConfigIssue[] | undefined {
    return this.rejectedIssues;
  }

  async edit(edit: (text: string) => string): Promise<ConfigEditResult> {
    const result = await editConfigFile(this.configPath, edit, { env: this.env });
    if (!result.changed) return result;
    const parsed = parseConfigText(result.text, this.configPath, this.env);
    if (!parsed.ok) throw new ConfigError(parsed.errors);
    this.watcher?.adopt(result.text, parsed.config);
    await this.runtime.applyConfig(parsed.config);
    this.fileApplied();
    return result;
  }

  // Loaded on first use: the parse stages stay out of the start of every CLI command (main imports serve).
  async discover(url: string) {
    return (await import('./resolve-feed.ts')).discoverCandidates(url);
  }

  async checkFeed(url: string) {
    return (await import('./resolve-feed.ts')).checkFeed(url);
  }

  /**
   * Where a refresh runs when not here: a web process of `serve --web-processes N` hands it to the primary, whose
   * cycle is the one that fetches and groups stories.
   */
  refreshElsewhere?: (configUrls: string[]) => Promise<{ url: string; outcome: string; message?: string }[]>;

  async refresh(configUrls: string[]) {
    if (this.refreshElsewhere) return this.refreshElsewhere(configUrls);
    const summary = await runCycle(this.runtime, { sourceUrls: configUrls });
    const results: { url: string; outcome: string; message?: string }[] = summary.outcomes.map((o) => ({
      url: o.url,
      outcome: o.outcome,
      message: o.outcome === 'error' ? o.error : undefined,
    }));
    for (const s of summary.skipped)
      results.push({ url: s.url, outcome: 'busy', message: `being fetched by ${s.heldBy}` });
    return results;
  }
}
