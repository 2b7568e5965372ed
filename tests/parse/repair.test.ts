import { describe, expect, it } from 'vitest';
import { repairXml } from '../../src/parse/repair.ts';

describe('repairXml', () => {
  it('removes junk before the XML declaration', () => {
    const { text, repairs } = repairXml('\n  junk<?xml version="1.0"?><rss/>');
    expect(text).toBe('<?xml version="1.0"?><rss/>');
    expect(repairs).toHaveLength(1);
  });

  it('escapes bare ampersands and unknown entities, converts HTML entities to numeric references', () => {
    const { text } = repairXml('<a>Tom & Jerry &nbsp;&eacute;&amp;&#233;&#x41;&bogus; a=1&b=2</a>');
    expect(text).toBe('<a>Tom &amp; Jerry &#160;&#233;&amp;&#233;&#x41;&amp;bogus; a=1&amp;b=2</a>');
  });

  it('leaves CDATA sections alone', () => {
    const input = '<a><![CDATA[R&D &nbsp;]]> &copy;</a>';
    expect(repairXml(input).text).toBe('<a><![CDATA[R&D &nbsp;]]> &#169;</a>');
  });

  it('removes XML-illegal control characters and references to them', () => {
    expect(repairXml('<a>x\u000fy&#15;z\u0000</a>').text).toBe('<a>xyz</a>');
  });

  it('closes a CDATA section and elements a truncated document left open', () => {
    const { text, truncated } = repairXml('<rss><channel><title><![CDATA[cut');
    expect(text).toBe('<rss><channel><title><![CDATA[cut]]></title></channel></rss>');
    expect(truncated).toBe(true);
  });

  it('drops the item a truncated document cut through, keeps the complete ones', () => {
    const whole = '<item><title>one</title><link>https://a.example/1</link></item>';
    const { text, truncated } = repairXml(`<rss><channel>${whole}\n<item><title>two</title><description><![CDATA[cu`);
    expect(text).toBe(`<rss><channel>${whole}</channel></rss>`);
    expect(truncated).toBe(true);
    expect(repairXml(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</ti`).text).toBe(
      '<feed xmlns="http://www.w3.org/2005/Atom"></feed>',
    );
    expect(repairXml('<rdf:RDF><rss:item><rss:title>x').text).toBe('<rdf:RDF></rdf:RDF>');
  });

  it('drops a half-written closing tag at the end', () => {
    expect(repairXml('<rss><channel></channel>\n</rss').text).toBe('<rss><channel></channel></rss>');
  });

  it('leaves a well-formed document unchanged', () => {
    const doc = '<?xml version="1.0"?><rss><channel><title>a &amp; b</title><x/></channel></rss>';
    expect(repairXml(doc)).toEqual({ text: doc, repairs: [], truncated: false });
  });
});
