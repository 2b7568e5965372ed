/**
 * The one place that talks to rss-parser (3.13). Everything the rest of parse/ knows about it goes through here,
 * and each way this module works around the library names the loss it avoids; tests/parse/rss-parser-adapter.test.ts
 * shows each loss on the raw library (so an upgrade that fixes one says so) and that the workaround still holds.
 *
 * Workarounds:
 * 1. Raw pass-through fields (RAW_FEED_FIELDS / RAW_ITEM_FIELDS): rss-parser maps fields lossily — RSS
 *    `<description>` comes back as `content`, only the first Atom author, no Atom categories or enclosures, RSS
 *    categories as `{_, $}` objects, no xml:base, no Atom `updated` of its own, Atom title `type` dropped. Every
 *    field xml-feed.ts reads is also kept as the untouched xml2js node under `raw:<name>`.
 * 2. Atom `type="xhtml"` is turned into `type="html"` CDATA before parsing (xhtmlToCdata): xml2js groups children
 *    by element name, so mixed content loses its word order ("one <b>two</b> three" → "one  three<b>two</b>").
 * 3. Unparsable Atom dates are renamed before parsing (renameUnparsableAtomDates): rss-parser calls
 *    `new Date(x).toISOString()` on them, so one bad `<published>` throws a RangeError and loses the whole feed.
 * 4. `defaultRSS: 2`: an `<rss>` root without a version attribute is otherwise "not recognized as RSS 1 or 2".
 * 5. Errors are classified (classifyRssParserError): rss-parser dereferences `<channel>` without checking, so an
 *    `<rss>` without one throws a TypeError, which means "empty", not "broken XML".
 * 6. No `contentSnippet` (withoutSnippets): rss-parser makes a plain-text copy of every entry's body or description
 *    (two regexes with a lazy `(?:.|\n)*?`, entity decoding), which nothing here reads — normalize/ makes its own
 *    text from the sanitised HTML. ~8 µs per Atom entry of 2.3 KB, over 1% of a parse worker's CPU. Its `getSnippet`
 *    is swapped for one returning '' while our parseString call runs (xml2js calls back synchronously, so no other
 *    parse sees the swap; should that change, the snippets come back and only the time is lost).
 * Not worked around here but because of rss-parser: no JSON Feed support (json-feed.ts reads it), `parseURL` is
 * never used (no gzip, charset only from Content-Type, timeouts that do not abort: fetch/ and decode/ do that) and
 * `parseString` gets an already decoded string (it ignores `<?xml encoding?>`).
 */
import { createRequire } from 'node:module';
import Parser from 'rss-parser';

/** rss-parser's helpers module: the one its parser calls getSnippet on (workaround 6). */
const rssParserUtils = createRequire(import.meta.url)('rss-parser/lib/utils.js') as {
  getSnippet: (html: string) => string;
};
const noSnippet = () => '';

/** Runs `parse` with rss-parser's snippet maker switched off (workaround 6). */
function withoutSnippets<T>(parse: () => T): T {
  const getSnippet = rssParserUtils.getSnippet;
  rssParserUtils.getSnippet = noSnippet;
  try {
    return parse();
  } finally {
    rssParserUtils.getSnippet = getSnippet;
  }
}

/**
 * Prefix of the element names unparsable Atom dates are renamed to (workaround 3); their text still reaches
 * normalize/ (which reads more date formats than `new Date`) through the raw fields.
 */
export const RENAMED_DATE_PREFIX = 'rundschau-raw-';

/** Raw xml2js nodes rss-parser should hand over untouched (keepArray), prefixed so they never clash. */
const RAW_FEED_FIELDS = [
  '$',
  'link',
  'atom:link',
  'atom10:link',
  'subtitle',
  'tagline',
  'dc:language',
  'author',
  'ttl',
  'id',
];
const RAW_ITEM_FIELDS = [
  '$',
  'id',
  'guid',
  'link',
  'title',
  'author',
  'dc:creator',
  'itunes:author',
  'published',
  'updated',
  `${RENAMED_DATE_PREFIX}published`,
  `${RENAMED_DATE_PREFIX}updated`,
  // Atom 0.3 names its dates issued (published), created and modified (updated).
  'issued',
  'created',
  'modified',
  'pubDate',
  'dc:date',
  'dcterms:modified',
  'content',
  'summary',
  'description',
  'content:encoded',
  'category',
  'dc:subject',
  'enclosure',
  'media:content',
  'media:group',
  'media:thumbnail',
  'itunes:image',
  'dc:language',
];

const keep = (name: string): [string, string, { keepArray: true }] => [name, `raw:${name}`, { keepArray: true }];

export type RawRecord = Record<string, unknown> & { items?: RawRecord[] };

function makeParser(): Parser<RawRecord, RawRecord> {
  // A fresh parser per document (cheap), so no xml2js state can carry over from a document that failed.
  return new Parser<RawRecord, RawRecord>({
    defaultRSS: 2,
    customFields: { feed: RAW_FEED_FIELDS.map(keep) as never, item: RAW_ITEM_FIELDS.map(keep) as never },
  });
}

/** Runs rss-parser strictly; throws what it throws (XML errors, "Feed not recognized"). */
export async function runRssParser(text: string): Promise<RawRecord> {
  const parser = makeParser();
  return (await withoutSnippets(() => parser.parseString(text))) as unknown as RawRecord;
}

/** A raw field kept by RAW_FEED_FIELDS / RAW_ITEM_FIELDS: xml2js nodes (see xml-nodes.ts), always an array. */
export const raw = (record: RawRecord, name: string): unknown => record[`raw:${name}`];

const XHTML_CONSTRUCT =
  /<(content|summary|title|subtitle|rights)(\s[^>]*?)\btype\s*=\s*(["'])xhtml\3([^>]*)>([\s\S]*?)<\/\1\s*>/g;

/**
 * xml2js groups children by name and so scrambles mixed content: Atom `type="xhtml"` bodies would lose their
 * word order. Turning them into `type="html"` CDATA keeps the markup as one string.
 */
function xhtmlToCdata(text: string): string {
  if (!text.includes('xhtml')) return text;
  return text.replace(
    XHTML_CONSTRUCT,
    (_whole, tag: string, before: string, _q: string, after: string, inner: string) => {
      const html = inner.replace(/<(\/?)xhtml:/g, '<$1').replaceAll(']]>', ']]]]><![CDATA[>');
      return `<${tag}${before}type="html"${after}><![CDATA[${html}]]></${tag}>`;
    },
  );
}

const ATOM_DATE = /<(published|updated)(\s[^>]*)?>([^<]*)<\/\1\s*>/g;

/**
 * rss-parser calls `new Date(x).toISOString()` on Atom entry dates, so one unparsable date throws a RangeError
 * and loses the whole feed. Such elements are renamed; the raw text still reaches normalize (which knows more
 * date formats) through a custom field.
 */
function renameUnparsableAtomDates(text: string, warnings: string[]): string {
  if (!text.includes('<published') && !text.includes('<updated')) return text;
  let renamed = 0;
  const out = text.replace(ATOM_DATE, (whole, tag: string, attrs: string | undefined, value: string) => {
    const trimmed = value.trim();
    if (!trimmed || !Number.isNaN(new Date(trimmed).getTime())) return whole;
    renamed++;
    return `<${RENAMED_DATE_PREFIX}${tag}${attrs ?? ''}>${value}</${RENAMED_DATE_PREFIX}${tag}>`;
  });
  if (renamed) warnings.push(`${renamed} Atom date(s) JavaScript cannot parse were kept as raw text`);
  return out;
}

/** The text rewrites rss-parser needs before it sees a document (workarounds 2 and 3); warnings say what changed. */
export function prepareForRssParser(text: string, warnings: string[]): string {
  return renameUnparsableAtomDates(xhtmlToCdata(text), warnings);
}

/**
 * What an rss-parser failure means (workaround 5): `not_a_feed` (well-formed XML that is not RSS/RDF/Atom),
 * `empty` (an `<rss>` without `<channel>`), or `xml` (not well-formed: worth a repair).
 */
export function classifyRssParserError(error: unknown): 'not_a_feed' | 'empty' | 'xml' {
  if (error instanceof TypeError) return 'empty';
  if (error instanceof Error && /not recognized as RSS/i.test(error.message)) return 'not_a_feed';
  return 'xml';
}
