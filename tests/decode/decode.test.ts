import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeFeedBytes } from '../../src/decode/index.ts';

const rss = (encoding: string | null, title: string) =>
  `<?xml version="1.0"${encoding ? ` encoding="${encoding}"` : ''}?><rss version="2.0"><channel><title>${title}</title></channel></rss>`;

describe('decodeFeedBytes', () => {
  it('reads windows-1252 curly quotes and the euro sign (bytes 0x80–0x9F)', () => {
    const body = iconv.encode(rss('windows-1252', '“Preis” 5 € – ok'), 'windows-1252');
    const { text, encoding } = decodeFeedBytes(body);
    expect(encoding).toBe('windows-1252');
    expect(text).toContain('“Preis” 5 € – ok');
  });

  it('reads ISO-8859-1 umlauts, treating the label as windows-1252', () => {
    const body = iconv.encode(rss('ISO-8859-1', 'Größe Übung'), 'latin1');
    expect(decodeFeedBytes(body).text).toContain('Größe Übung');
  });

  it('reads UTF-16LE and UTF-16BE with a BOM', () => {
    for (const enc of ['utf-16le', 'utf-16be'] as const) {
      const body = iconv.encode(rss('UTF-16', 'Grüße'), enc, { addBOM: true });
      const { text, encoding } = decodeFeedBytes(body);
      expect(encoding).toBe(enc);
      expect(text.startsWith('<?xml')).toBe(true);
      expect(text).toContain('Grüße');
    }
  });

  it('reads BOM-less UTF-16BE from the first bytes', () => {
    const body = iconv.encode(rss(null, 'Grüße'), 'utf-16be');
    expect(decodeFeedBytes(body).text).toContain('Grüße');
  });

  it('lets the BOM win over the HTTP charset and the prolog', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rss('ISO-8859-1', 'Grüße'))]);
    const { text, encoding } = decodeFeedBytes(body, 'text/xml; charset=windows-1251');
    expect(encoding).toBe('utf-8');
    expect(text).toContain('Grüße');
  });

  it('lets the HTTP charset win over the prolog', () => {
    const body = iconv.encode(rss('UTF-8', 'Новости'), 'windows-1251');
    const { text, encoding } = decodeFeedBytes(body, 'application/rss+xml; charset="windows-1251"');
    expect(encoding).toBe('windows-1251');
    expect(text).toContain('Новости');
  });

  it('uses the prolog when text/xml comes without charset', () => {
    const body = iconv.encode(rss('koi8-r', 'Новости'), 'koi8-r');
    expect(decodeFeedBytes(body, 'text/xml').text).toContain('Новости');
  });

  it('reads bytes as UTF-8 when a single-byte label is wrong and the bytes are valid UTF-8', () => {
    const body = Buffer.from(rss('ISO-8859-1', 'Café 테스트'), 'utf8');
    const { text, warnings } = decodeFeedBytes(body);
    expect(text).toContain('Café 테스트');
    expect(warnings.join()).toMatch(/valid UTF-8/);
  });

  it('falls back to windows-1252 for bytes that are not UTF-8 despite a UTF-8 label or none', () => {
    const latin = iconv.encode(rss('UTF-8', 'Notícias Últimas'), 'latin1');
    expect(decodeFeedBytes(latin).text).toContain('Notícias Últimas');
    const undeclared = iconv.encode(rss(null, 'Notícias'), 'latin1');
    expect(decodeFeedBytes(undeclared)).toMatchObject({ encoding: 'windows-1252' });
  });

  it('keeps valid UTF-8 characters next to a stray legacy byte', () => {
    const body = Buffer.concat([
      Buffer.from('<rss><channel><title>Grüße ', 'utf8'),
      Buffer.from([0xe9]),
      Buffer.from('</title></channel></rss>'),
    ]);
    expect(decodeFeedBytes(body).text).toContain('Grüße é');
  });

  it('ignores an unknown charset name with a warning', () => {
    const { text, warnings } = decodeFeedBytes(Buffer.from(rss('bogus', 'x')), 'text/xml; charset=nonsense');
    expect(text).toContain('<title>x</title>');
    expect(warnings.length).toBeGreaterThan(0);
  });

  it('gunzips gzip bytes that arrived without Content-Encoding, within a size cap', () => {
    const gz = gzipSync(Buffer.from(rss('UTF-8', 'komprimiert')));
    expect(decodeFeedBytes(gz).text).toContain('komprimiert');
    const capped = decodeFeedBytes(gz, undefined, { maxGunzipBytes: 10 });
    expect(capped.warnings.join()).toMatch(/could not be gunzipped/);
  });

  it('drops the encoding declaration and the BOM from the returned string', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rss('utf-8', 'x'))]);
    const { text } = decodeFeedBytes(body);
    expect(text.startsWith('<?xml version="1.0"?>')).toBe(true);
  });
});
