import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Document, LineCounter, parseDocument } from 'yaml';
import type * as z from 'zod';
import { feedUrlKey } from '../lib/url.ts';
import { formatPath, locate, positionAt, positionOf } from './locate.ts';
import { type Config, configSchema } from './schema.ts';

export interface ConfigIssue {
  file: string;
  line: number;
  column: number;
  /** Data path such as `sources[3].url`; empty for the whole document. */
  path: string;
  message: string;
  /** The offending line of the file, shown under the message (YAML syntax errors). */
  sourceLine?: string;
}

export type LoadResult = { ok: true; config: Config; warnings: ConfigIssue[] } | { ok: false; errors: ConfigIssue[] };

/** Thrown where a caller needs a config and cannot carry on without one (start-up). */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(`invalid configuration:\n${formatIssues(issues)}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Environment variables that win over the file, so secrets need not live in it. */
const ENV_OVERRIDES = [
  ['RUNDSCHAU_PASSWORD_HASH', 'passwordHash'],
  ['RUNDSCHAU_SESSION_SECRET', 'sessionSecret'],
  ['RUNDSCHAU_BASE_URL', 'baseUrl'],
] as const;

export const DEFAULT_CONFIG_FILE = 'rundschau.yaml';

/** `--config` flag, else `RUNDSCHAU_CONFIG`, else `./rundschau.yaml`; always absolute. */
export function resolveConfigPath(cliFlag?: string, env: Env = process.env): string {
  const chosen = cliFlag?.trim() || env.RUNDSCHAU_CONFIG?.trim() || DEFAULT_CONFIG_FILE;
  return resolve(chosen);
}

export async function loadConfigFile(path: string, env: Env = process.env): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    return { ok: false, errors: [{ file: path, line: 1, column: 1, path: '', message: `cannot read: ${reason}` }] };
  }
  return parseConfigText(text, path, env);
}

export function parseConfigText(text: string, path: string, env: Env = process.env): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number, dataPath: string, message: string): ConfigIssue => ({
    file: path,
    ...positionAt(offset, lineCounter),
    path: dataPath,
    message,
  });

  const warnings = doc.warnings.map((w) => at(w.pos[0], '', w.message));
  const [syntaxError] = doc.errors;
  if (syntaxError) {
    // Only the first: the parser's later errors are almost always consequences of it, and a cascade of them
    // hides the one line to fix.
    const issue = at(syntaxError.pos[0], '', syntaxError.message);
    return { ok: false, errors: [{ ...issue, sourceLine: lineAt(text, lineCounter, issue.line) }] };
  }

  const raw: unknown = doc.toJS() ?? {};
  if (!isPlainObject(raw)) {
    return { ok: false, errors: [at(0, '', 'the file must be a mapping with defaults/server/sources/topics')] };
  }
  dropEmptyValues(raw);
  applyEnvOverrides(raw, env);

  const issueAt = (dataPath: readonly PropertyKey[], message: string, wantKey = false): ConfigIssue => {
    const { node } = locate(doc, dataPath, wantKey);
    return { file: path, ...positionOf(node, lineCounter), path: formatPath(dataPath), message };
  };

  const errors: ConfigIssue[] = [];
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors.push(...zodIssueToConfigIssues(issue, issueAt, env));
  }
  errors.push(...duplicateSources(raw, doc, lineCounter, issueAt));
  errors.push(...duplicateTopicSlugs(raw, doc, lineCounter, issueAt));

  if (errors.length > 0 || !parsed.success) {
    errors.sort((a, b) => a.line - b.line || a.column - b.column);
    return { ok: false, errors };
  }
  warnings.push(...topicReferenceWarnings(parsed.data, issueAt));
  return { ok: true, config: parsed.data, warnings };
}

/**
 * `rundschau.yaml:12:7: sources[3].url: must be an absolute http(s) URL`, one line per issue; a syntax error is
 * followed by the offending line and a caret under the column.
 */
export function formatIssues(issues: readonly ConfigIssue[]): string {
  return issues
    .map((i) => {
      const head = `${i.file}:${i.line}:${i.column}: ${i.path ? `${i.path}: ` : ''}${i.message.replace(/\s*\n\s*/g, ' ')}`;
      if (i.sourceLine === undefined) return head;
      const shown = i.sourceLine.replace(/\t/g, ' ');
      return `${head}\n  ${shown}\n  ${' '.repeat(Math.max(0, i.column - 1))}^`;
    })
    .join('\n');
}

function lineAt(text: string, lineCounter: LineCounter, line: number): string {
  const start = lineCounter.lineStarts[line - 1] ?? text.length;
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? undefined : end).replace(/\r$/, '');
}

/**
 * A key written with nothing after it (`defaults:`, `retention:`) means "not given", so it takes its default
 * like an absent key, at any depth. Items of a list are left alone: `- ` with nothing is an error to report.
 */
function dropEmptyValues(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) dropEmptyValues(item);
  } else if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (child === null) delete value[key];
      else dropEmptyValues(child);
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function applyEnvOverrides(raw: Record<string, unknown>, env: Env): void {
  for (const [variable, key] of ENV_OVERRIDES) {
    const value = env[variable]?.trim();
    if (!value) continue;
    if (raw.server === undefined) raw.server = {};
    // A malformed `server:` section is reported by the schema; do not paper over it.
    if (isPlainObject(raw.server)) raw.server[key] = value;
  }
}

type IssueAt = (path: readonly PropertyKey[], message: string, wantKey?: boolean) => ConfigIssue;

function zodIssueToConfigIssues(issue: z.core.$ZodIssue, issueAt: IssueAt, env: Env): ConfigIssue[] {
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(issue.path);
    return issue.keys.map((key) => {
      const hint = closestKey(key, known);
      return issueAt([...issue.path, key], `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`, true);
    });
  }
  const fromEnv = envVariableFor(issue.path, env);
  return [issueAt(issue.path, fromEnv ? `${issue.message} (from ${fromEnv})` : issue.message)];
}

function envVariableFor(path: readonly PropertyKey[], env: Env): string | undefined {
  if (path.length !== 2 || path[0] !== 'server') return undefined;
  const entry = ENV_OVERRIDES.find(([, key]) => key === path[1]);
  return entry && env[entry[0]]?.trim() ? entry[0] : undefined;
}

function duplicateSources(
  raw: Record<string, unknown>,
  doc: Document,
  lineCounter: LineCounter,
  issueAt: IssueAt,
): ConfigIssue[] {
  if (!Array.isArray(raw.sources)) return [];
  const firstSeen = new Map<string, number>();
  const issues: ConfigIssue[] = [];
  raw.sources.forEach((source, index) => {
    if (!isPlainObject(source) || typeof source.url !== 'string') return;
    const key = feedUrlKey(source.url);
    const earlier = firstSeen.get(key);
    if (earlier === undefined) {
      firstSeen.set(key, index);
      return;
    }
    const earlierLine = positionOf(locate(doc, ['sources', earlier, 'url']).node, lineCounter).line;
    issues.push(
      issueAt(
        ['sources', index, 'url'],
        `same feed as sources[${earlier}].url on line ${earlierLine}; remove one of them`,
      ),
    );
  });
  return issues;
}

function duplicateTopicSlugs(
  raw: Record<string, unknown>,
  doc: Document,
  lineCounter: LineCounter,
  issueAt: IssueAt,
): ConfigIssue[] {
  if (!Array.isArray(raw.topics)) return [];
  const firstSeen = new Map<string, number>();
  const issues: ConfigIssue[] = [];
  raw.topics.forEach((topic, index) => {
    if (!isPlainObject(topic) || typeof topic.slug !== 'string') return;
    const earlier = firstSeen.get(topic.slug);
    if (earlier === undefined) {
      firstSeen.set(topic.slug, index);
      return;
    }
    const earlierLine = positionOf(locate(doc, ['topics', earlier, 'slug']).node, lineCounter).line;
    issues.push(
      issueAt(
        ['topics', index, 'slug'],
        `slug "${topic.slug}" is already used by topics[${earlier}] on line ${earlierLine}`,
      ),
    );
  });
  return issues;
}

/** A topic that filters on a category or source the file does not have would silently match nothing. */
function topicReferenceWarnings(config: Config, issueAt: IssueAt): ConfigIssue[] {
  const categories = new Set(config.sources.map((s) => s.category.toLowerCase()));
  const warnings: ConfigIssue[] = [];
  config.topics.forEach((topic, t) => {
    topic.rules.categories.forEach((category, c) => {
      if (!categories.has(category.toLowerCase())) {
        warnings.push(issueAt(['topics', t, 'rules', 'categories', c], `no source has the category "${category}"`));
      }
    });
    topic.rules.sources.forEach((fragment, f) => {
      if (!config.sources.some((s) => s.url.includes(fragment))) {
        warnings.push(issueAt(['topics', t, 'rules', 'sources', f], `no source URL contains "${fragment}"`));
      }
    });
  });
  return warnings;
}

/** Keys the schema allows at a data path, for "did you mean" hints. */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: unknown = configSchema;
  for (const segment of [...path, null]) {
    schema = unwrap(schema);
    if (segment === null) break;
    const def = defOf(schema);
    if (def?.type === 'object' && typeof segment === 'string') schema = (def.shape as Record<string, unknown>)[segment];
    else if (def?.type === 'array' && typeof segment === 'number') schema = def.element;
    else if (def?.type === 'record') schema = def.valueType;
    else return [];
  }
  const def = defOf(schema);
  return def?.type === 'object' ? Object.keys(def.shape as object) : [];
}

function defOf(schema: unknown): Record<string, any> | undefined {
  return (schema as { _zod?: { def?: Record<string, any> } } | undefined)?._zod?.def;
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def?.type === 'default' || def?.type === 'prefault' || def?.type === 'optional' || def?.type === 'nullable')
      current = def.innerType;
    else if (def?.type === 'pipe') current = def.in;
    else return current;
  }
}

function closestKey(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // More than a third of the letters wrong is a different word, not a typo.
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

/** Optimal string alignment distance: a swapped pair of letters counts as one typo. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
