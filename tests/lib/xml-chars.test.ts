import { describe, expect, it } from 'vitest';
import {
  CONTROL_CHARS,
  removeControlChars,
  removeXmlIllegalChars,
  XML_ILLEGAL_CHARS,
} from '../../src/lib/xml-chars.ts';

// The functions skip the replace when a text holds nothing it could remove: the same output as always replacing.
describe('removeControlChars / removeXmlIllegalChars', () => {
  const alphabet = [
    'a',
    ' ',
    'ä',
    '\t',
    '\n',
    '\r',
    '\u0000',
    '\u0007',
    '\u000B',
    '\u001F',
    '\u007F',
    '\u0085',
    '\u009F',
    '\u00A0',
    '\uD83D',
    '\uDE00',
    '\uD83D\uDE00',
    '\uFFFE',
    '\uFFFF',
    '\uFFFD',
  ];
  it('remove exactly what their patterns match, on random texts', () => {
    let seed = 11;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let k = 0; k < 20000; k++) {
      let s = '';
      for (let i = next(10); i > 0; i--) s += alphabet[next(alphabet.length)];
      expect(removeControlChars(s), JSON.stringify(s)).toBe(s.replace(CONTROL_CHARS, ''));
      expect(removeXmlIllegalChars(s), JSON.stringify(s)).toBe(s.replace(XML_ILLEGAL_CHARS, ''));
    }
  });

  it('keep pairs, drop lone surrogates and controls', () => {
    expect(removeControlChars('a\uD83D\uDE00b')).toBe('a\uD83D\uDE00b');
    expect(removeControlChars('a\uD83Db\uDE00c\u0085d')).toBe('abcd');
    expect(removeXmlIllegalChars('a\u0085b\u0001c')).toBe('a\u0085bc');
    expect(removeControlChars('plain text')).toBe('plain text');
    expect(removeControlChars(undefined)).toBeUndefined();
  });
});
