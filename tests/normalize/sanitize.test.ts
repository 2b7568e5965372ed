import { describe, expect, it } from 'vitest';
import { sanitizeContent } from '../../src/normalize/sanitize.ts';

/** Classic XSS vectors (OWASP filter evasion cheat sheet style). None may survive in executable form. */
const VECTORS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>',
  '<IMG SRC="javascript:alert(\'XSS\');">',
  '<IMG SRC=javascript:alert(1)>',
  '<IMG SRC=JaVaScRiPt:alert(1)>',
  '<img src=x onerror=alert(1)>',
  '<img src="x" OnErRoR="alert(1)">',
  '<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>',
  '<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>',
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '<a href="jav\tascript:alert(1)">x</a>',
  '<a href=" &#14;  javascript:alert(1)">x</a>',
  '<a href="javascript&colon;alert(1)">x</a>',
  '<a href="JAVASCRIPT:alert(1)">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<svg/onload=alert(1)>',
  '<body onload=alert(1)>',
  '<iframe src=javascript:alert(1)></iframe>',
  '<iframe src="https://evil.example/"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<iframe src="https://www.youtube.com/embed/x" srcdoc="<script>alert(1)</script>" onload="alert(1)"></iframe>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  '<math href="javascript:alert(1)">x</math>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<form action="javascript:alert(1)"><input type=submit></form>',
  '<button formaction="javascript:alert(1)">x</button>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<div style="width: expression(alert(1))">x</div>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<link rel=stylesheet href="javascript:alert(1)">',
  '<style>@import "javascript:alert(1)";</style>',
  '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
  '<details open ontoggle=alert(1)>',
  '<video><source onerror="alert(1)"></video>',
  '<a href="#" onclick="alert(1)">x</a>',
  '<<script>script>alert(1)//<</script>/script>',
  '<scr<script>ipt>alert(1)</script>',
  '<img """><script>alert(1)</script>">',
  '<input onfocus=alert(1) autofocus>',
  '<marquee onstart=alert(1)>',
  '<isindex action="javascript:alert(1)" type=image>',
  '<video poster="javascript:alert(1)"></video>',
];

/** Tags and attributes that can run code or leave the page, as they would appear in rendered markup. */
const EXECUTABLE = [
  /<script/i,
  /<[^>]*\son[a-z]+\s*=/i,
  /(?:href|src|action|formaction|poster|background|data)\s*=\s*["']?\s*(?:javascript|vbscript|data):/i,
  /<(?:iframe|object|embed|form|meta|base|link|style|svg|math|input|button)\b(?![^>]*youtube)/i,
  /srcdoc/i,
  /style\s*=/i,
];

describe('sanitizeContent against XSS vectors', () => {
  it.each(VECTORS)('%s', (vector) => {
    const out = sanitizeContent(vector, 'https://site.example/post/');
    for (const pattern of EXECUTABLE) expect(out).not.toMatch(pattern);
  });
});

describe('sanitizeContent allow-list behaviour', () => {
  const base = 'https://site.example/blog/post.html';

  it('keeps ordinary markup and makes links safe and absolute', () => {
    const out = sanitizeContent('<p>Hi <a href="../about">about</a> <b>bold</b></p>', base);
    expect(out).toBe(
      '<p>Hi <a href="https://site.example/about" rel="noopener noreferrer" target="_blank">about</a> <b>bold</b></p>',
    );
  });

  it('lazy-loads images, resolves their src and drops tracking pixels', () => {
    const out = sanitizeContent(
      '<img src="a.png" alt="A"><img src="https://t.example/p.gif" width="1" height="1">',
      base,
    );
    expect(out).toBe('<img src="https://site.example/blog/a.png" alt="A" loading="lazy" />');
  });

  it('keeps YouTube and Vimeo iframes, sandboxed, and drops other iframes', () => {
    const yt = sanitizeContent('<iframe src="https://www.youtube-nocookie.com/embed/abc" width="560"></iframe>');
    expect(yt).toContain('src="https://www.youtube-nocookie.com/embed/abc"');
    expect(yt).toContain('sandbox="allow-scripts allow-same-origin allow-popups allow-presentation"');
    expect(sanitizeContent('<iframe src="https://player.vimeo.com/video/1"></iframe>')).toContain('player.vimeo.com');
    expect(sanitizeContent('<iframe src="https://ads.example/frame"></iframe>')).toBe('');
  });

  it('removes style attributes but keeps the text of dropped wrappers', () => {
    expect(sanitizeContent('<font color="red" style="x">text</font>')).toBe('text');
  });

  it('returns an empty string for empty input', () => {
    expect(sanitizeContent('   ')).toBe('');
  });
});
