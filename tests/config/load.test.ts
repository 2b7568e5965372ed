import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ConfigIssue,
  formatIssues,
  type LoadResult,
  loadConfigFile,
  parseConfigText,
  resolveConfigPath,
} from '../../src/config/load.ts';
import { lineOf, tempConfigDir } from './helpers.ts';

const noEnv = {};

function errorsOf(result: LoadResult): ConfigIssue[] {
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.errors;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('loadConfigFile', () => {
  it('loads the bundled rundschau.yaml', async () => {
    const { configPath, cleanup } = await tempConfigDir();
    cleanups.push(cleanup);
    const result = await loadConfigFile(configPath, noEnv);
    if (!result.ok) throw new Error(formatIssues(result.errors));
    expect(result.warnings).toEqual([]);
    expect(result.config.sources.length).toBeGreaterThan(10);
    expect(result.config.defaults.minInterval).toBe(600);
    expect(result.config.defaults.maxInterval).toBe(12 * 3600);
    expect(result.config.sources[0]).toMatchObject({ category: 'Tech (de)', language: 'de', enabled: true });
    expect(Array.isArray(result.config.topics)).toBe(true);
  });

  it('reports a missing file as an error, not an exception', async () => {
    const errors = errorsOf(await loadConfigFile('/nonexistent/rundschau.yaml', noEnv));
    expect(errors[0]).toMatchObject({ line: 1, column: 1, message: 'cannot read: file not found' });
  });

  it('points at the bad URL in the bundled file', async () => {
    const { configPath, cleanup } = await tempConfigDir();
    cleanups.push(cleanup);
    const text = (await readFile(configPath, 'utf8')).replace('https://t3n.de/rss.xml', 'ftp://t3n.de/rss.xml');
    await writeFile(configPath, text);
    const errors = errorsOf(await loadConfigFile(configPath, noEnv));
    expect(errors).toEqual([
      {
        file: configPath,
        line: lineOf(text, 'ftp://t3n.de'),
        column: 10,
        path: 'sources[2].url',
        message: 'must be an absolute http(s) URL',
      },
    ]);
  });
});

describe('parseConfigText errors carry file:line:column', () => {
  it('maps a YAML syntax error', () => {
    const text = 'sources:\n  - url: https://a.example/feed\n    title: a: b\n';
    const errors = errorsOf(parseConfigText(text, 'rundschau.yaml', noEnv));
    expect(errors).toEqual([
      {
        file: 'rundschau.yaml',
        line: 3,
        column: 12,
        path: '',
        message: 'Nested mappings are not allowed in compact mappings',
        sourceLine: '    title: a: b',
      },
    ]);
  });

  it('reports one syntax error with the offending line, not the parser cascade after it', () => {
    const text = 'defaults:\n  concurrency: 3\n   timeout: 4\nserver:\n  port: 1\n';
    const errors = errorsOf(parseConfigText(text, 'rundschau.yaml', noEnv));
    expect(errors).toHaveLength(1);
    expect(formatIssues(errors)).toBe(
      [
        'rundschau.yaml:2:16: Nested mappings are not allowed in compact mappings',
        '    concurrency: 3',
        '                 ^',
      ].join('\n'),
    );
  });

  it('maps a tab used as indentation', () => {
    const errors = errorsOf(parseConfigText('server:\n  port: 1\n\tx: 2\n', 'rundschau.yaml', noEnv));
    expect(errors[0]).toMatchObject({ line: 3, column: 1, message: 'Tabs are not allowed as indentation' });
  });

  it('maps a duplicate YAML key', () => {
    const text = 'server:\n  port: 1\n  port: 2\n';
    const errors = errorsOf(parseConfigText(text, 'rundschau.yaml', noEnv));
    expect(errors[0]).toMatchObject({ line: 3, column: 3, message: 'Map keys must be unique' });
  });

  it('maps a schema error to the value node', () => {
    const text = 'server:\n  port: 99999\n';
    const errors = errorsOf(parseConfigText(text, 'rundschau.yaml', noEnv));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 2, column: 9, path: 'server.port' });
  });

  it('falls back to the parent node for a missing key', () => {
    const text = 'sources:\n  - title: no url here\n';
    const errors = errorsOf(parseConfigText(text, 'rundschau.yaml', noEnv));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 2, column: 5, path: 'sources[0].url' });
  });

  it('rejects unknown keys at the key, with a hint', () => {
    const text = 'sources:\n  - url: https://a.example/feed\n    titel: A\n    zzzzzz: 1\n';
    const errors = errorsOf(parseConfigText(text, 'rundschau.yaml', noEnv));
    expect(errors).toEqual([
      {
        file: 'rundschau.yaml',
        line: 3,
        column: 5,
        path: 'sources[0].titel',
        message: 'unknown key "titel" (did you mean "title"?)',
      },
      { file: 'rundschau.yaml', line: 4, column: 5, path: 'sources[0].zzzzzz', message: 'unknown key "zzzzzz"' },
    ]);
  });

  it('rejects unknown top-level and nested keys', () => {
    const text = 'defaults:\n  retention:\n    dayz: 3\nsource: []\n';
    const errors = errorsOf(parseConfigText(text, 'rundschau.yaml', noEnv));
    expect(errors.map((e) => [e.line, e.column, e.path, e.message])).toEqual([
      [3, 5, 'defaults.retention.dayz', 'unknown key "dayz" (did you mean "days"?)'],
      [4, 1, 'source', 'unknown key "source" (did you mean "sources"?)'],
    ]);
  });

  it('rejects duplicate sources after URL normalisation, naming both lines', () => {
    const text = [
      'sources:',
      '  - url: https://www.example.org/feed/',
      '  - url: https://other.example/rss',
      '  - url: http://example.org/feed?utm_source=x',
    ].join('\n');
    const errors = errorsOf(parseConfigText(text, 'rundschau.yaml', noEnv));
    expect(errors).toEqual([
      {
        file: 'rundschau.yaml',
        line: 4,
        column: 10,
        path: 'sources[2].url',
        message: 'same feed as sources[0].url on line 2; remove one of them',
      },
    ]);
  });

  it('rejects duplicate topic slugs', () => {
    const text = 'topics:\n  - slug: cloud\n    title: Cloud\n  - slug: cloud\n    title: Cloud again\n';
    const errors = errorsOf(parseConfigText(text, 'rundschau.yaml', noEnv));
    expect(errors).toEqual([
      {
        file: 'rundschau.yaml',
        line: 4,
        column: 11,
        path: 'topics[1].slug',
        message: 'slug "cloud" is already used by topics[0] on line 2',
      },
    ]);
  });

  it('rejects a document that is not a mapping', () => {
    const errors = errorsOf(parseConfigText('- just a list\n', 'rundschau.yaml', noEnv));
    expect(errors[0]).toMatchObject({ line: 1, column: 1 });
  });

  it('treats an empty file and empty sections as defaults', () => {
    const empty = parseConfigText('', 'rundschau.yaml', noEnv);
    expect(empty.ok && empty.config.sources).toEqual([]);
    const sections = parseConfigText('sources:\ntopics:\n', 'rundschau.yaml', noEnv);
    expect(sections.ok && sections.config.topics).toEqual([]);
  });
});

describe('messages operators can act on', () => {
  it('explains the duration format', () => {
    const errors = errorsOf(parseConfigText('defaults:\n  minInterval: 10 minutes\n', 'rundschau.yaml', noEnv));
    expect(formatIssues(errors)).toBe(
      'rundschau.yaml:2:16: defaults.minInterval: must be a duration like 30s, 15m, 2h or 1d, or a number of seconds',
    );
  });

  it('warns about topics filtering on categories or sources nobody has', () => {
    const text = [
      'sources:',
      '  - url: https://a.example/feed',
      '    category: Cloud',
      'topics:',
      '  - slug: cloud',
      '    title: Cloud',
      '    rules:',
      '      categories: [cloud, Clowd]',
      '      sources: [a.example, b.example]',
    ].join('\n');
    const result = parseConfigText(text, 'rundschau.yaml', noEnv);
    if (!result.ok) throw new Error(formatIssues(result.errors));
    expect(formatIssues(result.warnings)).toBe(
      [
        'rundschau.yaml:8:27: topics[0].rules.categories[1]: no source has the category "Clowd"',
        'rundschau.yaml:9:28: topics[0].rules.sources[1]: no source URL contains "b.example"',
      ].join('\n'),
    );
  });
});

describe('environment overrides', () => {
  it('sets secrets and base URL from the environment over the file', () => {
    const text = 'server:\n  passwordHash: from-file\n';
    const result = parseConfigText(text, 'rundschau.yaml', {
      RUNDSCHAU_PASSWORD_HASH: 'scrypt$abc',
      RUNDSCHAU_SESSION_SECRET: 's3cret',
      RUNDSCHAU_BASE_URL: 'https://news.example.org/',
    });
    if (!result.ok) throw new Error(formatIssues(result.errors));
    expect(result.config.server).toMatchObject({
      passwordHash: 'scrypt$abc',
      sessionSecret: 's3cret',
      baseUrl: 'https://news.example.org/',
    });
  });

  it('leaves the file alone when the variables are empty', () => {
    const result = parseConfigText('server:\n  passwordHash: from-file\n', 'f', { RUNDSCHAU_PASSWORD_HASH: '' });
    expect(result.ok && result.config.server.passwordHash).toBe('from-file');
  });

  it('names the variable when its value is invalid', () => {
    const errors = errorsOf(parseConfigText('server:\n  port: 80\n', 'f', { RUNDSCHAU_BASE_URL: 'not a url' }));
    expect(errors[0]!.path).toBe('server.baseUrl');
    expect(errors[0]!.message).toBe('must be an absolute http(s) URL (from RUNDSCHAU_BASE_URL)');
    // Not in the file: the message points at the `server:` section it belongs to.
    expect(errors[0]).toMatchObject({ line: 2, column: 3 });
  });
});

describe('formatIssues and resolveConfigPath', () => {
  it('formats one issue per line', () => {
    const text = formatIssues([
      {
        file: 'rundschau.yaml',
        line: 12,
        column: 7,
        path: 'sources[3].url',
        message: 'must be an absolute http(s) URL',
      },
      { file: 'rundschau.yaml', line: 1, column: 1, path: '', message: 'bad\nthing' },
    ]);
    expect(text).toBe(
      'rundschau.yaml:12:7: sources[3].url: must be an absolute http(s) URL\nrundschau.yaml:1:1: bad thing',
    );
  });

  it('prefers the flag, then RUNDSCHAU_CONFIG, then ./rundschau.yaml', () => {
    expect(resolveConfigPath('/etc/a.yaml', { RUNDSCHAU_CONFIG: '/etc/b.yaml' })).toBe('/etc/a.yaml');
    expect(resolveConfigPath(undefined, { RUNDSCHAU_CONFIG: '/etc/b.yaml' })).toBe('/etc/b.yaml');
    expect(resolveConfigPath(undefined, {})).toBe(resolve('rundschau.yaml'));
  });
});
