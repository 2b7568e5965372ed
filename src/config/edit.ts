import { randomBytes } from 'node:crypto';
import { chmod, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, stringify } from 'yaml';
import type * as z from 'zod';
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

/*
 * Edits made by the reader's management pages. Each is a pure text → text function over the YAML Document (so the
 * file's comments, order and blank lines stay), applied by `editConfigFile` under a lock with a re-read check.
 */

/** A change to one source entry: a value sets the key, `null` removes it. */
export type SourcePatch = Partial<
  Record<'title' | 'category' | 'language' | 'interval' | 'identity' | 'disabled', string | number | boolean | null>
> & { retention?: { days?: number | null; items?: number | null; minItems?: number | null } | null };

/** The index of the entry for `url` (the config URL, compared as the sync compares feeds) in `sources:`. */
function sourceIndex(doc: Document, url: string): number {
  const seq = doc.get('sources');
  if (!isSeq(seq)) return -1;
  const key = feedUrlKey(url);
  return seq.items.findIndex((node) => {
    const value = isMap(node) ? node.get('url') : undefined;
    return typeof value === 'string' && feedUrlKey(value) === key;
  });
}

function parseForEdit(text: string, path: string): Document {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const checked = parseConfigText(text, path, {});
    throw new ConfigError(checked.ok ? [] : checked.errors);
  }
  return doc;
}

/** The file's own style for block sequences under a key (`- ` at the key's indent or two further in). */
function printDocument(doc: Document, original: string): string {
  const indentSeq = !/^[A-Za-z_]+:[ \t]*(#.*)?\r?\n-[ \t]/m.test(original);
  return doc.toString({ lineWidth: 0, indentSeq });
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

/**
 * The edited text: the original with `splices` applied, so every byte outside them stays (alignment of comments,
 * flow lists, quoting); when the spliced text does not mean what the edited Document means (an entry written in a
 * style the splices do not handle), the Document printed instead — right, if less tidy.
 */
function spliceOrPrint(original: string, splices: Splice[], edited: Document): string {
  let text = original;
  // From the end, so offsets stay valid; insertions at one offset keep their order.
  const ordered = splices.map((s, i) => ({ ...s, i })).sort((a, b) => b.start - a.start || b.i - a.i);
  for (const s of ordered) text = text.slice(0, s.start) + s.text + text.slice(s.end);
  const reparsed = parseDocument(text, { prettyErrors: false });
  if (reparsed.errors.length === 0 && isDeepStrictEqual(reparsed.toJS(), edited.toJS())) return text;
  return printDocument(edited, original);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** One scalar as YAML writes it inline (quoted when it must be). */
function inlineScalar(value: unknown): string {
  return stringify(value, { lineWidth: 0 }).replace(/\n$/, '');
}

/**
 * Splices that set (or with null/'' remove) `key` in the block map `map`: a scalar's value is replaced where it
 * stands, a removed key's lines go, a new key becomes a line after the map's last one.
 */
function keySplices(text: string, map: Node, key: string, value: unknown, doc: Document): Splice[] {
  if (!isMap(map) || !map.range) return [];
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  const remove = value === null || value === undefined || value === '';
  const firstKey = map.items[0]?.key as Node | undefined;
  const indent = firstKey?.range ? firstKey.range[0] - lineStart(text, firstKey.range[0]) : 2;
  if (pair) {
    const keyNode = pair.key as Node;
    const valueNode = pair.value as Node | null;
    const valueEnd = valueNode?.range?.[1] ?? keyNode.range![1];
    if (remove) {
      const from = lineStart(text, keyNode.range![0]);
      return [{ start: from, end: endOfLine(text, Math.max(keyNode.range![0], valueEnd - 1)), text: '' }];
    }
    if (isScalar(valueNode) && valueNode.range && typeof value !== 'object') {
      return [{ start: valueNode.range[0], end: valueNode.range[1], text: inlineScalar(value) }];
    }
    if (isMap(valueNode) && !valueNode.flow && value && typeof value === 'object') {
      return Object.entries(value).flatMap(([k, v]) => keySplices(text, valueNode, k, v, doc));
    }
    if (valueNode?.range) {
      return [{ start: valueNode.range[0], end: valueNode.range[1], text: inlineFlow(value) }];
    }
    return [];
  }
  if (remove) return [];
  const at = endOfLine(text, Math.max(map.range[0], map.range[1] - 1));
  const pad = ' '.repeat(indent);
  let line: string;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== null && v !== undefined);
    if (entries.length === 0) return [];
    line = `${pad}${key}:\n${entries.map(([k, v]) => `${pad}  ${k}: ${inlineScalar(v)}\n`).join('')}`;
  } else line = `${pad}${key}: ${inlineScalar(value)}\n`;
  return [{ start: at, end: at, text: text.slice(at - 1, at) === '\n' || at === 0 ? line : `\n${line}` }];
}

function inlineFlow(value: unknown): string {
  if (!value || typeof value !== 'object') return inlineScalar(value);
  const entries = Object.entries(value).filter(([, v]) => v !== null && v !== undefined);
  return `{ ${entries.map(([k, v]) => `${k}: ${inlineScalar(v)}`).join(', ')} }`;
}

function cleanRetention(patch: SourcePatch['retention']): Record<string, number> | null {
  const values = Object.entries(patch ?? {}).filter(([, v]) => v !== null && v !== undefined);
  return values.length === 0 ? null : (Object.fromEntries(values) as Record<string, number>);
}

/** Applies `patch` to the entry of `url`; throws when the file has no such source. */
export function updateSourceInText(text: string, path: string, url: string, patch: SourcePatch): string {
  const doc = parseForEdit(text, path);
  const index = sourceIndex(doc, url);
  if (index < 0) throw new Error(`no source ${url} in ${basename(path)}`);
  const entry = doc.getIn(['sources', index], true) as Node;
  if (!isMap(entry)) throw new Error(`sources[${index}] is not a mapping`);
  if (patch.disabled === false) patch = { ...patch, disabled: null };
  const changes: [string, unknown][] = Object.entries(patch).filter(
    ([key]) => key !== 'retention' && key !== 'enabled',
  );
  if (patch.disabled === null || patch.disabled === false) {
    // Enabling undoes either spelling of "off".
    if (!('disabled' in patch)) changes.push(['disabled', null]);
    if (entry.get('enabled') === false) changes.push(['enabled', null]);
  }
  if (patch.retention !== undefined) changes.push(['retention', cleanRetention(patch.retention)]);

  const edited = parseForEdit(text, path);
  const editedEntry = edited.getIn(['sources', index], true) as Node & {
    delete(k: string): void;
    set(k: string, v: unknown): void;
  };
  const splices: Splice[] = [];
  for (const [key, value] of changes) {
    if (value === null || value === undefined || value === '') editedEntry.delete(key);
    else editedEntry.set(key, key === 'retention' ? edited.createNode(value) : value);
    splices.push(...keySplices(text, entry, key, value, doc));
  }
  return spliceOrPrint(text, splices, edited);
}

/** Removes the entry of `url` from `sources:` (its items stay in the database, as for any source leaving the file). */
export function removeSourceFromText(text: string, path: string, url: string): string {
  const doc = parseForEdit(text, path);
  const index = sourceIndex(doc, url);
  if (index < 0) throw new Error(`no source ${url} in ${basename(path)}`);
  const item = (doc.get('sources') as { items: Node[] }).items[index]!;
  const edited = parseForEdit(text, path);
  (edited.get('sources') as { items: unknown[] }).items.splice(index, 1);
  const splices = item.range
    ? [
        {
          start: lineStart(text, item.range[0]),
          end: endOfLine(text, Math.max(item.range[0], item.range[1] - 1)),
          text: '',
        },
      ]
    : [];
  return spliceOrPrint(text, splices, edited);
}

/** The YAML text of a topic's `rules:` block as written (comments included), for the rule editor. */
export function topicRulesText(text: string, slug: string): string | undefined {
  const doc = parseDocument(text, { prettyErrors: false });
  const topics = doc.get('topics');
  if (!isSeq(topics)) return undefined;
  const topic = topics.items.find((node) => isMap(node) && node.get('slug') === slug);
  if (!isMap(topic)) return undefined;
  const rules = topic.get('rules', true) as Node | undefined;
  if (!rules?.range) return '';
  if (isMap(rules) && !rules.flow) {
    // The block as written, shifted left to column 0.
    const from = lineStart(text, rules.range[0]);
    const indent = rules.range[0] - from;
    return text
      .slice(from, rules.range[1])
      .split('\n')
      .map((line) => line.slice(Math.min(indent, /^ */.exec(line)![0].length)))
      .join('\n');
  }
  const inner = new Document();
  inner.contents = rules;
  return inner.toString({ lineWidth: 0 });
}

/** Replaces a topic's `rules:` with the YAML `rulesYaml` (the editor's comments go into the file too). */
export function setTopicRulesInText(text: string, path: string, slug: string, rulesYaml: string): string {
  const doc = parseForEdit(text, path);
  const lines = new LineCounter();
  const rules = parseDocument(rulesYaml, { prettyErrors: false, lineCounter: lines });
  if (rules.errors.length > 0) {
    const error = rules.errors[0]!;
    const at = lines.linePos(error.pos[0]);
    throw new ConfigError([{ file: 'rules', line: at.line, column: at.col, path: 'rules', message: error.message }]);
  }
  const topics = doc.get('topics');
  const index = isSeq(topics) ? topics.items.findIndex((node) => isMap(node) && node.get('slug') === slug) : -1;
  if (index < 0) throw new Error(`no topic ${slug} in ${basename(path)}`);
  const edited = parseForEdit(text, path);
  edited.setIn(['topics', index, 'rules'], rules.contents ?? edited.createNode({}));

  const topic = doc.getIn(['topics', index], true) as Node;
  const current = isMap(topic) ? (topic.get('rules', true) as Node | undefined) : undefined;
  const body = rulesYaml.replace(/\s+$/, '');
  const splices: Splice[] = [];
  if (isMap(current) && !current.flow && current.range && body !== '' && isMap(rules.contents)) {
    const from = lineStart(text, current.range[0]);
    const pad = ' '.repeat(current.range[0] - from);
    const indented = body
      .split('\n')
      .map((line) => (line.trim() === '' ? '' : pad + line))
      .join('\n');
    splices.push({
      start: from,
      end: endOfLine(text, Math.max(current.range[0], current.range[1] - 1)),
      text: `${indented}\n`,
    });
  }
  return spliceOrPrint(text, splices, edited);
}

export interface ConfigEditResult {
  /** The text written (the file's text when `edit` changed nothing). */
  text: string;
  changed: boolean;
  /** How many times the file changed under the edit and it was redone on the new text. */
  retries: number;
}

const editLocks = new Map<string, Promise<unknown>>();

/**
 * Applies `edit` (text → text) to the config file: under a lock (one UI edit at a time), refusing a result that
 * fails the checks `check-config` makes (ConfigError with file:line:col), and — since an operator may save the file
 * meanwhile — re-reading just before the write and redoing the edit on the new text when it changed, so neither
 * change is lost.
 */
export async function editConfigFile(
  path: string,
  edit: (text: string) => string,
  opts: { env?: Record<string, string | undefined>; maxAttempts?: number } = {},
): Promise<ConfigEditResult> {
  const previous = editLocks.get(path) ?? Promise.resolve();
  const run = previous
    .catch(() => {})
    .then(async () => {
      const maxAttempts = opts.maxAttempts ?? 5;
      for (let attempt = 0; ; attempt++) {
        const text = await readTextOrEmpty(path);
        const next = edit(text);
        if (next === text) return { text, changed: false, retries: attempt };
        const checked = parseConfigText(next, path, opts.env ?? process.env);
        if (!checked.ok) throw new ConfigError(checked.errors);
        if ((await readTextOrEmpty(path)) !== text) {
          if (attempt + 1 < maxAttempts) continue;
          throw new Error(`${basename(path)} keeps changing; try again`);
        }
        await writeFileAtomic(path, next);
        return { text: next, changed: true, retries: attempt };
      }
    });
  editLocks.set(path, run);
  try {
    return await run;
  } finally {
    if (editLocks.get(path) === run) editLocks.delete(path);
  }
}
