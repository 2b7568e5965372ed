import { DEFAULT_MIN_ITEMS, type Defaults } from './schema.ts';

export interface RetentionPolicy {
  /** Remove items first seen more than this many days ago … */
  days?: number;
  /** … or beyond this many newest … */
  items?: number;
  /** … but always keep this many newest (and anything the feed still carries, and starred items). */
  minItems?: number;
}

/**
 * The retention in force for a source: its own age/count limits when the config gives one (days or items, whichever
 * it names), else the defaults'; its own minimum, else the defaults', else 50. Starred items and items the feed
 * still carries are kept regardless (the store's job).
 */
export function effectiveRetention(
  source: { retentionDays: number | null; retentionItems: number | null; retentionMinItems?: number | null },
  defaults: Defaults,
): RetentionPolicy {
  const minItems = source.retentionMinItems ?? defaults.retention.minItems ?? DEFAULT_MIN_ITEMS;
  if (source.retentionDays || source.retentionItems) {
    return { days: source.retentionDays ?? undefined, items: source.retentionItems ?? undefined, minItems };
  }
  return { days: defaults.retention.days, items: defaults.retention.items, minItems };
}
