import { randomBytes } from 'node:crypto';
import { chmod, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, stringify } from 'yaml';
import type { z } from 'zod';
import { feedUrlKey } from '../lib/url.ts';
import { ConfigError, type ConfigIssue, parseConfigText } from './load.ts';
import { sourceSchema } from './schema.ts';
import { type ConfigFact, type SuggestOptions, suggestConfigEdits } from './suggest.ts';

/**
 * What an import (OPML, CLI `add`) knows about a source, as written in the file. Fields the schema does not know
 * (an OPML `siteUrl`) are dropped.
 */
export type SourceEntry = { url: string } & Partial<Omit<z.input<typeof sourceSchema>, 'url'>> & { siteUrl?: string };

export interface AppendOptions {
  /** Category for entries that bring none. */
  category?: string;
  /** Compute the result without writing the file. */
  dryRun?: boolean;
}

export interface AppendResult {
  added: string[];
  skipped: { url: string; reason: string }[];
  /** The file's new text (also when nothing was added or with dryRun). */
  text: string;
}

/**
 * Appends sources to the `sources:` sequence of the config file, leaving every existing byte (entries, order,
 * comments, alignment) as it was, and skipping feeds the file already has. Writes atomically.
 */
export async function appendSources(
  path: string,
  entries: readonly SourceEntry[],
  opts: AppendOptions = {},
): Promise<AppendResult> {
  // Optimistic concurrency: if the file changed while we worked (an operator saving, another import), redo
  // the edit on the new text instead of overwriting it.
  for (let attempt = 1; ; attempt++) {
    const text = await readTextOrEmpty(path);
    const result = appendSourcesToText(text, path, entries, opts);
    if (opts.dryRun || result.added.length === 0) return result;
    if ((await readTextOrEmpty(path)) !== text && attempt < 3) continue;
    await writeFileAtomic(path, result.text);
    return result;
  }
}

/** The text-level work of appendSources, without touching the disk. */
export function appendSourcesToText(
  text: string,
  path: string,
  entries: readonly SourceEntry[],
  opts: AppendOptions = {},
): AppendResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const checked = parseConfigText(text, path, {});
    throw new ConfigError(checked.ok ? [] : checked.errors);
  }

  /** feedUrlKey → why a new entry with that key is skipped. */
  const known = new Map<string, string>();
  for (const url of existingSourceUrls(doc)) known.set(feedUrlKey(url), `already subscribed as ${url}`);
  // A feed the operator commented out (say, as dead) must not come back with the next OPML import.
  for (const { url, line } of commentedOutSourceUrls(text)) {
    if (!known.has(feedUrlKey(url))) known.set(feedUrlKey(url), `commented out on line ${line} as ${url}`);
  }

  const added: string[] = [];
  const skipped: AppendResult['skipped'] = [];
  const blocks: Record<string, unknown>[] = [];
  for (const entry of entries) {
    const clean = cleanEntry(entry, opts.category);
    const checked = sourceSchema.safeParse(clean);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      skipped.push({ url: entry.url, reason: `${issue.path.join('.') || 'entry'}: ${issue.message}` });
      continue;
    }
    const key = feedUrlKey(clean.url as string);
    const reason = known.get(key);
    if (reason !== undefined) {
      skipped.push({ url: entry.url, reason });
      continue;
    }
    known.set(key, `already subscribed as ${clean.url}`);
    blocks.push(clean);
    added.push(clean.url as string);
  }
  if (blocks.length === 0) return { added, skipped, text };

  const newText = insertIntoSources(text, doc, blocks);
  const verified = parseConfigText(newText, path, {});
  // Never turn a valid file into an invalid one; an already broken file is the operator's to fix.
  if (!verified.ok && parseConfigText(text, path, {}).ok) throw new ConfigError(verified.errors);
  return { added, skipped, text: newText };
}

/** Writes `text` through a temp file in the same directory and a rename, so readers never see half a file. */
export async function writeFileAtomic(linkOrPath: string, text: string): Promise<void> {
  // Write through a symlink (a config kept in a dotfiles repo) instead of replacing the link with a file.
  const path = await realpath(linkOrPath).catch(() => linkOrPath);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { flag: 'wx' });
    const mode = await stat(path).then(
      (s) => s.mode & 0o777,
      () => undefined,
    );
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
}

export interface ApplySuggestionsResult {
  changes: ReturnType<typeof suggestConfigEdits>['changes'];
  diff: string;
}

/** Writes the edits suggestConfigEdits proposes (moved feeds, dead feeds) into the file. */
export async function applySuggestions(
  path: string,
  facts: readonly ConfigFact[],
  opts: SuggestOptions = {},
): Promise<ApplySuggestionsResult> {
  const text = await readFile(path, 'utf8');
  const suggestion = suggestConfigEdits(text, basename(path), facts, opts);
  if (suggestion.changes.length > 0) {
    const checked = parseConfigText(suggestion.text, path, {});
    if (!checked.ok) throw new ConfigError(checked.errors as ConfigIssue[]);
    await writeFileAtomic(path, suggestion.text);
  }
  return { changes: suggestion.changes, diff: suggestion.diff };
}

async function readTextOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

function commentedOutSourceUrls(text: string): { url: string; line: number }[] {
  const found: { url: string; line: number }[] = [];
  text.split('\n').forEach((line, index) => {
    const match = /^\s*#\s*(?:-\s*)?url:\s*["']?(https?:\/\/[^\s"'#]+)/i.exec(line);
    if (match) found.push({ url: match[1]!, line: index + 1 });
  });
  return found;
}

function existingSourceUrls(doc: Document): string[] {
  const sources = doc.toJS()?.sources;
  if (!Array.isArray(sources)) return [];
  return sources.flatMap((s) => (s && typeof s.url === 'string' ? [s.url] : []));
}

const SOURCE_FIELDS = Object.keys(sourceSchema.shape);

function cleanEntry(entry: SourceEntry, fallbackCategory: string | undefined): Record<string, unknown> {
  const withCategory: Record<string, unknown> = { ...entry, category: entry.category || fallbackCategory };
  const clean: Record<string, unknown> = {};
  for (const field of SOURCE_FIELDS) {
    const value = withCategory[field];
    if (value === undefined || value === null || value === '') continue;
    clean[field] = typeof value === 'string' ? value.trim() : value;
  }
  return clean;
}

function renderItemLines(blocks: readonly Record<string, unknown>[], indent: string): string {
  const yaml = stringify(blocks, { lineWidth: 0 });
  return yaml
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => `${indent}${line}\n`)
    .join('');
}

function insertIntoSources(text: string, doc: Document, blocks: readonly Record<string, unknown>[]): string {
  const root = doc.contents;
  const pair = isMap(root)
    ? root.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === 'sources')
    : undefined;
  const value = pair?.value as Node | null | undefined;

  if (isSeq(value) && !value.flow && value.items.length > 0 && value.range) {
    const indent = dashIndent(text, (value.items[0] as Node).range?.[0] ?? value.range[0]);
    return insertAt(text, value.range[1], renderItemLines(blocks, indent));
  }
  if (
    pair &&
    isScalar(pair.key) &&
    pair.key.range &&
    (value === null || value === undefined || isEmptyFlowSeq(value))
  ) {
    // `sources:` or `sources: []`: turn it into a block sequence right under the key, keeping a trailing comment.
    let body = text;
    if (value?.range) body = text.slice(0, value.range[0]) + text.slice(value.range[1]).replace(/^[ \t]*/, '');
    const lineEnd = endOfLine(body, pair.key.range[1]);
    const keyIndent = dashIndent(body, pair.key.range[0]);
    return insertAt(body, lineEnd, renderItemLines(blocks, `${keyIndent}  `));
  }
  if (!pair) {
    const separator = text === '' || text.endsWith('\n') ? '' : '\n';
    return `${text}${separator}sources:\n${renderItemLines(blocks, '  ')}`;
  }
  // A flow sequence with items (rare in a hand-kept file): let the Document API rewrite it.
  if (isSeq(value)) {
    value.flow = false;
    for (const block of blocks) value.items.push(doc.createNode(block));
    return doc.toString({ lineWidth: 0 });
  }
  throw new Error('`sources:` is not a sequence; fix the file first');
}

function isEmptyFlowSeq(node: Node): boolean {
  return isSeq(node) && node.flow === true && node.items.length === 0;
}

/** Leading whitespace of the line holding `offset`. */
function dashIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ ]*/.exec(text.slice(lineStart))![0];
}

/** Offset just after the newline ending the line that holds `offset` (or the end of the text). */
function endOfLine(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

function insertAt(text: string, offset: number, insertion: string): string {
  const before = text.slice(0, offset);
  const needsNewline = before.length > 0 && !before.endsWith('\n');
  return `${before}${needsNewline ? '\n' : ''}${insertion}${text.slice(offset)}`;
}
