import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { resolveUrl } from '../lib/url.ts';
import { IFRAME_HOSTS } from './iframe-hosts.ts';

// In a module of its own, so the web pages' CSP has it without loading sanitize-html.
export { IFRAME_HOSTS };

const IFRAME_SANDBOX = 'allow-scripts allow-same-origin allow-popups allow-presentation';

/** Attributes holding a URL, per tag; they are resolved to absolute http(s) URLs or removed. */
const URL_ATTRIBUTES: Record<string, string[]> = {
  a: ['href'],
  img: ['src'],
  iframe: ['src'],
  video: ['src', 'poster'],
  audio: ['src'],
  source: ['src'],
};

function isTrackingPixel(attribs: Record<string, string>): boolean {
  const w = Number.parseInt(attribs.width ?? '', 10);
  const h = Number.parseInt(attribs.height ?? '', 10);
  return (w <= 1 && !Number.isNaN(w)) || (h <= 1 && !Number.isNaN(h));
}

function allowedIframe(src: string | undefined): boolean {
  if (!src) return false;
  try {
    const url = new URL(src);
    return url.protocol === 'https:' && IFRAME_HOSTS.has(url.hostname);
  } catch {
    return false;
  }
}

/**
 * The document being sanitised: its base URL and the first real image seen. The options below are built once and
 * read this (sanitize-html runs synchronously, one document at a time); building them per item cost more than some
 * of the parsing.
 */
const current: { baseUrl?: string; firstImage?: string } = {};

type Transformer = (
  tagName: string,
  attribs: Record<string, string>,
) => { tagName: string; attribs: Record<string, string> };
type ExclusiveFilter = (frame: { tag: string; attribs: Record<string, string> }) => boolean;

/**
 * The few sanitize-html defaults (2.16, `sanitizeHtml.defaults`) our options do not override, frozen here so that
 * the runtime never loads the library (it requires postcss at load: ~14 MB of a parse worker's RSS).
 * tests/normalize/sanitize.test.ts checks them against the library's, so an upgrade that changes them fails there.
 * - allowedTags: the defaults' list, of which we drop main and nav and to which we add media tags (below);
 * - selfClosing, allowedEmptyAttributes: as the library's;
 * - nonBooleanAttributes: only where it can matter, the attributes some tag of ours allows (an empty value of one
 *   of these is dropped). The library's list is ~200 names, mostly event handlers we never allow.
 */
export const LIBRARY_DEFAULTS = {
  allowedTags: (
    'address article aside footer header h1 h2 h3 h4 h5 h6 hgroup main nav section blockquote dd ' +
    'div dl dt figcaption figure hr li menu ol p pre ul a abbr b bdi bdo br cite code data dfn ' +
    'em i kbd mark q rb rp rt rtc ruby s samp small span strong sub sup time u var wbr caption ' +
    'col colgroup table tbody td tfoot th thead tr'
  ).split(' '),
  selfClosing: 'img br hr area base basefont input link meta'.split(' '),
  allowedEmptyAttributes: ['alt'],
  nonBooleanAttributes:
    'alt colspan datetime height href loading poster rel rowspan sandbox scope src start target title type width'.split(
      ' ',
    ),
};

/** Our options in sanitize-html's shape (the test runs the library with them as the reference). */
export interface SanitizeOptions {
  allowedTags: string[];
  allowedAttributes: Record<string, string[]>;
  allowedSchemes: string[];
  allowedSchemesByTag: Record<string, string[]>;
  allowedSchemesAppliedToAttributes: string[];
  allowProtocolRelative: boolean;
  allowedIframeHostnames: string[];
  nonTextTags: string[];
  transformTags: Record<string, Transformer>;
  exclusiveFilter: ExclusiveFilter;
}

function buildOptions(): SanitizeOptions {
  const absolutize =
    (tag: string): Transformer =>
    (tagName, attribs) => {
      const out: Record<string, string> = { ...attribs };
      for (const name of URL_ATTRIBUTES[tag] ?? []) {
        if (out[name] === undefined) continue;
        const absolute = resolveUrl(out[name], current.baseUrl);
        if (absolute) out[name] = absolute;
        else delete out[name];
      }
      if (tag === 'a' && out.href) {
        out.rel = 'noopener noreferrer';
        out.target = '_blank';
      }
      if (tag === 'img') {
        out.loading = 'lazy';
        if (out.src && !current.firstImage && !isTrackingPixel(out)) current.firstImage = out.src;
      }
      if (tag === 'iframe') {
        if (out.src) out.src = out.src.replace(/^http:/, 'https:');
        out.sandbox = IFRAME_SANDBOX;
        out.loading = 'lazy';
      }
      return { tagName, attribs: out };
    };
  return {
    allowedTags: [
      ...LIBRARY_DEFAULTS.allowedTags.filter((t) => t !== 'main' && t !== 'nav'),
      'img',
      'iframe',
      'video',
      'audio',
      'source',
      'del',
      'ins',
    ],
    allowedAttributes: {
      a: ['href', 'title', 'rel', 'target'],
      img: ['src', 'alt', 'title', 'width', 'height', 'loading'],
      iframe: ['src', 'width', 'height', 'allowfullscreen', 'sandbox', 'loading', 'title'],
      video: ['src', 'poster', 'controls', 'width', 'height'],
      audio: ['src', 'controls'],
      source: ['src', 'type'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan', 'scope'],
      ol: ['start', 'reversed'],
      time: ['datetime'],
      abbr: ['title'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: {
      img: ['http', 'https'],
      iframe: ['https'],
      video: ['http', 'https'],
      audio: ['http', 'https'],
      source: ['http', 'https'],
    },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'poster'],
    allowProtocolRelative: false,
    allowedIframeHostnames: [...IFRAME_HOSTS],
    nonTextTags: [
      'script',
      'style',
      'textarea',
      'option',
      'noscript',
      'title',
      'template',
      'iframe',
      'object',
      'embed',
      'svg',
      'math',
    ],
    transformTags: Object.fromEntries(Object.keys(URL_ATTRIBUTES).map((tag) => [tag, absolutize(tag)])),
    exclusiveFilter: (frame): boolean => {
      if (frame.tag === 'img') return !frame.attribs.src || isTrackingPixel(frame.attribs);
      if (frame.tag === 'iframe') return !allowedIframe(frame.attribs.src);
      if (frame.tag === 'source') return !frame.attribs.src;
      return false;
    },
  };
}

export const OPTIONS = buildOptions();

/**
 * Runs a sanitiser over one document with this module's per-document state (base URL, first image): `allowList`
 * below, or (tests/normalize/sanitize.test.ts) sanitize-html itself with OPTIONS, the reference it is held to.
 */
export function sanitizeDocument(
  run: (html: string) => string,
  html: string,
  baseUrl?: string,
): { html: string; firstImage?: string } {
  if (!html.trim()) return { html: '' };
  current.baseUrl = baseUrl;
  current.firstImage = undefined;
  const clean = run(html).trim();
  return { html: clean, firstImage: current.firstImage };
}

/** Sanitises feed HTML and reports the first real image (used as item image when the feed names none). */
export function sanitizeContentWithImage(html: string, baseUrl?: string): { html: string; firstImage?: string } {
  return sanitizeDocument(allowList, html, baseUrl);
}

/**
 * Allow-list sanitiser for feed HTML: no scripts, styles, forms, objects or event handlers; only http(s)/mailto
 * links; iframes only from YouTube and Vimeo, sandboxed; links open in a new tab without opener; relative URLs
 * made absolute against `baseUrl`; lazy images; 1×1 tracking pixels removed.
 */
export function sanitizeContent(html: string, baseUrl?: string): string {
  return sanitizeContentWithImage(html, baseUrl).html;
}

/*
 * sanitize-html's algorithm (2.16, index.js: onopentag/ontext/onclosetag in "discard" mode) for OPTIONS only, on the
 * very htmlparser2 that sanitize-html uses (its own 8.0.2 copy, resolved through it without loading the library), so
 * it tokenises alike: the project's htmlparser2 10 decodes entities in attributes differently (3 corpus bodies
 * differ). Only that copy's Parser module is loaded (not its index: domhandler, domutils), and never sanitize-html
 * itself nor its postcss. Same output, same
 * transforms and filters called in the same order; what it leaves out are the branches OPTIONS never takes
 * (escape modes, text filters, class/style/srcset/script rules, glob attribute names, nesting limits, frame text,
 * which only textFilter/exclusiveFilter could read and ours does not). The library sets up its option maps, a
 * parser and a closure per tag on every call and escapes every text in six regex passes: for a feed item that was
 * half of the sanitising CPU. tests/normalize/sanitize.test.ts compares both on the corpus and on XSS vectors.
 */
interface Handler {
  onopentag(name: string, attribs: Record<string, string>): void;
  ontext(text: string): void;
  onclosetag(name: string, isImplied: boolean): void;
}

type ParserCtor = new (
  handler: Handler,
  options: { decodeEntities: boolean },
) => { write(chunk: string): void; end(): void };

// sanitize-html's htmlparser2 by file: the package's exports map names only its index.
const libraryRequire = createRequire(createRequire(import.meta.url).resolve('sanitize-html'));
const { Parser } = libraryRequire(join(dirname(libraryRequire.resolve('htmlparser2')), 'Parser.js')) as {
  Parser: ParserCtor;
};

const MERGED = { ...LIBRARY_DEFAULTS, ...OPTIONS };
const ALLOWED_TAGS = new Set(MERGED.allowedTags);
const NON_TEXT_TAGS = new Set(MERGED.nonTextTags);
const SELF_CLOSING = new Set(MERGED.selfClosing);
const NON_BOOLEAN = new Set(MERGED.nonBooleanAttributes);
const EMPTY_ALLOWED = new Set(MERGED.allowedEmptyAttributes);
const SCHEME_ATTRIBUTES = new Set(MERGED.allowedSchemesAppliedToAttributes);
const ALLOWED_SCHEMES = new Set(MERGED.allowedSchemes);
const SCHEMES_BY_TAG = new Map(Object.entries(MERGED.allowedSchemesByTag).map(([t, l]) => [t, new Set(l)]));
const ATTRIBUTES_BY_TAG = new Map(Object.entries(MERGED.allowedAttributes).map(([t, l]) => [t, new Set(l)]));
const IFRAME_HOSTNAMES = MERGED.allowedIframeHostnames;
const TRANSFORMS = new Map(Object.entries(MERGED.transformTags));
const EXCLUDE = MERGED.exclusiveFilter;
const VALID_ATTRIBUTE_NAME = /^[^\0\t\n\f\r /<=>]+$/;

interface Frame {
  tag: string;
  attribs: Record<string, string>;
  tagPosition: number;
  openingTagLength: number;
}

const state = {
  result: '',
  depth: 0,
  stack: [] as Frame[],
  skip: new Set<number>(),
  skipText: false,
  skipTextDepth: 0,
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeText = (s: string) => (/[&<>]/.test(s) ? s.replace(/[&<>]/g, (c) => ESCAPES[c]!) : s);
const escapeAttribute = (s: string) => (/[&<>"]/.test(s) ? s.replace(/[&<>"]/g, (c) => ESCAPES[c]!) : s);

function naughtyHref(name: string, value: string): boolean {
  let href = value.replace(/[\x00-\x20]+/g, '');
  for (;;) {
    const first = href.indexOf('<!--');
    if (first === -1) break;
    const last = href.indexOf('-->', first + 4);
    if (last === -1) break;
    href = href.substring(0, first) + href.substring(last + 3);
  }
  const matches = href.match(/^([a-zA-Z][a-zA-Z0-9.\-+]*):/);
  if (!matches) return /^[/\\]{2}/.test(href) ? !MERGED.allowProtocolRelative : false;
  const scheme = matches[1]!.toLowerCase();
  const byTag = SCHEMES_BY_TAG.get(name);
  return byTag ? !byTag.has(scheme) : !ALLOWED_SCHEMES.has(scheme);
}

const RELATIVE_BASE = `relative://relative-site${Array.from({ length: 100 }, (_, i) => `/${i}`).join('')}`;

function iframeSrcAllowed(value: string): boolean {
  try {
    const normalized = value.replace(/^(\w+:)?\s*[\\/]\s*[\\/]/, '$1//');
    if (normalized.startsWith('relative:')) return false;
    const url = new URL(normalized, RELATIVE_BASE);
    if (url.hostname === 'relative-site' && url.protocol === 'relative:') return false;
    return IFRAME_HOSTNAMES.includes(url.hostname);
  } catch {
    return false;
  }
}

const HANDLER: Handler = {
  onopentag(tag, attributes) {
    if (state.skipText) {
      state.skipTextDepth++;
      return;
    }
    const frame: Frame = { tag, attribs: attributes, tagPosition: state.result.length, openingTagLength: 0 };
    state.stack.push(frame);
    const transform = TRANSFORMS.get(tag);
    if (transform) frame.attribs = transform(tag, attributes).attribs;
    const attribs = frame.attribs;
    if (!ALLOWED_TAGS.has(tag)) {
      state.skip.add(state.depth);
      if (NON_TEXT_TAGS.has(tag)) {
        state.skipText = true;
        state.skipTextDepth = 1;
      }
      state.depth++;
      return;
    }
    state.depth++;
    let out = `<${tag}`;
    const allowed = ATTRIBUTES_BY_TAG.get(tag);
    if (allowed) {
      for (const a of Object.keys(attribs)) {
        const value = attribs[a]!;
        if (
          !VALID_ATTRIBUTE_NAME.test(a) ||
          (value === '' && !EMPTY_ALLOWED.has(a) && NON_BOOLEAN.has(a)) ||
          !allowed.has(a) ||
          (SCHEME_ATTRIBUTES.has(a) && naughtyHref(tag, value)) ||
          (tag === 'iframe' && a === 'src' && !iframeSrcAllowed(value))
        ) {
          delete attribs[a];
          continue;
        }
        out += ` ${a}`;
        if (value) out += `="${escapeAttribute(value)}"`;
        else if (EMPTY_ALLOWED.has(a)) out += '=""';
      }
    }
    out += SELF_CLOSING.has(tag) ? ' />' : '>';
    state.result += out;
    frame.openingTagLength = state.result.length - frame.tagPosition;
  },
  ontext(text) {
    if (state.skipText) return;
    const tag = state.stack[state.stack.length - 1]?.tag;
    state.result += tag === 'script' || tag === 'style' ? text : escapeText(text);
  },
  onclosetag(name) {
    if (state.skipText) {
      state.skipTextDepth--;
      if (state.skipTextDepth) return;
      state.skipText = false;
    }
    const frame = state.stack.pop();
    if (!frame) return;
    if (frame.tag !== name) {
      state.stack.push(frame);
      return;
    }
    state.skipText = false;
    state.depth--;
    if (state.skip.delete(state.depth)) return;
    if (EXCLUDE(frame)) {
      state.result = state.result.substring(0, frame.tagPosition);
      return;
    }
    if (SELF_CLOSING.has(name)) return;
    state.result += `</${name}>`;
  },
};

function allowList(html: string): string {
  state.result = '';
  state.depth = 0;
  state.stack = [];
  state.skip.clear();
  state.skipText = false;
  state.skipTextDepth = 0;
  // A parser per document, as sanitize-html makes one: reset() leaves some of its state (foreign content) behind.
  const parser = new Parser(HANDLER, { decodeEntities: true });
  parser.write(html);
  parser.end();
  const out = state.result;
  state.result = '';
  state.stack = [];
  return out;
}
