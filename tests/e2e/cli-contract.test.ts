/**
 * The CLI's stable script contract, through the real `bin/rundschau.js` in child processes: exit codes, the JSON
 * field names scripts rely on, and the config-editing commands' effect on the YAML file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, createWorkspace, jsonOf, runCli, type Workspace } from '../support/cli.ts';
import { sharedDir } from '../support/corpus.ts';
import { atom, type EntriesOptions, entries, rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults } from '../support/runtime.ts';

const STORIES: EntriesOptions = {
  newest: new Date(Date.UTC(2026, 10, 20, 12)),
  author: 'Anna Autorin',
  html: (prefix, i) => `<p>${prefix} body ${i} with <b>markup</b></p>`,
};

const describeRun = (r: CliResult) =>
  `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;

function expectExit(r: CliResult, code: number): void {
  expect(r.code, describeRun(r)).toBe(code);
}

describe('CLI script contract (real bin/rundschau.js, SQLite)', () => {
  let server: FixtureServer;
  let ws: Workspace;
  let firstFetch: CliResult;
  let secondFetch: CliResult;
  const url = (path: string) => server.url(path);
  const cli = (...args: string[]) => runCli(args, { env: ws.env });

  const yaml = () => `# e2e config: comments must survive edits
defaults:
${Object.entries(fastDefaults)
  .map(([k, v]) => `  ${k}: ${v}`)
  .join('\n')}

sources:
  # the two healthy feeds
  - url: ${url('/a.xml')}
    title: Feed A
    category: News
  - url: ${url('/b.xml')}
    category: News
  - url: ${url('/broken.html')}   # not a feed at all
    category: Broken
  - url: ${url('/moved.xml')}
    category: News
  - url: ${url('/gone.xml')}
    category: Broken
topics: []
`;

  beforeAll(async () => {
    server = await startFixtureServer();
    server.route('/a.xml', serveBody(rss('Feed A', entries('a', 3, STORIES)), { etag: '"a1"' }));
    server.route('/b.xml', serveBody(atom('Feed B', entries('b', 2, STORIES)), { etag: '"b1"' }));
    server.route('/broken.html', {
      headers: { 'content-type': 'text/html' },
      body: '<!doctype html><html><body><p>Not a feed</p></body></html>',
    });
    server.route('/moved.xml', { status: 301, headers: { location: url('/moved-here.xml') } });
    server.route('/moved-here.xml', serveBody(rss('Moved', entries('m', 1, STORIES))));
    server.route('/gone.xml', { status: 410, body: 'gone' });
    // A website whose feed is announced with <link rel=alternate>, and one that announces none.
    server.route('/site/', {
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: `<!doctype html><html><head><title>Site</title>
<link rel="alternate" type="application/rss+xml" title="Site feed" href="/site/feed.xml"></head><body>hi</body></html>`,
    });
    server.route('/site/feed.xml', serveBody(rss('Site feed', entries('s', 4, STORIES))));
    server.route('/plain/', {
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: '<!doctype html><html><head><title>No feed here</title></head><body>nothing</body></html>',
    });
    ws = createWorkspace(yaml());
    firstFetch = await cli('fetch', '--all', '--config', ws.configPath, '--json');
    secondFetch = await cli('fetch', '--all', '--config', ws.configPath, '--json');
  });
  afterAll(async () => {
    ws?.cleanup();
    await server?.close();
  });

  it('fetch --all --json: exit 0 and the summary fields', () => {
    expectExit(firstFetch, 0);
    const summary = jsonOf<Record<string, unknown>>(firstFetch);
    expect(Object.keys(summary).sort()).toEqual(
      [
        'durationMs',
        'failed',
        'fullTexts',
        'itemsNew',
        'itemsUpdated',
        'notModified',
        'ok',
        'outcomes',
        'skipped',
        'sources',
      ].sort(),
    );
    // Sources another running process is fetching (none here): see tests/e2e/processes.test.ts.
    expect(summary.skipped).toEqual([]);
    // Full-text extraction of the cycle (off in these fixtures: nothing extracted).
    expect(summary.fullTexts).toMatchObject({ done: 0, retrying: 0, failed: 0 });
    expect(summary).toMatchObject({ sources: 5, ok: 3, notModified: 0, failed: 2, itemsNew: 6, itemsUpdated: 0 });
    expect(summary.durationMs).toEqual(expect.any(Number));
    const outcomes = summary.outcomes as Record<string, unknown>[];
    expect(outcomes).toHaveLength(5);
    for (const o of outcomes) {
      expect(o).toMatchObject({
        sourceId: expect.any(Number),
        url: expect.any(String),
        outcome: expect.stringMatching(/^(ok|not_modified|error)$/),
        itemsNew: expect.any(Number),
        itemsUpdated: expect.any(Number),
        durationMs: expect.any(Number),
      });
    }
    const byUrl = (p: string) => outcomes.find((o) => o.url === url(p));
    expect(byUrl('/a.xml')).toMatchObject({ outcome: 'ok', status: 200, itemsNew: 3 });
    expect(byUrl('/broken.html')).toMatchObject({ outcome: 'error', reason: expect.any(String) });
    expect(byUrl('/gone.xml')).toMatchObject({ outcome: 'error', status: 410, reason: 'gone' });
    // stdout is only the JSON document: logs go to stderr.
    expect(firstFetch.stdout.trim().startsWith('{')).toBe(true);
  });

  it('a second fetch --all answers 304 where validators exist and stores nothing twice', () => {
    expectExit(secondFetch, 0);
    const summary = jsonOf<{ notModified: number; itemsNew: number; itemsUpdated: number; sources: number }>(
      secondFetch,
    );
    // The dead (410) source is no longer claimed, even by --all.
    expect(summary).toMatchObject({ sources: 4, notModified: 2, itemsNew: 0, itemsUpdated: 0 });
  });

  it('sources --json: one row per source with health fields', async () => {
    const r = await cli('sources', '--config', ws.configPath, '--json');
    expectExit(r, 0);
    const rows = jsonOf<Record<string, unknown>[]>(r);
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      for (const key of ['url', 'title', 'status', 'items', 'lastError', 'errorReason', 'nextFetchAt', 'lastFetchAt']) {
        expect(row, `field ${key} in ${JSON.stringify(row)}`).toHaveProperty(key);
      }
    }
    const byUrl = (p: string) => rows.find((row) => row.url === url(p))!;
    expect(byUrl('/a.xml')).toMatchObject({ title: 'Feed A', status: 'ok', items: 3, lastError: null });
    expect(byUrl('/b.xml')).toMatchObject({ title: 'Feed B', status: 'ok', items: 2 });
    expect(byUrl('/a.xml').nextFetchAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(byUrl('/broken.html')).toMatchObject({ items: 0, errorReason: 'not_a_feed' });
    expect(byUrl('/broken.html').lastError).toEqual(expect.any(String));
    expect(byUrl('/gone.xml')).toMatchObject({ status: 'dead', errorReason: 'gone' });
    // The permanent redirect was confirmed on the second fetch: the app now fetches the new URL.
    expect(byUrl('/moved.xml')).toMatchObject({ fetchUrl: url('/moved-here.xml'), items: 1 });
    // Each source's fetch log, newest first: /a.xml was fetched twice (new, then unchanged or not modified).
    const attempts = byUrl('/a.xml').recentAttempts as Record<string, unknown>[];
    expect(attempts).toHaveLength(2);
    expect((attempts[0]!.startedAt as string) >= (attempts[1]!.startedAt as string)).toBe(true);
    expect(attempts[1]).toMatchObject({ outcome: 'ok', itemsNew: 3 });
    expect(byUrl('/broken.html').recentAttempts).toEqual(
      expect.arrayContaining([expect.objectContaining({ outcome: 'error', errorReason: 'not_a_feed' })]),
    );
  });

  it('items --json: item fields, --source and --limit filter', async () => {
    const [all, one, limited] = await Promise.all([
      cli('items', '--config', ws.configPath, '--json'),
      cli('items', '--config', ws.configPath, '--source', url('/a.xml'), '--json'),
      cli('items', '--config', ws.configPath, '--source', url('/a.xml'), '--limit', '2', '--json'),
    ]);
    for (const r of [all, one, limited]) expectExit(r, 0);
    const items = jsonOf<Record<string, unknown>[]>(all);
    expect(items).toHaveLength(6);
    const fields = [
      'id',
      'sourceUrl',
      'guid',
      'link',
      'title',
      'author',
      'publishedAt',
      'summary',
      'contentHtml',
      'language',
    ];
    for (const item of items) for (const f of fields) expect(item, `field ${f}`).toHaveProperty(f);
    const fromA = jsonOf<Record<string, unknown>[]>(one);
    expect(fromA.map((i) => i.guid)).toEqual(['a-0', 'a-1', 'a-2']);
    expect(fromA[0]).toMatchObject({
      id: expect.any(Number),
      sourceUrl: url('/a.xml'),
      link: 'https://example.org/a-0',
      title: 'a story 0',
      author: 'Anna Autorin',
      publishedAt: '2026-11-20T12:00:00.000Z',
      summary: expect.stringContaining('a body 0'),
      contentHtml: expect.stringContaining('<b>markup</b>'),
    });
    expect(jsonOf<unknown[]>(limited)).toHaveLength(2);
  });

  it('items --source with an unknown URL fails with a message', async () => {
    const r = await cli('items', '--config', ws.configPath, '--source', url('/nope.xml'), '--json');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('no source');
  });

  it('sources --suggest prints a unified diff for the confirmed redirect and the 410 feed', async () => {
    const r = await cli('sources', '--config', ws.configPath, '--suggest');
    expectExit(r, 0);
    expect(r.stdout).toMatch(/^--- /m);
    expect(r.stdout).toMatch(/^\+\+\+ /m);
    expect(r.stdout).toMatch(/^@@ /m);
    expect(r.stdout).toContain(`-  - url: ${url('/moved.xml')}`);
    expect(r.stdout).toMatch(new RegExp(`^\\+.*${escapeRegExp(url('/moved-here.xml'))}`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^-.*${escapeRegExp(url('/gone.xml'))}`, 'm'));
    // The healthy sources are not touched.
    expect(r.stdout).not.toMatch(new RegExp(`^[-+].*${escapeRegExp(url('/a.xml'))}`, 'm'));
    // Only a suggestion: the file itself is unchanged.
    expect(readFileSync(ws.configPath, 'utf8')).toBe(yaml());
  });

  it('check-config: exit 0 on a good file, exit 2 with file:line:col field: message on a bad one', async () => {
    const bad = join(ws.dir, 'bad.yaml');
    writeFileSync(bad, `sources:\n  - url: ${url('/a.xml')}\n  - url: not-a-url\n    category: X\n`);
    const [good, wrong] = await Promise.all([
      cli('check-config', '--config', ws.configPath),
      cli('check-config', '--config', bad),
    ]);
    expectExit(good, 0);
    expect(good.stdout).toContain('ok');
    expectExit(wrong, 2);
    expect(wrong.stderr).toContain(`${bad}:3:10: sources[1].url: must be an absolute http(s) URL`);
  });

  it('--help on every subcommand exits 0', async () => {
    const commands = [
      [],
      ['serve'],
      ['fetch'],
      ['sources'],
      ['items'],
      ['add'],
      ['import'],
      ['export'],
      ['check-config'],
      ['curate'],
      ['curate', 'eval'],
      ['curate', 'rescore'],
      ['hash-password'],
      ['schema'],
      ['backup'],
      ['restore'],
      ['doctor'],
    ];
    // A few at a time: a dozen Node start-ups at once on a small CI box can outlast the per-command timeout.
    const limit = pLimit(4);
    const results = await Promise.all(commands.map((c) => limit(() => runCli([...c, '--help']))));
    results.forEach((r, i) => {
      expect(r.code, `rundschau ${commands[i]!.join(' ')} --help\n${describeRun(r)}`).toBe(0);
      expect(r.stdout).toContain('Usage: rundschau');
    });
  }, 60_000);

  describe('config edits', () => {
    let edit: Workspace;
    const original = `# my feeds — keep this comment
defaults:
  timeout: 5
sources:
  # existing one
  - url: ${'https://example.org/existing.xml'}
    category: Old   # inline comment
topics: []
`;
    beforeAll(() => {
      edit = createWorkspace(original);
    });
    afterAll(() => edit?.cleanup());
    const editCli = (...args: string[]) => runCli(args, { env: edit.env });

    it('add WEBSITE-URL discovers the <link rel=alternate> feed and appends it, comments kept', async () => {
      const r = await editCli('add', url('/site/'), '--config', edit.configPath, '--category', 'Found', '--json');
      expectExit(r, 0);
      expect(jsonOf(r)).toEqual([
        expect.objectContaining({ input: url('/site/'), status: 'added', feedUrl: url('/site/feed.xml'), items: 4 }),
      ]);
      const text = readFileSync(edit.configPath, 'utf8');
      expect(text).toContain('# my feeds — keep this comment');
      expect(text).toContain('# existing one');
      expect(text).toContain('category: Old   # inline comment');
      expect(text).toContain(url('/site/feed.xml'));
      expect(text).toContain('Found');
      const check = await editCli('check-config', '--config', edit.configPath);
      expectExit(check, 0);
      expect(check.stdout).toContain('2 sources');
    });

    it('add of the same feed again is reported as a duplicate and changes nothing', async () => {
      const before = readFileSync(edit.configPath, 'utf8');
      const r = await editCli('add', url('/site/feed.xml'), '--config', edit.configPath, '--json');
      expect(jsonOf(r)).toEqual([expect.objectContaining({ status: 'duplicate' })]);
      expect(readFileSync(edit.configPath, 'utf8')).toBe(before);
    });

    it('add of an HTML page without a feed fails clearly and changes nothing', async () => {
      const before = readFileSync(edit.configPath, 'utf8');
      const r = await editCli('add', url('/plain/'), '--config', edit.configPath);
      expect(r.code).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(/no feed found/i);
      expect(readFileSync(edit.configPath, 'utf8')).toBe(before);
    });

    it('import FILE.opml brings nested categories into the YAML and skips duplicates', async () => {
      const opml = join(edit.dir, 'subs.opml');
      writeFileSync(
        opml,
        `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>subs</title></head><body>
  <outline text="Tech">
    <outline text="Cloud">
      <outline type="rss" text="Cloud one" xmlUrl="https://cloud.example.net/one.xml"/>
    </outline>
    <outline type="rss" text="Tech two" xmlUrl="https://tech.example.net/two.xml"/>
  </outline>
  <outline type="rss" text="Existing" xmlUrl="https://example.org/existing.xml"/>
  <outline type="rss" text="Site again" xmlUrl="${url('/site/feed.xml')}"/>
</body></opml>`,
      );
      const r = await editCli('import', opml, '--config', edit.configPath, '--json');
      expectExit(r, 0);
      const report = jsonOf<{ url: string; status: string; category?: string }[]>(r);
      const status = (u: string) => report.find((x) => x.url === u);
      expect(status('https://cloud.example.net/one.xml')).toMatchObject({ status: 'added' });
      expect(status('https://tech.example.net/two.xml')).toMatchObject({ status: 'added', category: 'Tech' });
      expect(status('https://example.org/existing.xml')).toMatchObject({ status: 'duplicate' });
      expect(status(url('/site/feed.xml'))).toMatchObject({ status: 'duplicate' });
      // Nested folders make one category, outermost first (src/config/opml.ts).
      const nested = status('https://cloud.example.net/one.xml')!.category;
      expect(nested).toBe('Tech / Cloud');
      const text = readFileSync(edit.configPath, 'utf8');
      expect(text).toContain('# my feeds — keep this comment');
      expect(text).toContain('https://cloud.example.net/one.xml');
      expect(text).toMatch(/category: "?Tech \/ Cloud"?/);
      expect(text).toMatch(/category: "?Tech"?/);
      expect(text.split('https://example.org/existing.xml').length - 1).toBe(1);
      const check = await editCli('check-config', '--config', edit.configPath);
      expectExit(check, 0);
      expect(check.stdout).toContain('4 sources');
    });

    it('export prints the sources as OPML with their categories', async () => {
      const r = await editCli('export', '--config', edit.configPath);
      expectExit(r, 0);
      expect(r.stdout).toMatch(/^<\?xml/);
      expect(r.stdout).toContain('<opml version="2.0">');
      for (const u of [
        'https://example.org/existing.xml',
        'https://cloud.example.net/one.xml',
        url('/site/feed.xml'),
      ]) {
        expect(r.stdout).toContain(`xmlUrl="${u}"`);
      }
      expect(r.stdout).toContain('text="Old"');
    });
  });

  const devLabels = join(sharedDir, 'corpus', 'curation', 'dev.jsonl');
  const noLabels = existsSync(devLabels) ? '' : ` (skipped: ${devLabels} is absent)`;
  it.skipIf(noLabels !== '')(
    `curate eval --json prints precision/recall/f1/byLanguage/misclassified and story P/R${noLabels}`,
    async () => {
      const r = await runCli([
        'curate',
        'eval',
        '--config',
        'rundschau.yaml',
        '--topic',
        'cloud',
        '--labels',
        devLabels,
        '--json',
      ]);
      expectExit(r, 0);
      const report = jsonOf<Record<string, unknown>>(r);
      for (const key of ['precision', 'recall', 'f1', 'byLanguage', 'misclassified']) {
        expect(report, `field ${key}`).toHaveProperty(key);
      }
      for (const key of ['precision', 'recall', 'f1']) {
        expect(report[key]).toBeGreaterThanOrEqual(0);
        expect(report[key]).toBeLessThanOrEqual(1);
      }
      expect(Array.isArray(report.misclassified)).toBe(true);
      // Story grouping beside the topic: pairwise precision/recall over the labels' event= tags, and each half.
      type Stories = { precision: number; recall: number; feed: { events: number; shownMoreThanOnce: number } };
      const stories = report.stories as Stories & { folds: unknown[]; dated: Stories & { folds: unknown[] } };
      expect(stories.precision).toBeGreaterThan(0.5);
      expect(stories.recall).toBeGreaterThan(0);
      expect(stories.folds).toHaveLength(2);
      // Also grouped as production does (dates from the URLs, the window), with the cloud feed's figure.
      expect(stories.dated.folds).toHaveLength(2);
      expect(stories.dated.feed.events).toBeGreaterThan(0);
      expect(stories.dated.feed.shownMoreThanOnce).toBeLessThanOrEqual(stories.dated.feed.events);
      // --missed lists the same-event pairs left apart, one line each, beside the figures.
      const text = await runCli([
        'curate',
        'eval',
        '--config',
        'rundschau.yaml',
        '--topic',
        'cloud',
        '--labels',
        devLabels,
        '--missed',
      ]);
      expectExit(text, 0);
      const missed = text.stdout.split('\n').filter((l) => l.startsWith('  missed: '));
      expect(missed.length).toBeGreaterThan(0);
      expect(text.stdout).toMatch(/all +pairwise precision/);
      expect(text.stdout).toMatch(/dated from source URLs/);
      expect(text.stdout).toMatch(/cloud feed: \d+ of \d+ events shown more than once/);
    },
  );
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
