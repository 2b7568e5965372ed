import type { AppDeps } from '../deps.ts';

/**
 * Read/unread from a sync app. With `sync.markStoryRead` (the default), reading one report of a story marks the
 * story's other reports (items.story_key, curate/stories.ts) read too, so the app does not show it again from the
 * next source.
 */
export async function setItemsRead(deps: AppDeps, ids: number[], read: boolean): Promise<number[]> {
  if (read && deps.config().sync.markStoryRead) return deps.store.markStoryRead(ids, true);
  return deps.store.changeRead(ids, read);
}

export async function setItemsStarred(deps: AppDeps, ids: number[], starred: boolean): Promise<void> {
  for (const id of ids) await deps.store.setStarred(id, starred);
}
