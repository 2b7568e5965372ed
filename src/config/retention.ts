import type { Defaults } from './schema.ts';

export interface RetentionPolicy {
  days?: number;
  items?: number;
}

/**
 * The retention in force for a source: its own policy when the config gives one (days or items, whichever it names),
 * else the defaults'. Starred items are kept regardless (the store's job).
 */
export function effectiveRetention(
  source: { retentionDays: number | null; retentionItems: number | null },
  defaults: Defaults,
): RetentionPolicy {
  if (source.retentionDays || source.retentionItems) {
    return { days: source.retentionDays ?? undefined, items: source.retentionItems ?? undefined };
  }
  return { days: defaults.retention.days, items: defaults.retention.items };
}
