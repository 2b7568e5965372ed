import { repairDoubleEncoding } from '../decode/double-encoding.ts';
import { isJsonFeed, looksLikeHtml, rootElementName, xmlFeedKind } from '../lib/feed-sniff.ts';
import { FeedParseError } from './errors.ts';
import { jsonFeedToDocument } from './json-feed.ts';
import { repairXml } from './repair.ts';
import { classifyRssParserError, prepareForRssParser, runRssParser } from './rss-parser-adapter.ts';
import type { FeedDocument, ParsedEntry } from './types.ts';
import { toFeedDocument } from './xml-feed.ts';

export { FeedParseError, type FeedParseReason } from './errors.ts';
export type { FeedDocument, ParsedEnclosure, ParsedEntry } from './types.ts';

function parseJson(text: string, documentUrl: string): FeedDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = (error as Error).message;
    // JSON cut off ends inside a value or a string, or the parser stops at the very end of the text.
    const position = Number(/at position (\d+)/.exec(detail)?.[1] ?? Number.NaN);
    if (/Unexpected end of JSON input|Unterminated string/.test(detail) || position >= text.trimEnd().length) {
      throw new FeedParseError('truncated', `The JSON document is cut off before its end (${detail})`);
    }
    throw new FeedParseError('not_a_feed', `The document starts like JSON but is not valid JSON: ${detail}`);
  }
  if (!isJsonFeed(value)) {
    throw new FeedParseError('not_a_feed', 'The document is JSON but not a JSON Feed (no jsonfeed.org version)');
  }
  return jsonFeedToDocument(value, documentUrl);
}

function notAFeed(text: string): FeedParseError | undefined {
  if (looksLikeHtml(text)) {
    return new FeedParseError(
      'not_a_feed',
      'The document is an HTML page, not a feed (look for a feed link on that page)',
    );
  }
  const root = rootElementName(text);
  if (root && !xmlFeedKind(root)) {
    return new FeedParseError('not_a_feed', `The document is XML with root element <${root}>, not RSS, RDF or Atom`);
  }
  return undefined;
}

async function parseXml(text: string, documentUrl: string): Promise<FeedDocument> {
  const rejection = notAFeed(text);
  if (rejection) throw rejection;
  const warnings: string[] = [];
  const prepared = prepareForRssParser(text, warnings);
  let source = prepared;
  let parsed: Awaited<ReturnType<typeof runRssParser>>;
  try {
    parsed = await runRssParser(prepared);
  } catch (strictError) {
    const failure = classifyRssParserError(strictError);
    if (failure === 'not_a_feed') throw new FeedParseError('not_a_feed', 'The XML document is not RSS, RDF or Atom');
    if (failure === 'empty') throw new FeedParseError('empty', 'The feed has no channel and no items');
    const { text: repaired, repairs, truncated } = repairXml(prepared);
    const detail = (strictError as Error).message.split('\n').slice(0, 3).join(' ');
    try {
      parsed = await runRssParser(repaired);
    } catch (repairError) {
      throw new FeedParseError(
        'malformed_xml',
        `The feed is not well-formed XML and could not be repaired: ${detail}`,
        {
          cause: repairError,
        },
      );
    }
    // A repaired document without items is not a feed that is fine and empty: say what is wrong with it.
    if (!parsed.items?.length) {
      throw truncated
        ? new FeedParseError('truncated', `The document is cut off before its first complete item (${detail})`)
        : new FeedParseError('malformed_xml', `The feed is not well-formed XML and no item survived repair: ${detail}`);
    }
    warnings.push(`not well-formed XML (${(strictError as Error).message.split('\n')[0]}); repaired`, ...repairs);
    source = repaired;
  }
  const root = rootElementName(source) ?? 'rss';
  return toFeedDocument(parsed, documentUrl, root, warnings);
}

const ENTRY_TEXT_FIELDS = ['title', 'author', 'summaryHtml', 'contentHtml'] as const satisfies (keyof ParsedEntry)[];

/**
 * Undoes double-encoded UTF-8 in every text field of the document (see decode/double-encoding.ts), field by field
 * like feedparser, so one damaged title does not change how the others are read.
 */
function repairDoubleEncodedFields(doc: FeedDocument): FeedDocument {
  let repaired = 0;
  const fix = (text: string): string => {
    const out = repairDoubleEncoding(text);
    if (out !== text) repaired++;
    return out;
  };
  if (doc.title) doc.title = fix(doc.title);
  if (doc.description) doc.description = fix(doc.description);
  for (const entry of doc.entries) {
    for (const field of ENTRY_TEXT_FIELDS) {
      const value = entry[field];
      if (value) entry[field] = fix(value);
    }
    entry.categories = entry.categories.map(fix);
  }
  if (repaired) doc.warnings.push(`repaired double-encoded UTF-8 (mojibake) in ${repaired} text field(s)`);
  return doc;
}

/**
 * Reads a decoded feed document (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1) into a FeedDocument.
 * Throws FeedParseError when the text is empty, not a feed, cut off before its first item (truncated), or XML
 * too broken to repair (also when repair leaves no item). Double-encoded UTF-8 is repaired in every text field.
 */
export async function parseFeed(text: string, documentUrl: string): Promise<FeedDocument> {
  const start = text.search(/\S/);
  if (start < 0) throw new FeedParseError('empty', 'The document is empty');
  if (text[start] === '{' || text[start] === '[') return repairDoubleEncodedFields(parseJson(text, documentUrl));
  try {
    return repairDoubleEncodedFields(await parseXml(text, documentUrl));
  } catch (error) {
    if (error instanceof FeedParseError) throw error;
    // rss-parser assumes structure it does not check (e.g. <rss> without <channel>).
    throw new FeedParseError('not_a_feed', `The document has no usable feed structure: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
