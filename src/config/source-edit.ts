import { editConfigFile, removeSourceFromText as removeEntry, updateSourceInText } from './edit.ts';

/**
 * The sync APIs' edits of one source entry (unsubscribe, rename, move): the reader's own text edits (edit.ts, the
 * entry's lines only; comments and order stay), run through `editConfigFile` like every edit the reader makes —
 * one at a time, checked like `check-config`, redone when the file changed meanwhile. `undefined`/`false` when
 * the file has no such source.
 */

export interface SourceChange {
  title?: string;
  category?: string;
}

/** Removes the source whose URL is `url` (same feed URL key); false when the file has none. */
export async function removeSource(path: string, url: string): Promise<boolean> {
  return edited(path, (text) => removeSourceFromText(text, path, url));
}

/** Sets the title and/or category of the source whose URL is `url`; false when the file has none. */
export async function changeSource(path: string, url: string, change: SourceChange): Promise<boolean> {
  return edited(path, (text) => changeSourceInText(text, path, url, change));
}

async function edited(path: string, edit: (text: string) => string | undefined): Promise<boolean> {
  let found = true;
  await editConfigFile(path, (text) => {
    const next = edit(text);
    found = next !== undefined;
    return next ?? text;
  });
  return found;
}

export function removeSourceFromText(text: string, path: string, url: string): string | undefined {
  return missingAsUndefined(() => removeEntry(text, path, url));
}

export function changeSourceInText(text: string, path: string, url: string, change: SourceChange): string | undefined {
  // Only what the app sent: an absent title or category stays as it is (to the reader's edit, undefined removes).
  const patch = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
  return missingAsUndefined(() => updateSourceInText(text, path, url, patch));
}

/** edit.ts throws "no source …" for a URL the file lacks: for the sync APIs that is an answer, not an error. */
function missingAsUndefined(edit: () => string): string | undefined {
  try {
    return edit();
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('no source ')) return undefined;
    throw error;
  }
}
