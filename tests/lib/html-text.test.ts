import { describe, expect, it } from 'vitest';
import { collapseWhitespace, htmlToText } from '../../src/lib/html-text.ts';

/** What collapseWhitespace was written as: every run of whitespace to one space, then trimmed. */
const reference = (text: string) => text.replace(/[\s\u00a0\u200b]+/g, ' ').trim();

describe('collapseWhitespace', () => {
  it('turns every run of whitespace into one space, like the plain run-replacing pattern', () => {
    const spaces: string[] = [];
    for (let c = 0; c < 0x10000; c++)
      if (/[\s\u00a0\u200b]/.test(String.fromCharCode(c))) spaces.push(String.fromCharCode(c));
    expect(spaces.length).toBeGreaterThan(20);
    const alphabet = [...spaces, ' ', ' ', ' ', 'a', 'b', 'ä', '<', '\u{1F600}'];
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let k = 0; k < 20000; k++) {
      let s = '';
      for (let i = next(14); i > 0; i--) s += alphabet[next(alphabet.length)];
      expect(collapseWhitespace(s), JSON.stringify(s)).toBe(reference(s));
    }
  });

  it('keeps single spaces, folds tabs, newlines, NBSP and zero-width spaces', () => {
    expect(collapseWhitespace('  a b\tc\n\nd\u00a0e\u200bf \u2028 g  ')).toBe('a b c d e f g');
    expect(collapseWhitespace('one two')).toBe('one two');
    expect(htmlToText('<p>Ein&nbsp;Satz</p>\n<p>und  noch\teiner</p>')).toBe('Ein Satz und noch einer');
  });
});
