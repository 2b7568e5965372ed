import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sanitizeHtml from 'sanitize-html';
import { describe, expect, it } from 'vitest';
import { decodeFeedBytes } from '../../src/decode/index.ts';
import {
  LIBRARY_DEFAULTS,
  OPTIONS,
  sanitizeContent,
  sanitizeContentWithImage,
  sanitizeDocument,
} from '../../src/normalize/sanitize.ts';
import { parseFeed } from '../../src/parse/index.ts';
import { corpora, readManifest } from '../support/corpus.ts';

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

/**
 * sanitizeContentWithImage runs sanitize-html's algorithm for our options on sanitize-html's own parser without
 * the library's per-call set-up (src/normalize/sanitize.ts): its output must be the library's, byte for byte, on
 * every body of the corpus, on the XSS vectors and on those cut and spliced at random places (broken markup).
 */
/** sanitize-html itself with our options: the reference (a devDependency; the runtime never loads it). */
const sanitizeWithLibrary = (html: string, baseUrl?: string) =>
  sanitizeDocument((h) => sanitizeHtml(h, OPTIONS as sanitizeHtml.IOptions), html, baseUrl);

describe('the allow-list sanitiser against sanitize-html itself', () => {
  const base = 'https://site.example/post/';

  it('reads the library defaults it froze as the library has them', () => {
    const library = sanitizeHtml.defaults as sanitizeHtml.IOptions & {
      nonBooleanAttributes: string[];
      allowedEmptyAttributes: string[];
    };
    expect(LIBRARY_DEFAULTS.allowedTags).toEqual(library.allowedTags);
    expect(LIBRARY_DEFAULTS.selfClosing).toEqual(library.selfClosing);
    expect(LIBRARY_DEFAULTS.allowedEmptyAttributes).toEqual(library.allowedEmptyAttributes);
    // Every default the port does not read is one our options override (or a mode the port implements).
    const overridden = new Set(Object.keys(OPTIONS));
    const frozen = new Set(Object.keys(LIBRARY_DEFAULTS));
    const unread = Object.keys(library).filter((k) => !overridden.has(k) && !frozen.has(k));
    expect(unread.sort()).toEqual(['disallowedTagsMode', 'enforceHtmlBoundary', 'parseStyleAttributes']);
    expect(library.disallowedTagsMode).toBe('discard');
    expect(library.enforceHtmlBoundary).toBe(false);
    // nonBooleanAttributes only matters for the attributes some tag of ours allows.
    const ours = new Set(Object.values(OPTIONS.allowedAttributes).flat());
    expect([...LIBRARY_DEFAULTS.nonBooleanAttributes].sort()).toEqual(
      library.nonBooleanAttributes.filter((a) => ours.has(a)).sort(),
    );
  });
  const same = (html: string) => {
    const ours = sanitizeContentWithImage(html, base);
    const library = sanitizeWithLibrary(html, base);
    expect(ours.html).toBe(library.html);
    expect(ours.firstImage).toBe(library.firstImage);
  };

  it('agrees on the XSS vectors and on markup the allow-list rules touch', () => {
    const cases = [
      ...VECTORS,
      '<p>a &amp; b &lt; c &gt; d "q" &quot; &#1; &#x81; &nbsp; &copy &unknown; &#xD800;</p>',
      '<a href="/x?a=1&b=2" title=\'say "hi" <now>\'>x</a><a href="">e</a><a>n</a><a href="mailto:a@b.example">m</a>',
      '<a href="//evil.example/">p</a><a href="\\\\evil.example/">q</a><a href="ftp://x.example/">f</a>',
      '<img src="/a.png" width="1" height="1"><img src="/b.png" width="800"><img alt="no src"><img src="">',
      '<iframe src="http://www.youtube.com/embed/x"></iframe><iframe src="//player.vimeo.com/video/1"></iframe>',
      '<iframe src="https://YOUTUBE.com/embed/y" allowfullscreen></iframe><iframe src="relative:x"></iframe>',
      '<video src="/v.mp4" poster="javascript:x" controls><source src="/v.webm" type="video/webm"><source></video>',
      '<audio src="data:audio/x"><source src="/a.ogg"></audio><del>d</del><ins>i</ins><main>m</main><nav>n</nav>',
      '<table><tr><td colspan="2" rowspan="" onclick="x">c</td><th scope="col">h</th></tr></table>',
      '<ol start="3" reversed><li>x</ol><time datetime="2026-01-01">t</time><abbr title="t">a</abbr>',
      '<p class="c" id="i" style="color:red" data-x="1" a<b="1" ="x">attrs</p><br/><hr><br>',
      '<div><span><b>unclosed <i>nested</div></b> after</span><p>x<p>y</li></ul></p>',
      '<textarea><b>t</b></textarea><option>o</option><noscript><img src=x></noscript><template>t</template>',
      '<title>t</title><svg><a href="/x">in svg</a></svg><math><mi>x</mi></math>tail<object><param>o</object>',
      '<script>if (a < b) document.write("<p>")</script><style>p{}</style>after',
      '<font color=red>kept text</font><center>c</center><blink>b</blink><custom-tag x=1>c</custom-tag>',
      '<!-- comment --><![CDATA[cdata]]><?pi x?><!doctype html>text',
      '<pre><code>a &amp;&amp; b "&lt;ok&gt;"</code></pre><blockquote cite="javascript:x">q</blockquote>',
      '<img src="https://cdn.example/a.jpg" loading="eager" title="t" alt="a" width="10" height="10">',
      '<a href=" java\u0000script:x">nul</a><a href="java&#x0A;script:alert(1)">nl</a><a href="#frag">f</a>',
    ];
    for (const html of cases) same(html);
  });

  it('agrees on broken markup: the vectors and cases cut and spliced at random places', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pieces = [...VECTORS, '<p>a <a href="/x">b</a> <img src="/i.png"> c</p>', '<ul><li>x<li>y</ul>'];
    for (let i = 0; i < 2000; i++) {
      const a = pieces[random(pieces.length)]!;
      const b = pieces[random(pieces.length)]!;
      same(a.slice(0, random(a.length + 1)) + b.slice(random(b.length + 1)));
    }
  });

  for (const corpus of corpora) {
    it.skipIf(!corpus.present)(`agrees on every entry body of the ${corpus.name} ${corpus.absent}`, async () => {
      let bodies = 0;
      for (const row of readManifest(corpus.dir)) {
        const bytes = readFileSync(join(corpus.dir, row.path));
        let doc: Awaited<ReturnType<typeof parseFeed>>;
        try {
          doc = await parseFeed(decodeFeedBytes(bytes).text, 'https://feed.example/feed.xml');
        } catch {
          continue;
        }
        for (const entry of doc.entries) {
          for (const html of [entry.contentHtml, entry.summaryHtml]) {
            if (!html) continue;
            same(html);
            bodies++;
          }
        }
      }
      expect(bodies).toBeGreaterThan(10);
    });
  }
});
