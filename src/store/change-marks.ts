import { and, inArray, sql } from 'drizzle-orm';
import type { Db, Schema } from './connection.ts';
import { chunks } from './rows.ts';

/**
 * The version stamps published feeds are validated by (see `ItemsMark`): every module that changes what a feed
 * shows moves them through these.
 */

/** The update that records a change to a source's items; the time never goes back. */
export function itemsChanged(sources: Schema['sources'], now: number) {
  return {
    itemsVersion: sql`${sources.itemsVersion} + 1`,
    itemsChangedAt: sql`case when ${sources.itemsChangedAt} > ${now} then ${sources.itemsChangedAt} else ${now} end`,
  };
}

/** Bumps the version of every topic whose feed includes one of these items. */
export async function topicsShowingChanged(tx: Db, t: Schema, itemIds: number[], now: number): Promise<void> {
  const { topics, topicItems } = t;
  if (itemIds.length === 0) return;
  // Naming the topics lets the (topic_slug, item_id) primary key answer; by item_id alone it would be a scan.
  const slugs = (await tx.select({ slug: topics.slug }).from(topics)).map((r) => r.slug);
  if (slugs.length === 0) return;
  for (const part of chunks(itemIds)) {
    const showing = tx
      .selectDistinct({ slug: topicItems.topicSlug })
      .from(topicItems)
      .where(
        and(inArray(topicItems.topicSlug, slugs), inArray(topicItems.itemId, part), sql`${topicItems.included} = true`),
      );
    await tx
      .update(topics)
      .set({ version: sql`${topics.version} + 1`, updatedAt: now })
      .where(inArray(topics.slug, showing));
  }
}
