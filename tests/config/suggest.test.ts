import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/config/diff.ts';
import { parseConfigText } from '../../src/config/load.ts';
import { suggestConfigEdits } from '../../src/config/suggest.ts';
import { bundledConfigPath } from './helpers.ts';

const small = [
  '# my feeds',
  'sources:',
  '  # --- news',
  '  - url: https://old.example.org/rss   # the old address',
  '    title: Old',
  '  - url: "https://dead.example.net/feed"',
  '    title: Dead',
  '    retention:',
  '      days: 3',
  '  # --- blogs',
  '  - url: https://blog.example.com/feed',
  '    title: Blog',
  'topics: []',
  '',
].join('\n');

const now = new Date('2025-06-01T12:00:00Z');

/** Applies the diff with patch(1), so the hunks are checked by a real consumer of unified diffs. */
async function applyWithPatch(original: string, diff: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rundschau-patch-'));
  try {
    await writeFile(join(dir, 'rundschau.yaml'), original);
    execFileSync('patch', ['-s', '-p0', 'rundschau.yaml'], { cwd: dir, input: diff });
    return await readFile(join(dir, 'rundschau.yaml'), 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('suggestConfigEdits', () => {
  it('replaces the URL of a feed that moved for good and comments out a dead one', async () => {
    const result = suggestConfigEdits(
      small,
      'rundschau.yaml',
      [
        { configUrl: 'https://old.example.org/rss', fetchUrl: 'https://new.example.org/feed.xml', status: 'ok' },
        {
          configUrl: 'https://dead.example.net/feed',
          fetchUrl: 'https://dead.example.net/feed',
          status: 'dead',
          errorReason: 'gone',
          lastError: 'HTTP 410 Gone\n  (twice)',
          deadSince: '2025-05-20T08:00:00Z',
        },
        { configUrl: 'https://blog.example.com/feed', fetchUrl: 'https://blog.example.com/feed', status: 'ok' },
        { configUrl: 'https://unknown.example/feed', fetchUrl: 'https://elsewhere.example/feed', status: 'ok' },
      ],
      { now },
    );
    expect(result.changes).toEqual([
      { kind: 'moved', index: 0, line: 4, from: 'https://old.example.org/rss', to: 'https://new.example.org/feed.xml' },
      { kind: 'dead', index: 1, line: 6, url: 'https://dead.example.net/feed', reason: 'gone', action: 'comment' },
    ]);
    expect(result.diff).toBe(
      [
        '--- rundschau.yaml',
        '+++ rundschau.yaml (suggested)',
        '@@ -1,12 +1,13 @@',
        ' # my feeds',
        ' sources:',
        '   # --- news',
        '-  - url: https://old.example.org/rss   # the old address',
        '+  - url: https://new.example.org/feed.xml   # the old address',
        '     title: Old',
        '-  - url: "https://dead.example.net/feed"',
        '-    title: Dead',
        '-    retention:',
        '-      days: 3',
        '+  # dead since 2025-05-20: gone',
        '+  # - url: "https://dead.example.net/feed"',
        '+  #   title: Dead',
        '+  #   retention:',
        '+  #     days: 3',
        '   # --- blogs',
        '   - url: https://blog.example.com/feed',
        '     title: Blog',
        '',
      ].join('\n'),
    );
    expect(await applyWithPatch(small, result.diff)).toBe(result.text);
    const loaded = parseConfigText(result.text, 'rundschau.yaml', {});
    expect(loaded.ok && loaded.config.sources.map((s) => s.url)).toEqual([
      'https://new.example.org/feed.xml',
      'https://blog.example.com/feed',
    ]);
  });

  it('uses lastError when there is no reason and can remove instead of commenting', () => {
    const result = suggestConfigEdits(
      small,
      'rundschau.yaml',
      [{ configUrl: 'https://blog.example.com/feed', fetchUrl: '', status: 'dead', lastError: 'DNS: ENOTFOUND' }],
      { now, dead: 'remove' },
    );
    expect(result.changes).toEqual([
      {
        kind: 'dead',
        index: 2,
        line: 11,
        url: 'https://blog.example.com/feed',
        reason: 'DNS: ENOTFOUND',
        action: 'remove',
      },
    ]);
    expect(result.text).toBe(small.replace('  - url: https://blog.example.com/feed\n    title: Blog\n', ''));
  });

  it('comments out a feed that moved to one the file already lists', () => {
    const result = suggestConfigEdits(
      small,
      'rundschau.yaml',
      [{ configUrl: 'https://old.example.org/rss', fetchUrl: 'http://blog.example.com/feed/', status: 'ok' }],
      { now },
    );
    expect(result.changes[0]).toMatchObject({
      kind: 'dead',
      reason: 'moved permanently to http://blog.example.com/feed/, already listed on line 11',
    });
    expect(parseConfigText(result.text, 'f', {}).ok).toBe(true);
  });

  it('suggests nothing when the facts match the file', () => {
    const result = suggestConfigEdits(small, 'rundschau.yaml', [
      { configUrl: 'https://old.example.org/rss', fetchUrl: 'https://old.example.org/rss', status: 'ok' },
    ]);
    expect(result).toEqual({ diff: '', changes: [], text: small });
  });

  it('produces separate hunks for distant edits in the bundled config', async () => {
    const original = await readFile(bundledConfigPath, 'utf8');
    const result = suggestConfigEdits(
      original,
      'rundschau.yaml',
      [
        {
          configUrl: 'https://www.heise.de/rss/heise-atom.xml',
          fetchUrl: 'https://www.heise.de/rss/heise.rdf',
          status: 'ok',
        },
        {
          configUrl: 'https://www.computerwoche.de/feed/',
          fetchUrl: 'https://www.computerwoche.de/feed/',
          status: 'dead',
          errorReason: 'HTTP 404',
        },
      ],
      { now },
    );
    expect(result.diff.match(/^@@ /gm)).toHaveLength(2);
    expect(result.diff).toContain(
      '+  # dead since 2025-06-01: HTTP 404\n+  # - url: https://www.computerwoche.de/feed/\n',
    );
    expect(await applyWithPatch(original, result.diff)).toBe(result.text);
    const loaded = parseConfigText(result.text, 'rundschau.yaml', {});
    if (!loaded.ok) throw new Error('suggested config does not load');
    expect(loaded.config.sources[0]!.url).toBe('https://www.heise.de/rss/heise.rdf');
    // Comments around the edited items (group headers, the next section's heading) stay as they were.
    const commentLines = original.split('\n').filter((line) => /^\s*#/.test(line));
    for (const line of commentLines) expect(result.text.split('\n')).toContain(line);
  });
});

describe('unifiedDiff', () => {
  it('handles insertions at the start and deletions at the end', async () => {
    const before = 'a\nb\nc\n';
    const after = 'new\na\nb\n';
    const diff = unifiedDiff(before, after, 'x', 'y');
    expect(diff).toBe('--- x\n+++ y\n@@ -1,3 +1,3 @@\n+new\n a\n b\n-c\n');
    expect(unifiedDiff('', 'a\n', 'x', 'y')).toBe('--- x\n+++ y\n@@ -0,0 +1,1 @@\n+a\n');
    expect(unifiedDiff('same\n', 'same\n', 'x', 'y')).toBe('');
  });
});
