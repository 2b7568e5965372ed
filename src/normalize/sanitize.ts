import sanitizeHtml from 'sanitize-html';
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

function buildOptions(): sanitizeHtml.IOptions {
  const absolutize =
    (tag: string): sanitizeHtml.Transformer =>
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
      ...sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'main' && t !== 'nav'),
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
    exclusiveFilter: (frame) => {
      if (frame.tag === 'img') return !frame.attribs.src || isTrackingPixel(frame.attribs);
      if (frame.tag === 'iframe') return !allowedIframe(frame.attribs.src);
      if (frame.tag === 'source') return !frame.attribs.src;
      return false;
    },
  };
}

const OPTIONS = buildOptions();

/** Sanitises feed HTML and reports the first real image (used as item image when the feed names none). */
export function sanitizeContentWithImage(html: string, baseUrl?: string): { html: string; firstImage?: string } {
  if (!html.trim()) return { html: '' };
  current.baseUrl = baseUrl;
  current.firstImage = undefined;
  const clean = sanitizeHtml(html, OPTIONS).trim();
  return { html: clean, firstImage: current.firstImage };
}

/**
 * Allow-list sanitiser for feed HTML: no scripts, styles, forms, objects or event handlers; only http(s)/mailto
 * links; iframes only from YouTube and Vimeo, sandboxed; links open in a new tab without opener; relative URLs
 * made absolute against `baseUrl`; lazy images; 1×1 tracking pixels removed.
 */
export function sanitizeContent(html: string, baseUrl?: string): string {
  return sanitizeContentWithImage(html, baseUrl).html;
}
