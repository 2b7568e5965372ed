import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, Scalar, stringify } from 'yaml';
import { feedUrlKey } from '../lib/url.ts';
import { unifiedDiff } from './diff.ts';

/** What the app learned about one source while fetching it. */
export interface ConfigFact {
  configUrl: string;
  /** The URL the app fetches now (differs from configUrl after a permanent redirect). */
  fetchUrl: string;
  status: string;
  errorReason?: string | null;
  lastError?: string | null;
  /** When the source was declared dead; the suggestion's date. */
  deadSince?: string | Date | null;
}

export interface SuggestOptions {
  /** What to do with a dead feed: comment it out with the reason (default) or drop it. */
  dead?: 'comment' | 'remove';
  /** Date used when a dead fact brings no `deadSince`. */
  now?: Date;
}

export type ConfigChange =
  | { kind: 'moved'; index: number; line: number; from: string; to: string }
  | {
      kind: 'dead';
      index: number;
      line: number;
      url: string;
      reason: string;
      action: 'comment' | 'remove';
    };

export interface Suggestion {
  /** Unified diff from the current file to the suggested one; empty when nothing should change. */
  diff: string;
  changes: ConfigChange[];
  /** The suggested file text. */
  text: string;
}

interface TextEdit {
  start: number;
  end: number;
  replacement: string;
}

interface SourceItem {
  index: number;
  item: Node;
  urlNode: Scalar;
}

/**
 * Turns what the app learned (a feed moved for good, a feed died) into edits of the config file, made on the
 * text so comments and layout stay as the operator wrote them.
 */
export function suggestConfigEdits(
  configText: string,
  path: string,
  facts: readonly ConfigFact[],
  opts: SuggestOptions = {},
): Suggestion {
  const lineCounter = new LineCounter();
  const doc = parseDocument(configText, { lineCounter, prettyErrors: false });
  const none: Suggestion = { diff: '', changes: [], text: configText };
  if (doc.errors.length > 0) return none;
  const sources = doc.get('sources', true);
  if (!isSeq(sources) || sources.flow) return none;

  const byKey = new Map<string, SourceItem>();
  sources.items.forEach((item, index) => {
    if (!isMap(item)) return;
    const pair = item.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === 'url');
    if (pair && isScalar(pair.value) && typeof pair.value.value === 'string') {
      byKey.set(feedUrlKey(pair.value.value), { index, item: item as Node, urlNode: pair.value });
    }
  });

  const edits: TextEdit[] = [];
  const changes: ConfigChange[] = [];
  const touched = new Set<number>();
  const lineOf = (node: Node) => lineCounter.linePos(node.range![0]).line;

  const markDead = (source: SourceItem, url: string, reason: string, date: string) => {
    const action = opts.dead ?? 'comment';
    edits.push(deadItemEdit(configText, source.item, action, `dead since ${date}: ${reason}`));
    changes.push({ kind: 'dead', index: source.index, line: lineOf(source.item), url, reason, action });
    touched.add(source.index);
  };

  const today = isoDate(opts.now ?? new Date());
  for (const fact of facts) {
    const source = byKey.get(feedUrlKey(fact.configUrl));
    if (!source || touched.has(source.index)) continue;
    const currentUrl = String(source.urlNode.value);

    if (fact.status === 'dead') {
      const reason = oneLine(fact.errorReason || fact.lastError || 'no reason recorded');
      markDead(source, currentUrl, reason, fact.deadSince ? isoDate(new Date(fact.deadSince)) : today);
      continue;
    }
    const target = fact.fetchUrl?.trim();
    if (!target || target === currentUrl.trim()) continue;

    const other = byKey.get(feedUrlKey(target));
    if (other && other.index !== source.index) {
      // The feed moved to one the file already lists: the old entry is now a duplicate.
      const reason = `moved permanently to ${target}, already listed on line ${lineOf(other.item)}`;
      markDead(source, currentUrl, reason, today);
      continue;
    }
    const [start, end] = source.urlNode.range!;
    edits.push({ start, end, replacement: renderUrl(target, source.urlNode) });
    changes.push({ kind: 'moved', index: source.index, line: lineOf(source.item), from: currentUrl, to: target });
    touched.add(source.index);
  }

  if (edits.length === 0) return none;
  let text = configText;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    text = text.slice(0, edit.start) + edit.replacement + text.slice(edit.end);
  }
  changes.sort((a, b) => a.line - b.line);
  return { diff: unifiedDiff(configText, text, path, `${path} (suggested)`), changes, text };
}

/** Comments out (or removes) all lines of a sequence item, with a note above it saying why. */
function deadItemEdit(text: string, item: Node, action: 'comment' | 'remove', note: string): TextEdit {
  const start = text.lastIndexOf('\n', item.range![0] - 1) + 1;
  const end = endOfLine(text, lastContentEnd(item));
  const indent = /^[ ]*/.exec(text.slice(start))![0];
  if (action === 'remove') return { start, end, replacement: '' };
  const lines = text.slice(start, end).replace(/\n$/, '').split('\n');
  const commented = lines.map((line) => `${indent}# ${line.slice(indent.length)}`.trimEnd());
  return { start, end, replacement: [`${indent}# ${note}`, ...commented].join('\n') + '\n' };
}

/** End of the item's last value, so comments that follow it (and belong to the next item) stay untouched. */
function lastContentEnd(node: Node): number {
  if (isMap(node) || isSeq(node)) {
    const last = node.items.at(-1);
    const lastNode = isPair(last) ? ((last.value ?? last.key) as Node | null) : (last as Node | undefined);
    if (lastNode?.range) return lastContentEnd(lastNode);
  }
  return node.range![1];
}

function endOfLine(text: string, offset: number): number {
  const newline = text.indexOf('\n', Math.max(0, offset - 1));
  return newline === -1 ? text.length : newline + 1;
}

/** Keeps the quoting style the operator used for the URL. */
function renderUrl(url: string, original: Scalar): string {
  if (original.type === Scalar.QUOTE_DOUBLE) return JSON.stringify(url);
  if (original.type === Scalar.QUOTE_SINGLE) return `'${url.replace(/'/g, "''")}'`;
  return stringify(url, { lineWidth: 0 }).trimEnd();
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}

function isoDate(date: Date): string {
  return Number.isNaN(date.getTime()) ? isoDate(new Date()) : date.toISOString().slice(0, 10);
}
