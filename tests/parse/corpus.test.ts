import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFeedBytes } from '../../src/decode/index.ts';
import { normalizeDocument } from '../../src/normalize/index.ts';
import { FeedParseError, parseFeed } from '../../src/parse/index.ts';
import { corpora, corpusDir, hasCorpus, readManifest, sliceDir } from '../support/corpus.ts';

/** Documents that are not feeds at all: the pipeline must say so with a reason, not return items. */
const NOT_A_FEED_FORMAT = /^(HTML|empty|XML fragment|RSS-in-JSON)/;

/**
 * Feeds that repeat a guid: the manifest counts elements, the store gets one item per guid (first kept).
 * Verified by hand: the repeated guids carry the same story.
 */
const COLLAPSED_BY_DUPLICATE_GUIDS: Record<string, number> = {
  'netnewswire/scriptingNews.rss': 48,
  'podsearch-de/chaosradio.ccc.de_chaos_tv-complete.rss': 127,
  'rss-parser/itunes-missing-image.rss': 130,
};

/** Known words with non-ASCII letters, proving the charset was read right. */
const KNOWN_TEXT: Record<string, string> = {
  'feeder-android/golem-de.xml': 'übernimmt',
  'codehollow-feedreader/Rss091Stadtfeuerwehr.xml': 'Einsätze',
  'codehollow-feedreader/Rss20ISO88591Intranet30.xml': 'MÅNAD',
  'rss-parser/uolNoticias.rss': 'Notícias',
  'miniflux/koi8r.xml': 'Первая',
  'miniflux/windows-1252.xml': '€',
  'node-feedparser/iconv.xml': 'Оренбург',
  'node-feedparser/compressed.xml': 'Оренбург',
  'miniflux/utf8-incorrect-prolog.xml': 'Café',
  'picofeed/cercle.psy.xml': 'é',
  'miniflux/no_encoding_ISO-8859-1.xml': 'é',
  // Double-encoded UTF-8 in the bytes ("KÃ¤ltewelle", "Razerâ€™s", "Ð’ ÐœÐ¾ÑÐºÐ²Ðµ"), repaired per field.
  'codehollow-feedreader/Rss20FazNet.xml': 'Kältewelle in Europa: Flüchtlinge',
  'codehollow-feedreader/AtomTheVerge.xml': 'Razer’s three-screen laptop',
  'codehollow-feedreader/Rss20YandexRussia.xml': 'В Москве из-за сильных морозов',
  'codehollow-feedreader/Rss20LeParisien.xml': 'policiers à l’hôpital',
};

/** Executable markup in tags (text that merely mentions `onload=` is fine). */
const EXECUTABLE_MARKUP = /<script\b|<[^>]*\son[a-z]+\s*=|(?:href|src)\s*=\s*["']?\s*(?:javascript|data|vbscript):/i;
const MOJIBAKE = /Ã[\u0080-\u00bf]|â€[\u0099\u009c\u009d“”™]|\ufffd/;

for (const corpus of corpora) {
  describe(`feed corpus (${corpus.name}): decode → parse → normalize`, () => {
    // An absent corpus is a reported skip, never zero tests: RUNDSCHAU_REQUIRE_ALL_SUITES=1 fails on it.
    if (!corpus.present) {
      // The full corpus is absent (a laptop): one visible skip with the reason, so CI's require-all check notices.
      it.skip(`every file of the ${corpus.name} (skipped: ${corpus.absent})`, () => {}); // reason: ../shared corpus absent
      return;
    }

    it.each(readManifest(corpus.dir).map((r) => [r.path, r] as const))('%s', async (path, row) => {
      const started = performance.now();
      const bytes = readFileSync(join(corpus.dir, path));
      const decoded = decodeFeedBytes(bytes);
      const documentUrl = `https://feeds.example.org/${path}`;
      let outcome: Awaited<ReturnType<typeof parseFeed>> | FeedParseError;
      try {
        outcome = await parseFeed(decoded.text, documentUrl);
      } catch (error) {
        if (!(error instanceof FeedParseError)) throw error;
        outcome = error;
      }

      if (NOT_A_FEED_FORMAT.test(row.format)) {
        expect(outcome).toBeInstanceOf(FeedParseError);
        expect(['not_a_feed', 'empty', 'malformed_xml']).toContain((outcome as FeedParseError).reason);
        return;
      }
      if (row.items === 0) {
        // Empty documents: either no items or a reasoned refusal. One cut off before its first item is refused.
        if (/Premature end of data/.test(row.notes)) expect(outcome).toMatchObject({ reason: 'truncated' });
        if (outcome instanceof FeedParseError)
          expect(outcome.reason).toMatch(/^(empty|malformed_xml|truncated|not_a_feed)$/);
        else
          expect(normalizeDocument(outcome, { feedUrl: documentUrl, identity: 'auto', now: Date.now() })).toHaveLength(
            0,
          );
        return;
      }
      if (outcome instanceof FeedParseError) throw outcome;
      const doc = outcome;
      const items = normalizeDocument(doc, { feedUrl: documentUrl, identity: 'auto', now: Date.now() });

      expect(doc.entries).toHaveLength(row.items!);
      expect(items).toHaveLength(COLLAPSED_BY_DUPLICATE_GUIDS[path] ?? row.items!);
      for (const item of items) {
        expect(item.title.trim()).not.toBe('');
        expect(item.uid).toMatch(/^[glh]:[0-9a-f]{40}$/);
        expect(item.contentHtml).not.toMatch(EXECUTABLE_MARKUP);
      }
      // Double-encoded UTF-8 is repaired per field (decode/double-encoding.ts), flagged files included.
      for (const item of items) expect(item.title).not.toMatch(MOJIBAKE);
      const known = KNOWN_TEXT[path];
      if (known) {
        const allText = [doc.title, doc.description, ...items.map((i) => `${i.title} ${i.summary}`)].join(' ');
        expect(allText).toContain(known);
      }
      expect(performance.now() - started).toBeLessThan(2000);
    });
  });
}

describe('in-repo corpus slice', () => {
  const rows = readManifest(sliceDir);
  const tsvRows = (dir: string, file: string) =>
    new Map(
      readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.split('\t')[0]!, line] as const),
    );

  it('holds only files whose license allows redistribution, each with its MANIFEST and CLIENT-BASELINE row', () => {
    const baseline = tsvRows(sliceDir, 'CLIENT-BASELINE.tsv');
    for (const row of rows) {
      expect(row.license, row.path).toMatch(/^(MIT|Apache-2\.0|BSD-[23]-Clause|CC0-1\.0)$/);
      expect(baseline.has(row.path), `${row.path} in CLIENT-BASELINE.tsv`).toBe(true);
      expect(readFileSync(join(sliceDir, row.path)).length, row.path).toBeLessThan(120_000);
    }
    expect(baseline.size - 1).toBe(rows.length);
  });

  it.skipIf(!hasCorpus)(
    `is byte-identical to the shared corpus, rows included${hasCorpus ? '' : ` (skipped: corpus absent at ${corpusDir})`}`,
    () => {
      for (const file of ['MANIFEST.tsv', 'CLIENT-BASELINE.tsv']) {
        const shared = tsvRows(corpusDir, file);
        for (const [path, line] of tsvRows(sliceDir, file)) expect(line, `${file}: ${path}`).toBe(shared.get(path));
      }
      for (const row of rows) {
        const same = readFileSync(join(sliceDir, row.path)).equals(readFileSync(join(corpusDir, row.path)));
        expect(same, `${row.path} differs from the shared corpus`).toBe(true);
      }
    },
  );
});
