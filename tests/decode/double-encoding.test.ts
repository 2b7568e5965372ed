import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { repairDoubleEncoding } from '../../src/decode/double-encoding.ts';
import { parseFeed } from '../../src/parse/index.ts';

/**
 * What a publisher's tool makes of UTF-8 text when it reads it as windows-1252 and writes UTF-8 again. The five
 * bytes windows-1252 leaves undefined become C1 characters, as in WHATWG's index and MySQL's "latin1".
 */
const viaWindows1252 = (text: string) =>
  [...Buffer.from(text, 'utf8')]
    .map((byte) => {
      const char = iconv.decode(Buffer.from([byte]), 'windows-1252');
      return char === '\ufffd' ? String.fromCharCode(byte) : char;
    })
    .join('');
const viaLatin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

describe('repairDoubleEncoding', () => {
  it.each([
    ['German umlauts', 'Kältewelle: Flüchtlinge erfrieren – Übersicht, Straße'],
    ['typographic punctuation', 'It’s “quoted” ‘twice’ – and — … €5 ™'],
    ['French and Portuguese', 'alerte étendue à 37 départements, feminicídio, verglaçante'],
    ['Cyrillic', 'В Москве объявлен «оранжевый» уровень'],
    ['Japanese', '日本の出版社 › 国内'],
    ['emoji', 'served from our new cluster 🎉👍'],
    ['Polish', 'Łódź, źdźbło, łąka'],
  ])('restores %s read through windows-1252', (_label, text) => {
    expect(repairDoubleEncoding(viaWindows1252(text))).toBe(text);
  });

  it('restores text read through Latin-1 (C1 characters for 0x80–0x9F), as feedparser does', () => {
    const text = 'Kältewelle’s “Übersicht” 🎉';
    expect(viaLatin1(text)).not.toBe(text);
    expect(repairDoubleEncoding(viaLatin1(text))).toBe(text);
  });

  it('repairs the damaged part of a field that also holds good text', () => {
    expect(repairDoubleEncoding(`Prachanda’s ${viaWindows1252('‘secret’')} meet`)).toBe('Prachanda’s ‘secret’ meet');
  });

  it('repairs text that was double-encoded twice over', () => {
    expect(repairDoubleEncoding(viaWindows1252(viaWindows1252('Grüße – €')))).toBe('Grüße – €');
  });

  it.each([
    '„Spaß“ und „Gruß…“, sagte er – groß!',
    'SÃO PAULO, ÃGUA',
    'ÄÖÜ äöü ß Ø Å',
    'Café ©2020 ® ¿Qué? ¡Olé! Ñoño',
    'a » b « c, 10 °C, ½ Preis',
    'plain ASCII',
  ])('leaves legitimate text alone: %s', (text) => {
    expect(repairDoubleEncoding(text)).toBe(text);
  });
});

describe('parseFeed repairs double-encoded UTF-8 per text field', () => {
  it('in titles, summaries, content, authors, categories and the feed title', async () => {
    const m = viaWindows1252;
    const rss =
      `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>${m('Nachrichten für Köln')}</title>
      <item><title>${m('Kältewelle – „Übersicht“')}</title><link>https://example.org/1</link>
      <description>${m('Flüchtlinge’s')}</description><author>${m('jörg@example.org (Jörg Müller)')}</author>
      <category>${m('Gesellschaft & Soziales – Köln')}</category></item></channel></rss>`.replace(/& /g, '&amp; ');
    const doc = await parseFeed(rss, 'https://example.org/feed');
    expect(doc.title).toBe('Nachrichten für Köln');
    const [entry] = doc.entries;
    expect(entry?.title).toBe('Kältewelle – „Übersicht“');
    expect(entry?.summaryHtml).toBe('Flüchtlinge’s');
    expect(entry?.author).toBe('jörg@example.org (Jörg Müller)');
    expect(entry?.categories).toEqual(['Gesellschaft & Soziales – Köln']);
    expect(doc.warnings.join('\n')).toMatch(/double-encoded UTF-8/);
  });
});
