import { describe, expect, it } from 'vitest';
import { extractArticle, PAGE_MAX_DEPTH, PAGE_MAX_ELEMENTS } from '../../src/extract/article.ts';
import { siteRuleFor } from '../../src/extract/site-rules.ts';

const para = (n: number, word = 'text') =>
  Array.from(
    { length: n },
    (_, i) =>
      `<p>Paragraph ${i} with enough ${word} to read as an article body, sentence after sentence, as news does.</p>`,
  ).join('');

const page = `<!doctype html><html><head><meta charset="utf-8"><title>T</title></head><body>
<nav><a href="/">Home</a><a href="/about">About</a></nav>
<div class="story"><h1>Headline</h1><div class="body">${para(12)}<div class="ad">BUY NOW</div></div></div>
<aside class="related">${para(3, 'related')}</aside>
<footer>Copyright</footer></body></html>`;

const run = (html: string, extra: Partial<Parameters<typeof extractArticle>[0]> = {}) =>
  extractArticle({ body: Buffer.from(html), contentType: 'text/html', url: 'https://news.example/a/1', ...extra });

describe('extractArticle', () => {
  it('finds the article with Readability and sanitises it like feed content', () => {
    const r = run(
      page
        .replace('</div></div>', '<script>alert(1)</script></div></div>')
        .replace('Paragraph 3 with', '<a href="/next" onclick="x()">Paragraph 3</a> with'),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.by).toBe('readability');
    expect(r.html).toContain('Paragraph 11');
    expect(r.html).not.toContain('Home');
    expect(r.html).not.toMatch(/<script|onclick/);
    // Relative links become absolute against the page, and open in a new tab.
    expect(r.html).toContain('href="https://news.example/next"');
  });

  it('a site rule wins: its article selector, minus its remove selectors', () => {
    const rule = { host: 'news.example', article: '.story .body', remove: ['.ad'] };
    const r = run(page, { rule });
    expect(r).toMatchObject({ ok: true, by: 'rule' });
    if (!r.ok) return;
    expect(r.html).toContain('Paragraph 0');
    expect(r.html).not.toContain('BUY NOW');
    expect(r.html).not.toContain('related');
    // A selector that matches nothing (or is not CSS) leaves the generic extractor in charge.
    expect(run(page, { rule: { host: 'news.example', article: '.nothing-here' } })).toMatchObject({
      by: 'readability',
    });
    expect(run(page, { rule: { host: 'news.example', article: '<<bad', remove: ['::nope('] } })).toMatchObject({
      ok: true,
    });
  });

  it('site rules match the host and its subdomains, the longest host first', () => {
    const rules = [{ host: 'example.com' }, { host: 'blog.example.com', article: 'main' }];
    expect(siteRuleFor('https://www.example.com/x', rules)?.host).toBe('example.com');
    expect(siteRuleFor('https://blog.example.com/x', rules)?.host).toBe('blog.example.com');
    expect(siteRuleFor('https://notexample.com/x', rules)).toBeUndefined();
  });

  it('honours the page’s charset declaration when the server sends none', () => {
    const latin1 = Buffer.from(page.replace('utf-8', 'iso-8859-1').replace('Headline', 'Straße in Köln'), 'latin1');
    const html = latin1.toString('latin1').replace(para(12), `${para(12)}<p>Grüße aus Köln, schön war’s.</p>`);
    const r = extractArticle({
      body: Buffer.from(html, 'latin1'),
      contentType: 'text/html',
      url: 'https://x.example/',
    });
    expect(r.ok && r.html).toContain('Grüße aus Köln');
  });

  it('refuses what is not an article page, with a reason', () => {
    expect(run('%PDF-1.4', { contentType: 'application/pdf' })).toMatchObject({ ok: false, reason: 'not_html' });
    expect(run('\u0000\u0001binary', { contentType: undefined })).toMatchObject({ ok: false, reason: 'not_html' });
    expect(run(page, { contentType: undefined })).toMatchObject({ ok: true });
    expect(run(`<html><body>${'<div>'.repeat(PAGE_MAX_DEPTH + 5)}x</body></html>`)).toMatchObject({
      ok: false,
      reason: 'too_complex',
    });
    expect(run(`<html><body>${'<span>a</span>'.repeat(PAGE_MAX_ELEMENTS + 5)}</body></html>`)).toMatchObject({
      ok: false,
      reason: 'too_complex',
    });
    expect(run('<html><body><p>Log in to read.</p></body></html>')).toMatchObject({ ok: false, reason: 'no_article' });
    // Not longer than what the feed already had: nothing gained, the feed's content stays.
    expect(run(page, { feedTextLength: 100_000 })).toMatchObject({ ok: false, reason: 'no_article' });
  });
});
