import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { fullTextModeOf, looksTruncated, wantsFullText } from '../../src/extract/truncation.ts';

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
