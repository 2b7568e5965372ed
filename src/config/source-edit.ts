import { readFile } from 'node:fs/promises';
import { isMap, isPair, isScalar, isSeq, type Node, type Pair, parseDocument, stringify, type YAMLMap } from 'yaml';
import { feedUrlKey } from '../lib/url.ts';
import { writeFileAtomic } from './edit.ts';
import { ConfigError, parseConfigText } from './load.ts';

/**
 * Edits of one source entry in rundschau.yaml (the sync APIs' unsubscribe, rename, move): the entry's own lines
 * change, every other byte (entries, order, comments) stays. Written atomically; a result that would not load is
 * refused and the file left as it was.
 */

export interface SourceChange {
  title?: string;
  category?: string;
}

/** Removes the source whose URL is `url` (same feed URL key); false when the file has none. */
export async function removeSource(path: string, url: string): Promise<boolean> {
  return editFile(path, (text) => removeSourceFromText(text, path, url));
}

/** Sets the title and/or category of the source whose URL is `url`; false when the file has none. */
export async function changeSource(path: string, url: string, change: SourceChange): Promise<boolean> {
  return editFile(path, (text) => changeSourceInText(text, path, url, change));
}

async function editFile(path: string, edit: (text: string) => string | undefined): Promise<boolean> {
  // Optimistic concurrency as in appendSources: redo the edit when the file changed meanwhile.
  for (let attempt = 1; ; attempt++) {
    const text = await readFile(path, 'utf8');
    const next = edit(text);
    if (next === undefined) return false;
    if (next === text) return true;
    if ((await readFile(path, 'utf8')) !== text && attempt < 3) continue;
    await writeFileAtomic(path, next);
    return true;
  }
}

export function removeSourceFromText(text: string, path: string, url: string): string | undefined {
  const found = findSource(text, path, url);
  if (!found) return undefined;
  const { doc, seq, entry } = found;
  let next: string;
  if (seq.items.length === 1 || seq.flow || !entry.range) {
    seq.items = seq.items.filter((node) => node !== entry);
    seq.flow = seq.items.length === 0;
    next = doc.toString({ lineWidth: 0 });
  } else {
    // From the start of the entry's `- ` line to the end of its last line.
    const start = text.lastIndexOf('\n', entry.range[0] - 1) + 1;
    next = text.slice(0, start) + text.slice(endOfLine(text, Math.max(entry.range[0], entry.range[1] - 1)));
  }
  return verified(next, text, path);
}

export function changeSourceInText(text: string, path: string, url: string, change: SourceChange): string | undefined {
  const found = findSource(text, path, url);
  if (!found) return undefined;
  const { doc, entry } = found;
  const fields = Object.entries(change).filter(([, v]) => v !== undefined) as [keyof SourceChange, string][];
  let next = text;
  if (entry.flow || !entry.range) {
    for (const [key, value] of fields) entry.set(key, value);
    next = doc.toString({ lineWidth: 0 });
    return verified(next, text, path);
  }
  // Right to left, so the offsets of the edits still to make stay valid.
  const edits: { at: number; end: number; insert: string }[] = [];
  const urlPair = pairOf(entry, 'url')!;
  const keyStart = (urlPair.key as Node).range![0];
  const indent = ' '.repeat(keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1));
  for (const [key, value] of fields) {
    const scalar = stringify(value, { lineWidth: 0 }).trimEnd();
    const pair = pairOf(entry, key);
    const current = pair?.value as Node | null | undefined;
    if (pair && isScalar(current) && current.range) {
      edits.push({ at: current.range[0], end: current.range[1], insert: scalar });
    } else if (!pair) {
      const urlEnd = (urlPair.value as Node | null)?.range?.[1] ?? (urlPair.key as Node).range![1];
      const at = endOfLine(text, urlEnd);
      edits.push({ at, end: at, insert: `${at > 0 && text[at - 1] !== '\n' ? '\n' : ''}${indent}${key}: ${scalar}\n` });
    } else {
      entry.set(key, value);
      return verified(doc.toString({ lineWidth: 0 }), text, path);
    }
  }
  for (const e of edits.sort((a, b) => b.at - a.at)) next = next.slice(0, e.at) + e.insert + next.slice(e.end);
  return verified(next, text, path);
}

function findSource(text: string, path: string, url: string) {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const checked = parseConfigText(text, path, {});
    throw new ConfigError(checked.ok ? [] : checked.errors);
  }
  const root = doc.contents;
  const sources = isMap(root) ? root.get('sources', true) : undefined;
  if (!isSeq(sources)) return undefined;
  const key = feedUrlKey(url);
  for (const node of sources.items) {
    if (!isMap(node)) continue;
    const value = node.get('url');
    if (typeof value === 'string' && feedUrlKey(value.trim()) === key) {
      return { doc, seq: sources, entry: node as YAMLMap<unknown, unknown> };
    }
  }
  return undefined;
}

function pairOf(map: YAMLMap<unknown, unknown>, key: string): Pair<unknown, unknown> | undefined {
  return map.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key) as
    | Pair<unknown, unknown>
    | undefined;
}

/** Never turn a valid file into an invalid one. */
function verified(next: string, before: string, path: string): string {
  const checked = parseConfigText(next, path, {});
  if (!checked.ok && parseConfigText(before, path, {}).ok) throw new ConfigError(checked.errors);
  return next;
}

function endOfLine(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}
