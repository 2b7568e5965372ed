import { describe, expect, it } from 'vitest';
import { sniffFeed } from '../../src/fetch/sniff.ts';
import { removeControlChars, removeXmlIllegalChars } from '../../src/lib/xml-chars.ts';
import { FeedParseError, parseFeed } from '../../src/parse/index.ts';

describe('feed sniffing is one definition for fetch/ and parse/', () => {
  const DOCS = [
    '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>I</title></item></channel></rss>',
    '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><id>urn:x:1</id><title>I</title></entry></feed>',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>T</title></channel><item><title>I</title></item></rdf:RDF>',
    '<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"><atom:title>T</atom:title></atom:feed>',
    '<?xml version="1.0"?><opml version="2.0"><body/></opml>',
    '<!doctype html><html><body>Not found</body></html>',
    JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'J', items: [{ id: '1' }] }),
    JSON.stringify({ version: '1.0', items: [] }),
  ];

  it.each(DOCS)('discovery offers a document exactly when the parser reads it as a feed: %s', async (doc) => {
    let parsedAsFeed = true;
    try {
      await parseFeed(doc, 'https://example.org/feed');
    } catch (error) {
      expect(error).toBeInstanceOf(FeedParseError);
      parsedAsFeed = (error as FeedParseError).reason !== 'not_a_feed';
    }
    expect(sniffFeed(Buffer.from(doc)) !== undefined).toBe(parsedAsFeed);
  });
});

describe('XML-illegal and control characters', () => {
  const text = 'a\u0000b\u0008c\u000Bd\u0085e\u009Ff\uFFFEg\uD800h\uD83D\uDE00i\tj\nk';

  it('removeXmlIllegalChars drops what XML 1.0 forbids and keeps C1 controls and surrogate pairs', () => {
    expect(removeXmlIllegalChars(text)).toBe('abcd\u0085e\u009Ffgh\uD83D\uDE00i\tj\nk');
  });

  it('removeControlChars also drops DEL and C1 controls', () => {
    expect(removeControlChars(`${text}\u007F`)).toBe('abcdefgh\uD83D\uDE00i\tj\nk');
  });
});
