import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendSourcesToText } from '../../src/config/edit.ts';
import { parseConfigText } from '../../src/config/load.ts';
import { parseOpml, renderOpml } from '../../src/config/opml.ts';
import { fixturesDir } from './helpers.ts';

describe('parseOpml', () => {
  it('reads nested folders as categories and tolerates odd attributes', async () => {
    const text = await readFile(join(fixturesDir, 'subscriptions.opml'), 'utf8');
    expect(parseOpml(text)).toEqual([
      {
        url: 'https://www.heise.de/rss/heise-atom.xml',
        title: 'heise online',
        category: 'Tech / Deutsch',
        siteUrl: 'https://www.heise.de/',
      },
      { url: 'https://rss.golem.de/rss.php?feed=ATOM1.0&x=1', title: 'Golem', category: 'Tech / Deutsch' },
      { url: 'https://feeds.arstechnica.com/arstechnica/index', title: 'Ars <Technica> & more', category: 'Tech' },
      { url: 'https://example.org/notitle.xml', category: 'Tech' },
      { url: 'http://cloud.example.com/atom.xml', title: 'Feed scheme', category: 'Cloud' },
      { url: 'http://loose.example.net/rss', title: 'Loose feed', category: 'World' },
      { url: 'https://nocat.example.net/rss', title: 'No category' },
    ]);
  });

  it('gets what it can out of a broken OPML 1.0 file', async () => {
    const text = await readFile(join(fixturesDir, 'legacy-broken.opml'), 'utf8');
    const entries = parseOpml(text);
    expect(entries.map((e) => [e.url, e.category])).toEqual([
      ['http://a.example.com/feed', 'Blogs'],
      ['https://b.example.com/rss?x=1&y=2', 'Blogs'],
      ['https://c.example.com/index.xml', 'Blogs'],
    ]);
  });

  it('returns nothing for text that is not OPML', () => {
    expect(parseOpml('')).toEqual([]);
    expect(parseOpml('<html><body><a href="https://x.example/">x</a></body></html>')).toEqual([]);
  });

  it('feeds an import into the config file', async () => {
    const entries = parseOpml(await readFile(join(fixturesDir, 'subscriptions.opml'), 'utf8'));
    const config = 'sources:\n  - url: http://heise.de/rss/heise-atom.xml/\n';
    const result = appendSourcesToText(config, 'rundschau.yaml', entries, { category: 'Imported' });
    expect(result.added).toHaveLength(entries.length - 1);
    expect(result.skipped.map((s) => s.url)).toEqual(['https://www.heise.de/rss/heise-atom.xml']);
    const loaded = parseConfigText(result.text, 'rundschau.yaml', {});
    if (!loaded.ok) throw new Error('import produced an invalid config');
    expect(loaded.config.sources.map((s) => s.category)).toEqual([
      'Uncategorized',
      'Tech / Deutsch',
      'Tech',
      'Tech',
      'Cloud',
      'World',
      'Imported',
    ]);
  });
});

describe('renderOpml', () => {
  const sources = [
    {
      url: 'https://a.example/feed?x=1&y=2',
      title: 'A "quoted" <b>feed</b>',
      category: 'Tech & Science',
      siteUrl: 'https://a.example/',
    },
    { url: 'https://b.example/rss', title: 'B\u0001 with control char', category: 'Blogs' },
    { url: 'https://c.example/atom', title: 'Ç für Ümlaut', category: 'Tech & Science' },
    { url: 'https://d.example/none', title: '', category: '' },
  ];

  it('writes OPML 2.0 grouped by category, escaped', () => {
    const xml = renderOpml(sources, {
      title: 'rundschau <subscriptions>',
      dateModified: new Date('2025-03-03T10:00:00Z'),
    });
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        '  <head>',
        '    <title>rundschau &lt;subscriptions&gt;</title>',
        '    <dateModified>Mon, 03 Mar 2025 10:00:00 GMT</dateModified>',
        '  </head>',
        '  <body>',
        '    <outline text="Tech &amp; Science" title="Tech &amp; Science">',
        '      <outline type="rss" text="A &quot;quoted&quot; &lt;b&gt;feed&lt;/b&gt;" title="A &quot;quoted&quot; &lt;b&gt;feed&lt;/b&gt;" xmlUrl="https://a.example/feed?x=1&amp;y=2" htmlUrl="https://a.example/"/>',
        '      <outline type="rss" text="Ç für Ümlaut" title="Ç für Ümlaut" xmlUrl="https://c.example/atom"/>',
        '    </outline>',
        '    <outline text="Blogs" title="Blogs">',
        '      <outline type="rss" text="B with control char" title="B with control char" xmlUrl="https://b.example/rss"/>',
        '    </outline>',
        '    <outline type="rss" text="https://d.example/none" title="https://d.example/none" xmlUrl="https://d.example/none"/>',
        '  </body>',
        '</opml>',
        '',
      ].join('\n'),
    );
  });

  it('round-trips through parseOpml', () => {
    const parsed = parseOpml(renderOpml(sources, { title: 'x' }));
    expect(parsed).toEqual([
      {
        url: 'https://a.example/feed?x=1&y=2',
        title: 'A "quoted" <b>feed</b>',
        category: 'Tech & Science',
        siteUrl: 'https://a.example/',
      },
      { url: 'https://c.example/atom', title: 'Ç für Ümlaut', category: 'Tech & Science' },
      { url: 'https://b.example/rss', title: 'B with control char', category: 'Blogs' },
      { url: 'https://d.example/none' },
    ]);
  });

  it.skipIf(!existsSync('/usr/bin/python3'))('is well-formed XML for a strict parser (Python expat)', () => {
    const xml = renderOpml(sources, { title: 't', ownerName: 'Ops & Co' });
    const script =
      'import sys, xml.etree.ElementTree as E; r = E.fromstring(sys.stdin.buffer.read()); print(len(r.iter("outline").__next__().findall("outline")))';
    const out = execFileSync('/usr/bin/python3', ['-c', script], { input: xml }).toString().trim();
    expect(out).toBe('2');
  });
});
