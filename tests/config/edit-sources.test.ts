import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  editConfigFile,
  removeSourceFromText,
  setTopicRulesInText,
  topicRulesText,
  updateSourceInText,
} from '../../src/config/edit.ts';
import { ConfigError, parseConfigText } from '../../src/config/load.ts';
import { tempConfigDir } from './helpers.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function bundled() {
  const temp = await tempConfigDir();
  cleanups.push(temp.cleanup);
  return { ...temp, original: await readFile(temp.configPath, 'utf8') };
}

/** The lines of `b` that are not in `a` and the other way round: what an edit changed. */
function lineDiff(a: string, b: string) {
  const left = a.split('\n');
  const right = b.split('\n');
  return { removed: left.filter((l) => !right.includes(l)), added: right.filter((l) => !left.includes(l)) };
}

const HEISE = 'https://www.heise.de/rss/heise-atom.xml';

describe('reader edits of the config file', () => {
  it('changes only the lines of the edited source, keeping every comment and the order', async () => {
    const { configPath, original } = await bundled();
    const next = updateSourceInText(original, configPath, HEISE, {
      title: 'heise (edited)',
      category: 'Moved',
      interval: '2h',
      disabled: true,
      retention: { days: 30 },
    });
    const diff = lineDiff(original, next);
    // (`category: Tech (de)` stays on other sources' lines.)
    expect(diff.removed).toEqual(['    title: heise online']);
    expect(next.split('\n').length - original.split('\n').length).toBe(4);
    expect(diff.added).toEqual([
      '    title: heise (edited)',
      '    category: Moved',
      '    interval: 2h',
      '    disabled: true',
      '    retention:',
      '      days: 30',
    ]);
    for (const comment of original.split('\n').filter((l) => l.includes('#'))) expect(next).toContain(comment);
    const parsed = parseConfigText(next, configPath, {});
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const heise = parsed.config.sources.find((s) => s.url === HEISE)!;
    expect(heise).toMatchObject({ title: 'heise (edited)', category: 'Moved', interval: 7200, disabled: true });
    expect(parsed.config.sources.map((s) => s.url)).toEqual(
      parseConfigText(original, configPath, {}).ok
        ? (parseConfigText(original, configPath, {}) as { config: { sources: { url: string }[] } }).config.sources.map(
            (s) => s.url,
          )
        : [],
    );

    // Enabling removes the key again; an empty retention removes the block.
    const back = updateSourceInText(next, configPath, HEISE, {
      title: 'heise online',
      category: 'Tech (de)',
      interval: null,
      disabled: null,
      retention: null,
    });
    expect(back).toBe(original);
  });

  it('keeps a comment after a value it changes, and finds the source by its feed key', () => {
    const text = 'sources:\n  - url: https://a.example/feed  # the A feed\n    title: A   # short\n';
    const next = updateSourceInText(text, 'x.yaml', 'http://A.example/feed/', { title: 'Aa' });
    expect(next).toBe('sources:\n  - url: https://a.example/feed  # the A feed\n    title: Aa   # short\n');
  });

  it('writes sequences in the style of the file (dash at the key indent)', () => {
    const text = 'sources:\n- url: https://a.example/feed\n  title: A\n- url: https://b.example/feed\n';
    expect(updateSourceInText(text, 'x.yaml', 'https://b.example/feed', { category: 'B' })).toBe(
      'sources:\n- url: https://a.example/feed\n  title: A\n- url: https://b.example/feed\n  category: B\n',
    );
  });

  it('enables a source written with `enabled: false` too', () => {
    const text = 'sources:\n  - url: https://a.example/feed\n    enabled: false\n';
    expect(updateSourceInText(text, 'x.yaml', 'https://a.example/feed', { disabled: null })).toBe(
      'sources:\n  - url: https://a.example/feed\n',
    );
  });

  it('removes a source and nothing else', async () => {
    const { configPath, original } = await bundled();
    const next = removeSourceFromText(original, configPath, 'https://rss.golem.de/rss.php?feed=ATOM1.0');
    const diff = lineDiff(original, next);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual(['  - url: https://rss.golem.de/rss.php?feed=ATOM1.0', '    title: Golem.de']);
    expect(() => removeSourceFromText(next, configPath, 'https://nope.example/feed')).toThrow(/no source/);
  });

  it('reads and replaces a topic’s rules as YAML, comments included', async () => {
    const { configPath, original } = await bundled();
    const rules = topicRulesText(original, 'cloud')!;
    expect(rules).toContain('threshold: 3');
    expect(rules).toContain('# a term this heavy overrides `excluded`');
    const next = setTopicRulesInText(
      original,
      configPath,
      'cloud',
      'threshold: 2 # lower\nterms:\n  any:\n    cloud: 3\n',
    );
    const parsed = parseConfigText(next, configPath, {});
    expect(parsed.ok && parsed.config.topics[0]!.rules).toMatchObject({ threshold: 2, terms: { any: { cloud: 3 } } });
    expect(next).toContain('threshold: 2 # lower');
    expect(next).toContain('# Cloud-industry news in German and English');
    expect(() => setTopicRulesInText(original, configPath, 'cloud', 'terms: [unclosed')).toThrow(ConfigError);
  });
});

describe('editConfigFile', () => {
  it('refuses an edit that makes the file invalid, with file:line:col, and leaves the file alone', async () => {
    const { configPath, original } = await bundled();
    const error = await editConfigFile(configPath, (text) =>
      updateSourceInText(text, configPath, HEISE, { interval: 'soon' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const issue = (error as ConfigError).issues[0]!;
    expect(issue).toMatchObject({ file: configPath, path: 'sources[0].interval' });
    expect(issue.line).toBeGreaterThan(20);
    expect(await readFile(configPath, 'utf8')).toBe(original);
  });

  it('redoes the edit on the new text when the operator saved the file meanwhile: both changes stay', async () => {
    const { configPath, original } = await bundled();
    const operatorText = original.replace('    title: Golem.de', '    title: Golem (operator)');
    let calls = 0;
    const result = await editConfigFile(configPath, (text) => {
      calls++;
      // The operator's editor saves while the reader is working on the old text.
      if (calls === 1) void writeFile(configPath, operatorText);
      return updateSourceInText(text, configPath, HEISE, { category: 'UI' });
    });
    expect(result.retries).toBeGreaterThanOrEqual(1);
    const final = await readFile(configPath, 'utf8');
    expect(final).toContain('title: Golem (operator)');
    expect(final).toContain('    category: UI');
  });

  it('serialises edits of one process: none is lost', async () => {
    const { configPath } = await bundled();
    const urls = ['https://www.theregister.com/headlines.atom'];
    await Promise.all(
      ['A', 'B', 'C', 'D'].map((title, i) =>
        editConfigFile(configPath, (text) =>
          updateSourceInText(text, configPath, i % 2 ? HEISE : urls[0]!, { [i < 2 ? 'title' : 'category']: title }),
        ),
      ),
    );
    const parsed = parseConfigText(await readFile(configPath, 'utf8'), configPath, {});
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const byUrl = new Map(parsed.config.sources.map((s) => [s.url, s]));
    expect(byUrl.get(urls[0]!)).toMatchObject({ title: 'A', category: 'C' });
    expect(byUrl.get(HEISE)).toMatchObject({ title: 'B', category: 'D' });
  });
});
