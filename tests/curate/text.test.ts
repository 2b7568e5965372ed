import { describe, expect, it } from 'vitest';
import { compileTerm, fold, occursInOrder, tokenize, WordMatcher, wordMatches } from '../../src/curate/text.ts';

const has = (term: string, text: string, lang: 'de' | 'en') => {
  const matcher = new WordMatcher();
  const words = compileTerm(term).map((w) => matcher.add(w));
  return occursInOrder(
    words,
    tokenize(text).map((t) => matcher.matches(t, lang)),
  );
};

describe('curate text', () => {
  it('folds umlauts and ß', () => {
    expect(fold('Souveränität Größe Übernahme')).toBe('souveranitat grosse ubernahme');
  });

  it('German stemming: Rechenzentren matches Rechenzentrum and its inflections', () => {
    for (const w of ['Rechenzentren', 'Rechenzentrums', 'Rechenzentrum'])
      expect(has('Rechenzentrum', w, 'de')).toBe(true);
  });

  it('matches German compounds by their stem as first or (long) last part', () => {
    expect(has('Rechenzentrum', 'Rechenzentrumsbetreiber', 'de')).toBe(true);
    expect(has('Rechenzentrum', 'Großrechenzentrum', 'de')).toBe(true);
    expect(has('cloud', 'Clouddienste', 'de')).toBe(true);
    // short stems never match as a compound's last part: iCloud is not cloud
    expect(has('cloud', 'iCloud', 'de')).toBe(false);
    expect(has('wetter', 'Wettbewerb', 'de')).toBe(false);
  });

  it('splits hyphenated compounds and matches phrases on stems', () => {
    expect(has('cloud geschäft', 'Das Cloud-Geschäft wächst', 'de')).toBe(true);
    expect(has('data center', 'three new data centres', 'en')).toBe(true);
    expect(has('cloud provider', 'the largest cloud providers', 'en')).toBe(true);
    expect(has('cloud provider', 'the cloud and its providers', 'en')).toBe(false);
  });

  it('supports explicit prefix/suffix wildcards', () => {
    expect(has('*wolk*', 'Aschewolke', 'de')).toBe(true);
    expect(has('cloud*', 'cloudbasiert', 'de')).toBe(true);
  });

  it('keeps numbers with separators', () => {
    expect(tokenize('7,8 Milliarden').map((t) => t.norm)).toEqual(['7.8', 'milliarden']);
  });

  it('WordMatcher answers per token exactly what matching word by word answers', () => {
    const words = [
      'Rechenzentrum',
      'cloud',
      'cloud*',
      '*zentrum',
      '*wolk*',
      'data',
      'center',
      'provider',
      'AWS',
    ].flatMap((term) => compileTerm(term));
    const matcher = new WordMatcher();
    const ids = words.map((w) => matcher.add(w));
    const text =
      'Großrechenzentrum Rechenzentrumsbetreiber Rechenzentren Clouddienste iCloud Aschewolke data centres providers AWS-Region Wettbewerb';
    for (const token of tokenize(text)) {
      for (const lang of ['de', 'en'] as const) {
        const expected = [...new Set(words.flatMap((w, i) => (wordMatches(w, token, lang) ? [ids[i]!] : [])))];
        expect([...matcher.matches(token, lang)].sort(), `${token.raw} (${lang})`).toEqual(expected.sort());
      }
    }
  });
});
