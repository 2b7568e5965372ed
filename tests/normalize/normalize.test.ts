import { describe, expect, it } from 'vitest';
import { parseFeedDate, resolveEntryDates } from '../../src/normalize/dates.ts';
import { computeUid, contentHashOf, linkKeysFor } from '../../src/normalize/identity.ts';
import { normalizeDocument, normalizeFeedMeta } from '../../src/normalize/index.ts';
import { normalizeLanguageTag } from '../../src/normalize/language.ts';
import { cleanTitle, htmlToText, summarize } from '../../src/normalize/text.ts';
import type { FeedDocument, ParsedEntry } from '../../src/parse/types.ts';

const NOW = Date.UTC(2024, 5, 1, 12);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('dates', () => {
  it.each([
    ['Mon, 16 Oct 2017 15:10:00 +0000', '2017-10-16T15:10:00.000Z'],
    ['Mon, 16 Oct 2017 15:10:00 GMT', '2017-10-16T15:10:00.000Z'],
    ['Mon, 16 Oct 2017 15:10:00 CEST', '2017-10-16T13:10:00.000Z'],
    ['Di, 17 Okt 2017 12:17:00 MESZ', '2017-10-17T10:17:00.000Z'],
    ['Sat, 21 Mar 2020 06:29:51 -0400', '2020-03-21T10:29:51.000Z'],
    ['Wed, 02 Oct 2002 08:00:00 EST', '2002-10-02T13:00:00.000Z'],
    ['17. März 2024 10:00', '2024-03-17T10:00:00.000Z'],
    ['2024-03-17T10:00:00+01:00', '2024-03-17T09:00:00.000Z'],
    ['2017-06-27 00:54:17', '2017-06-27T00:54:17.000Z'],
    ['1518478934', '2018-02-12T23:42:14.000Z'],
    ['garbage', undefined],
    ['', undefined],
  ])('%s', (raw, expected) => {
    expect(iso(parseFeedDate(raw))).toBe(expected);
  });

  it('estimates missing dates and clamps far-future ones to now', () => {
    expect(resolveEntryDates(undefined, undefined, NOW)).toEqual({
      publishedAt: NOW,
      dateEstimated: true,
      updatedAt: null,
    });
    expect(resolveEntryDates('2030-01-01T00:00:00Z', undefined, NOW)).toMatchObject({
      publishedAt: NOW,
      dateEstimated: true,
    });
    expect(resolveEntryDates(undefined, '2024-01-01T00:00:00Z', NOW)).toMatchObject({ dateEstimated: false });
  });
});

describe('identity', () => {
  it('prefers guid, then normalised link, then a hash; modes force a key', () => {
    const base = { title: 't', contentPrefix: '' };
    expect(computeUid({ ...base, guid: 'abc', linkKey: 'https://x/' }, 'auto')).toMatch(/^g:[0-9a-f]{40}$/);
    expect(computeUid({ ...base, guid: 'abc', linkKey: 'https://x/' }, 'link')).toMatch(/^l:/);
    expect(computeUid({ ...base, linkKey: 'https://x/' }, 'guid')).toMatch(/^l:/);
    expect(computeUid({ ...base, publishedRaw: 'd' }, 'auto')).toMatch(/^h:/);
    expect(computeUid({ ...base, guid: 'abc' }, 'auto')).toBe(computeUid({ ...base, guid: ' abc ' }, 'auto'));
  });

  it('does not let a link shared by several entries identify them', () => {
    expect(
      linkKeysFor(['https://a/x?utm_source=1', 'https://a/y', 'https://a/y', 'https://a/z#1', 'https://a/z#2']),
    ).toEqual(['https://a/x', undefined, undefined, 'https://a/z#1', 'https://a/z#2']);
  });
});

describe('text', () => {
  it('turns HTML into one line of text', () => {
    expect(htmlToText('<p>A&nbsp;&amp;&#233;</p><script>x()</script><p>B\n\n C</p>')).toBe('A &é B C');
  });

  it('summarises at a word boundary', () => {
    const summary = summarize(`<p>${'word '.repeat(200)}</p>`);
    expect(summary.length).toBeLessThanOrEqual(500);
    expect(summary.endsWith('word…')).toBe(true);
  });

  it('cleans titles by type', () => {
    expect(cleanTitle('A <b>bold</b> &amp; move', 'html')).toBe('A bold & move');
    expect(cleanTitle('Tom &amp;amp; Jerry')).toBe('Tom &amp; Jerry');
    expect(cleanTitle('a &amp; b', 'text')).toBe('a &amp; b');
  });

  it('normalises language tags', () => {
    expect(normalizeLanguageTag('de-DE')).toBe('de');
    expect(normalizeLanguageTag('EN_us')).toBe('en');
    expect(normalizeLanguageTag('')).toBeUndefined();
  });
});

describe('normalizeDocument', () => {
  const entry = (over: Partial<ParsedEntry>): ParsedEntry => ({ categories: [], enclosures: [], ...over });
  const doc = (entries: ParsedEntry[], over: Partial<FeedDocument> = {}): FeedDocument => ({
    format: 'rss',
    siteUrl: 'https://site.example/',
    entries,
    warnings: [],
    ...over,
  });
  const ctx = { feedUrl: 'https://site.example/feed', identity: 'auto' as const, now: NOW };

  it('builds a complete item', () => {
    const [item] = normalizeDocument(
      doc(
        [
          entry({
            guid: 'g1',
            link: '/post',
            title: 'Hello &amp; welcome',
            author: 'ann@example.com (Ann)',
            published: 'Mon, 16 Oct 2017 15:10:00 GMT',
            contentHtml: '<p onclick="x()">Body <img src="/i.png"></p>',
            summaryHtml: 'Short <b>text</b>',
            categories: ['Cloud', 'cloud', 'AI'],
            enclosures: [{ url: '/a.mp3', type: 'audio/MPEG', length: 3 }],
          }),
        ],
        { language: 'en-GB' },
      ),
      ctx,
    );
    expect(item).toMatchObject({
      guid: 'g1',
      link: 'https://site.example/post',
      title: 'Hello & welcome',
      author: 'Ann',
      summary: 'Short text',
      contentHtml: '<p>Body <img src="https://site.example/i.png" loading="lazy" /></p>',
      language: 'en',
      publishedAt: Date.UTC(2017, 9, 16, 15, 10),
      dateEstimated: false,
      categories: ['Cloud', 'AI'],
      enclosures: [{ url: 'https://site.example/a.mp3', type: 'audio/mpeg', length: 3 }],
      imageUrl: 'https://site.example/i.png',
    });
    expect(item!.contentHash).toMatch(/^[0-9a-f]{40}$/);
    // The one hash function test factories (tests/support/items.ts) use too.
    expect(contentHashOf(item!)).toBe(item!.contentHash);
    expect(contentHashOf({ ...item!, title: 'Other title' })).not.toBe(item!.contentHash);
  });

  it("estimates undated entries in the document's order; a new source's backlog goes below its dated entries", () => {
    const DAY = 86_400_000;
    const entries = [
      entry({ guid: 'u1', title: 'undated newest' }),
      entry({ guid: 'd1', title: 'dated', published: iso(NOW - 2 * DAY) }),
      entry({ guid: 'u2', title: 'undated' }),
      entry({ guid: 'f1', title: 'far future', published: '2030-01-01T00:00:00Z' }),
    ];
    const later = normalizeDocument(doc(entries), ctx);
    expect(later.map((i) => [i.title, i.dateEstimated, i.publishedAt])).toEqual([
      ['undated newest', true, NOW],
      ['dated', false, NOW - 2 * DAY],
      ['undated', true, NOW - 1],
      ['far future', true, NOW - 2],
    ]);
    const backlog = normalizeDocument(doc(entries), { ...ctx, firstImport: true });
    expect(backlog.map((i) => [i.title, i.publishedAt])).toEqual([
      ['undated newest', NOW - 2 * DAY - 1000],
      ['dated', NOW - 2 * DAY],
      ['undated', NOW - 2 * DAY - 2000],
      ['far future', NOW - 2 * DAY - 3000],
    ]);
    // Nothing dated: the backlog still ends at least a day before the first fetch.
    const undatedOnly = normalizeDocument(doc([entries[0]!, entries[2]!]), { ...ctx, firstImport: true });
    expect(undatedOnly.map((i) => i.publishedAt)).toEqual([NOW - DAY - 1000, NOW - DAY - 2000]);
    expect(backlog.map((i) => i.contentHash)).toEqual(later.map((i) => i.contentHash));
  });

  it('collapses duplicates and keeps hashes stable for estimated dates', () => {
    const entries = [
      entry({ guid: 'a', title: 'one' }),
      entry({ guid: 'a', title: 'two' }),
      entry({ guid: 'b', title: 'three' }),
    ];
    const first = normalizeDocument(doc(entries), ctx);
    expect(first.map((i) => i.title)).toEqual(['one', 'three']);
    const later = normalizeDocument(doc(entries), { ...ctx, now: NOW + 60_000 });
    expect(later.map((i) => i.contentHash)).toEqual(first.map((i) => i.contentHash));
    expect(later.map((i) => i.uid)).toEqual(first.map((i) => i.uid));
  });

  it('detects the language when none is declared', () => {
    const german = entry({
      title: 'Die Bundesregierung hat neue Regeln für Rechenzentren beschlossen',
      summaryHtml: 'Die Betreiber müssen künftig mehr Strom aus erneuerbaren Quellen beziehen.',
    });
    expect(normalizeDocument(doc([german]), ctx)[0]!.language).toBe('de');
    expect(normalizeDocument(doc([entry({ title: 'x' })]), { ...ctx, sourceLanguage: 'fr' })[0]!.language).toBe('fr');
  });

  it("takes the source's configured language over detection and over the feed's declarations", () => {
    const german = entry({
      title: 'Die Bundesregierung hat neue Regeln für Rechenzentren beschlossen',
      summaryHtml: 'Die Betreiber müssen künftig mehr Strom aus erneuerbaren Quellen beziehen.',
    });
    const configured = { ...ctx, sourceLanguage: 'en-GB' };
    expect(normalizeDocument(doc([german]), configured)[0]!.language).toBe('en');
    // A CMS default ("en-us") on a German feed is a common lie; the operator's word wins over it too.
    expect(normalizeDocument({ ...doc([german]), language: 'de' }, configured)[0]!.language).toBe('en');
    expect(normalizeDocument(doc([{ ...german, language: 'de-AT' }]), configured)[0]!.language).toBe('en');
  });
});

describe('bounds and control characters (every stored field)', () => {
  const ctx = { feedUrl: 'https://site.example/feed', identity: 'auto' as const, now: NOW };
  const one = (entry: Partial<ParsedEntry>) =>
    normalizeDocument(
      {
        format: 'rss',
        siteUrl: 'https://site.example/',
        entries: [{ categories: [], enclosures: [], ...entry }],
        warnings: [],
      },
      ctx,
    )[0]!;

  it('removes NUL and other control characters without cutting the text after them', () => {
    const item = one({
      guid: 'g\u0000-1',
      title: 'before\u0000 after \u0007bell\u009b end',
      author: 'Ann\u0000 Autor',
      summaryHtml: 'short\u0001 text',
      contentHtml: '<p>first\u0000 part</p><p>second\u001f part \ud800 lone</p>',
      categories: ['Cl\u0000oud'],
      published: '2024-03-01T10:00:00Z\u0000',
    });
    expect(item.title).toBe('before after bell end');
    expect(item.author).toBe('Ann Autor');
    expect(item.summary).toBe('short text');
    expect(item.contentHtml).toBe('<p>first part</p><p>second part  lone</p>');
    expect(item.searchText).toBe('first part second part lone');
    expect(item.categories).toEqual(['Cloud']);
    expect(item.guid).toBe('g-1');
    expect(item.dateEstimated).toBe(false);
    const everything = JSON.stringify(item);
    expect(everything).not.toMatch(/\\u00[01][0-9a-f]/);
  });

  it('removes control characters that entities decode to (&#1;, &#x1b;)', () => {
    const item = one({
      title: 'a&#1;b c',
      summaryHtml: 'x&#7;y',
      contentHtml: '<p>a&#1;b&#x1b;c</p>',
      categories: ['C&#1;loud'],
    });
    expect([item.title, item.summary, item.contentHtml, item.searchText, item.categories]).toEqual([
      'ab c',
      'xy',
      '<p>abc</p>',
      'abc',
      ['Cloud'],
    ]);
  });

  it('bounds titles (1,000), authors, categories, guids, and drops over-long URLs instead of cutting them', () => {
    const item = one({
      guid: `g${'x'.repeat(5000)}`,
      title: 'word '.repeat(2000),
      author: 'name '.repeat(500),
      categories: Array.from({ length: 500 }, (_, i) => `tag${i} ${'y'.repeat(300)}`),
      link: `https://site.example/${'a'.repeat(10_000)}`,
      imageUrl: `https://site.example/${'i'.repeat(10_000)}.png`,
      enclosures: Array.from({ length: 100 }, (_, i) => ({ url: `https://cdn.example/${i}.mp3` })),
    });
    expect(item.title.length).toBeLessThanOrEqual(1000);
    expect(item.title).toMatch(/^word word .*…$/);
    expect(item.author!.length).toBeLessThanOrEqual(500);
    expect(item.categories.length).toBeLessThanOrEqual(50);
    for (const c of item.categories) expect(c.length).toBeLessThanOrEqual(200);
    expect(item.guid!.length).toBe(1000);
    expect(item.link).toBeNull();
    expect(item.imageUrl).toBeNull();
    expect(item.enclosures.length).toBeLessThanOrEqual(20);
    // Identity comes from the whole guid: two guids that share their first 1,000 characters stay two items.
    expect(one({ guid: `g${'x'.repeat(5000)}y` }).uid).not.toBe(item.uid);
  });

  it('cuts a body over 1 MB after sanitising at a tag, with its tags closed', () => {
    const paragraph = '<p>Some <b>bold</b> text &amp; an <a href="/x">link</a>.</p>';
    const html = `<div>${paragraph.repeat(Math.ceil(3_000_000 / paragraph.length))}</div>`;
    const started = performance.now();
    const item = one({ contentHtml: html });
    expect(item.contentHtml.length).toBeLessThanOrEqual(1_000_000);
    expect(item.contentHtml.length).toBeGreaterThan(900_000);
    expect(item.contentHtml.startsWith('<div><p>Some <b>bold</b> text &amp; an <a href="https://site.example/x"')).toBe(
      true,
    );
    expect(item.contentHtml.endsWith('</div>')).toBe(true);
    expect(item.contentHtml).not.toMatch(/<[^>]*$/);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('normalizeFeedMeta', () => {
  it("cleans and bounds the feed's own title and description, drops over-long URLs", () => {
    expect(
      normalizeFeedMeta({
        format: 'rss',
        title: 'Feed\u0000 title',
        description: 'd '.repeat(5000),
        siteUrl: `https://site.example/${'s'.repeat(5000)}`,
        entries: [],
        warnings: [],
      }),
    ).toMatchObject({ title: 'Feed title', description: expect.stringMatching(/^d d .*…$/), siteUrl: undefined });
    expect(
      normalizeFeedMeta({ format: 'rss', description: 'd '.repeat(5000), entries: [], warnings: [] }).description!
        .length,
    ).toBeLessThanOrEqual(2000);
  });
});
