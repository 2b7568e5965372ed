import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

export type PathSegment = string | number;

/** `['sources', 3, 'url']` → `sources[3].url`, the way operators read paths in messages. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

export interface Located {
  /** The deepest node found along the path (the value node, or the key node when the value is empty). */
  node: Node | null;
  /** True when the whole path was found; false when we fell back to an ancestor. */
  exact: boolean;
}

/**
 * Finds the YAML node for a data path. When the path does not exist (a missing key, say) it returns the
 * nearest ancestor, so every message still points somewhere sensible.
 */
export function locate(doc: Document, path: readonly PropertyKey[], wantKey = false): Located {
  let current: unknown = doc.contents;
  let found: Node | null = (doc.contents as Node | null) ?? null;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(current)) {
      const pair = current.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return { node: found, exact: false };
      const key = pair.key as Node;
      if ((last && wantKey) || pair.value === null || pair.value === undefined) {
        return { node: key, exact: last };
      }
      current = pair.value;
      found = pair.value as Node;
    } else if (isSeq(current) && typeof segment === 'number') {
      const item = current.items[segment];
      if (item === undefined || item === null) return { node: found, exact: false };
      current = item;
      found = item as Node;
    } else {
      return { node: found, exact: false };
    }
  }
  return { node: found, exact: true };
}

export interface Position {
  line: number;
  column: number;
}

export function positionOf(node: Node | null, lineCounter: LineCounter): Position {
  const offset = node?.range?.[0] ?? 0;
  return positionAt(offset, lineCounter);
}

export function positionAt(offset: number, lineCounter: LineCounter): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
