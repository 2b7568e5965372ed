import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { endsCutOff, fullTextModeOf, looksTruncated, wantsFullText } from '../../src/extract/truncation.ts';

const long = (words: number) => Array.from({ length: words }, (_, i) => `word${i}`).join(' ');
const body = (text: string, summary = '') => ({ contentHtml: `<p>${text}</p>`, summary });

describe('looksTruncated: when the feed content is a teaser', () => {
  it('short content is a teaser', () => {
    expect(looksTruncated(body('Two sentences. That is all.'))).toBe(true);
    expect(looksTruncated({ contentHtml: '', summary: 'only a summary' })).toBe(true);
  });

  it('long content ending in a cut-off mark is a teaser', () => {
    for (const ending of [
      '…',
      '...',
      '[…]',
      '[...]',
      'Read more',
      'Continue reading »',
      'Weiterlesen',
      'Lesen Sie mehr',
      '(more…)',
      'Lire la suite',
    ]) {
      expect(looksTruncated(body(`${long(120)} ${ending}`)), ending).toBe(true);
    }
  });

  it('long content equal to its summary is a teaser; a long full body is not', () => {
    const text = long(120);
    expect(looksTruncated(body(text, text))).toBe(true);
    expect(looksTruncated(body(`${text}. The end.`, 'A summary.'))).toBe(false);
    // A sentence that merely ends in a common word is not a cut-off mark.
    expect(looksTruncated(body(`${text} und das gilt nicht mehr.`, 'Kurz.'))).toBe(false);
  });
});

describe('endsCutOff: the cheap check says what the end-anchored pattern said', () => {
  // The pattern the check replaced (one regex tried at every position of the text's last 80 characters).
  const PATTERN =
    /(?:…|\.\.\.|\[\s*(?:…|\.\.\.)\s*\]|\b(?:read|continue|keep)\s+(?:more|reading)\b|\bread the (?:full|rest|whole) (?:story|article|post)\b|\bweiterlesen\b|\bmehr lesen\b|\blesen sie (?:mehr|weiter)\b|\bzum (?:vollständigen )?artikel\b|\blire la suite\b|\bleer m[aá]s\b|\bcontinua a leggere\b|\(more\W*\))[\s\p{P}\p{S}]*$/iu;
  const endings = [
    '…',
    '...',
    '[…]',
    '[ ... ]',
    'Read more',
    'read more →',
    'Continue reading »',
    'Keep reading.',
    'Weiterlesen',
    'Weiterlesen ›',
    'mehr lesen',
    'Lesen Sie weiter …',
    'Zum vollständigen Artikel',
    'zum Artikel »',
    '(more…)',
    '(more)',
    'Lire la suite',
    'leer mas',
    'Continua a leggere',
    'Read the full story',
    'read the rest article',
    'The end.',
    'nicht mehr.',
    'thread more',
    'Weiterlesende',
    'more',
    '',
    '.',
    '!!',
    '»',
    '12 %',
    'café',
    'so..',
    'Artikel',
    'more)',
    '…and then it went on for a while.',
    'x … y',
    'alreadymore reading',
    'Zum Artikelarchiv',
  ];
  it('agrees on endings with and without a cut-off mark', () => {
    for (const ending of endings) {
      for (const text of [`${long(60)} ${ending}`, ending, `${long(60)}${ending}`]) {
        expect(endsCutOff(text), JSON.stringify(text.slice(-40))).toBe(PATTERN.test(text.slice(-80)));
      }
    }
  });
});

describe('wantsFullText: the source mode decides', () => {
  const teaser = { ...body('Teaser …'), link: 'https://example.org/a' };
  const full = { ...body(`${long(200)}.`, 'x'), link: 'https://example.org/b' };
  it('auto: teasers only; always: every item with a link; never: none', () => {
    expect(wantsFullText('auto', teaser)).toBe(true);
    expect(wantsFullText('auto', full)).toBe(false);
    expect(wantsFullText('always', full)).toBe(true);
    expect(wantsFullText('never', teaser)).toBe(false);
    expect(wantsFullText('always', { ...full, link: null })).toBe(false);
    expect(wantsFullText('always', { ...full, link: 'mailto:a@b.c' })).toBe(false);
  });

  it('a source without fullText: takes defaults.fullText (auto unless the file says otherwise)', () => {
    const config = configSchema.parse({
      sources: [{ url: 'https://a.example/feed' }, { url: 'https://b.example/feed', fullText: 'always' }],
    });
    expect(config.defaults.fullText).toBe('auto');
    expect(fullTextModeOf(config, 'https://a.example/feed')).toBe('auto');
    expect(fullTextModeOf(config, 'https://b.example/feed')).toBe('always');
    const never = configSchema.parse({ defaults: { fullText: 'never' }, sources: [{ url: 'https://a.example/feed' }] });
    expect(fullTextModeOf(never, 'https://a.example/feed')).toBe('never');
    expect(() => configSchema.parse({ defaults: { fullText: 'sometimes' } })).toThrow();
  });
});
