import type { ConfigEditResult } from '../config/edit.ts';
import type { ConfigIssue } from '../config/load.ts';
import type { DiscoveredFeed } from '../fetch/discover.ts';

/**
 * What the management pages need from the running process (`serve` wires it, app/config-manager.ts implements
 * it): the YAML file stays the source of truth, so every change is an edit of that file, applied at once.
 */
export interface ConfigManager {
  readonly configPath: string;
  /** Edits the file (text → text) under the edit lock, then applies the new config before returning. */
  edit(edit: (text: string) => string): Promise<ConfigEditResult>;
  /** The file's last rejected state (file:line:col issues) until a good config is applied; undefined when fine. */
  rejected(): ConfigIssue[] | undefined;
  /** Feeds behind a feed or site URL (autodiscovery, behind the address guard). */
  discover(url: string): Promise<DiscoveredFeed[]>;
  /** Fetches and parses a feed; throws with the reason when it is not one. */
  checkFeed(url: string): Promise<{ url: string; title?: string; items: number }>;
  /** Fetches these sources now, through the same leases and host politeness as the scheduler. */
  refresh(configUrls: string[]): Promise<{ url: string; outcome: string; message?: string }[]>;
}
