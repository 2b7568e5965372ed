/**
 * rss-parser and feed are each used through one adapter (docs/ARCHITECTURE.md), where every workaround for them is
 * documented and tested: no other file in src/ may import them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');
const ADAPTERS: Record<string, string> = {
  'rss-parser': 'parse/rss-parser-adapter.ts',
  feed: 'publish/feed-adapter.ts',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('library adapters', () => {
  const files = sourceFiles(SRC).map((file) => ({ path: relative(SRC, file), text: readFileSync(file, 'utf8') }));

  it.each(Object.entries(ADAPTERS))('only %s imports it', (library, adapter) => {
    const importPattern = new RegExp(`(?:from|import\\(|require\\()\\s*['"]${library}(?:/[^'"]*)?['"]`);
    const importers = files.filter((f) => importPattern.test(f.text)).map((f) => f.path.replaceAll('\\', '/'));
    expect(importers).toEqual([adapter]);
  });
});
