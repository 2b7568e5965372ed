import { lstat, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendSources, appendSourcesToText, applySuggestions } from '../../src/config/edit.ts';
import { formatIssues, loadConfigFile, parseConfigText } from '../../src/config/load.ts';
import { bundledConfigPath, tempConfigDir } from './helpers.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function bundledCopy() {
  const temp = await tempConfigDir();
  cleanups.push(temp.cleanup);
  return { ...temp, original: await readFile(temp.configPath, 'utf8') };
}

describe('appendSources', () => {
  it('appends new sources after the last one, keeping every existing byte and comment', async () => {
    const { dir, configPath, original } = await bundledCopy();
    const result = await appendSources(
      configPath,
      [
        { url: 'https://blog.example.org/feed.xml', title: 'Example: the blog', category: 'Blogs', siteUrl: 'x' },
        { url: 'http://heise.de/rss/heise-atom.xml', title: 'heise again (http, no www)' },
        { url: 'https://netzpolitik.org/feed?utm_source=opml&utm_medium=x', title: 'slash and utm' },
        { url: 'https://blog.example.org/feed.xml/', title: 'twice in one import' },
        { url: 'ftp://files.example.org/feed', title: 'not http' },
        { url: 'https://news.example.com/rss' },
      ],
      { category: 'Imported' },
    );

    expect(result.added).toEqual(['https://blog.example.org/feed.xml', 'https://news.example.com/rss']);
    expect(result.skipped).toEqual([
      {
        url: 'http://heise.de/rss/heise-atom.xml',
        reason: 'already subscribed as https://www.heise.de/rss/heise-atom.xml',
      },
      {
        url: 'https://netzpolitik.org/feed?utm_source=opml&utm_medium=x',
        reason: 'already subscribed as https://netzpolitik.org/feed/',
      },
      { url: 'https://blog.example.org/feed.xml/', reason: 'already subscribed as https://blog.example.org/feed.xml' },
      { url: 'ftp://files.example.org/feed', reason: 'url: must be an absolute http(s) URL' },
    ]);

    const written = await readFile(configPath, 'utf8');
    expect(written).toBe(result.text);
    const inserted = [
      '  - url: https://blog.example.org/feed.xml',
      '    title: "Example: the blog"',
      '    category: Blogs',
      '  - url: https://news.example.com/rss',
      '    category: Imported',
      '',
    ].join('\n');
    // Nothing of the original changed, and the new entries follow the last existing source.
    const at = written.indexOf(inserted);
    expect(written.slice(0, at) + written.slice(at + inserted.length)).toBe(original);
    const before = await loadConfigFile(bundledConfigPath, {});
    const lastUrl = before.ok ? before.config.sources.at(-1)!.url : '';
    const afterLastSource = original.indexOf('\n', original.indexOf(`url: ${lastUrl}`));
    expect(at).toBeGreaterThan(afterLastSource);
    expect(written.slice(afterLastSource, at)).not.toMatch(/^\S/m);

    const loaded = await loadConfigFile(configPath, {});
    if (!loaded.ok) throw new Error(formatIssues(loaded.errors));
    expect(loaded.config.sources.at(-1)).toMatchObject({ url: 'https://news.example.com/rss', category: 'Imported' });
    expect((await readdir(dir)).sort()).toEqual(['rundschau.yaml']);
  });

  it('writes through a symlinked config file', async () => {
    const { dir, configPath, original } = await bundledCopy();
    const link = join(dir, 'link.yaml');
    await symlink(configPath, link);
    await appendSources(link, [{ url: 'https://linked.example/feed' }]);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(configPath, 'utf8')).not.toBe(original);
    expect(await readFile(configPath, 'utf8')).toContain('  - url: https://linked.example/feed\n');
  });

  it('does not write when nothing is new or with dryRun', async () => {
    const { configPath, original } = await bundledCopy();
    const none = await appendSources(configPath, [{ url: 'https://t3n.de/rss.xml/' }]);
    expect(none.added).toEqual([]);
    const dry = await appendSources(configPath, [{ url: 'https://new.example/feed' }], { dryRun: true });
    expect(dry.added).toEqual(['https://new.example/feed']);
    expect(await readFile(configPath, 'utf8')).toBe(original);
  });

  it('fills an empty `sources: []` and keeps its comment', () => {
    const text = 'defaults:\n  concurrency: 4\nsources: []   # none yet\ntopics: []\n';
    const result = appendSourcesToText(text, 'rundschau.yaml', [{ url: 'https://a.example/feed', title: 'A' }]);
    expect(result.text).toBe(
      'defaults:\n  concurrency: 4\nsources: # none yet\n  - url: https://a.example/feed\n    title: A\ntopics: []\n',
    );
    expect(parseConfigText(result.text, 'f', {}).ok).toBe(true);
  });

  it('adds a sources section when the file has none (or does not exist)', async () => {
    const text = '# just a comment\nserver:\n  port: 8081';
    const result = appendSourcesToText(text, 'rundschau.yaml', [{ url: 'https://a.example/feed' }]);
    expect(result.text).toBe('# just a comment\nserver:\n  port: 8081\nsources:\n  - url: https://a.example/feed\n');

    const { dir } = await bundledCopy();
    const fresh = join(dir, 'new.yaml');
    await appendSources(fresh, [{ url: 'https://b.example/feed', category: 'B' }]);
    expect(await readFile(fresh, 'utf8')).toBe('sources:\n  - url: https://b.example/feed\n    category: B\n');
  });

  it('does not bring back a feed that was commented out', () => {
    const text =
      'sources:\n  - url: https://a.example/feed\n  # dead since 2025-01-01: HTTP 410\n  # - url: "https://gone.example/rss"\n';
    const result = appendSourcesToText(text, 'f', [{ url: 'http://gone.example/rss/' }]);
    expect(result.skipped).toEqual([
      {
        url: 'http://gone.example/rss/',
        reason: 'commented out on line 4 as https://gone.example/rss',
      },
    ]);
    expect(result.text).toBe(text);
  });

  it('refuses to edit a file with YAML syntax errors', () => {
    expect(() => appendSourcesToText('sources:\n  - url: a: b\n', 'f', [{ url: 'https://a.example/' }])).toThrow(
      /invalid configuration/,
    );
  });
});

describe('applySuggestions', () => {
  it('writes the suggested edits atomically and the result still loads', async () => {
    const { configPath } = await bundledCopy();
    const result = await applySuggestions(
      configPath,
      [
        { configUrl: 'https://t3n.de/rss.xml', fetchUrl: 'https://t3n.de/feed/', status: 'ok' },
        {
          configUrl: 'https://techcrunch.com/feed/',
          fetchUrl: 'https://techcrunch.com/feed/',
          status: 'dead',
          errorReason: 'HTTP 410',
        },
      ],
      { now: new Date('2025-03-01T00:00:00Z') },
    );
    expect(result.changes.map((c) => c.kind)).toEqual(['moved', 'dead']);
    const loaded = await loadConfigFile(configPath, {});
    if (!loaded.ok) throw new Error(formatIssues(loaded.errors));
    const urls = loaded.config.sources.map((s) => s.url);
    expect(urls).toContain('https://t3n.de/feed/');
    expect(urls).not.toContain('https://techcrunch.com/feed/');
    expect(await readFile(configPath, 'utf8')).toContain(
      '  # dead since 2025-03-01: HTTP 410\n  # - url: https://techcrunch.com/feed/\n',
    );
  });

  it('leaves the file alone when there is nothing to suggest', async () => {
    const { configPath, original } = await bundledCopy();
    await writeFile(configPath, original);
    const result = await applySuggestions(configPath, [
      { configUrl: 'https://t3n.de/rss.xml', fetchUrl: 'https://t3n.de/rss.xml', status: 'ok' },
    ]);
    expect(result).toEqual({ changes: [], diff: '' });
    expect(await readFile(configPath, 'utf8')).toBe(original);
  });
});
