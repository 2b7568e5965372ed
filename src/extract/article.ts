import { Readability } from '@mozilla/readability';
import { Parser } from 'htmlparser2';
import { parseHTML } from 'linkedom';
import type { SiteRule } from '../config/schema.ts';
import { decodeHtmlBytes } from '../decode/html.ts';
import { collapseWhitespace, htmlToText } from '../lib/html-text.ts';
import { resolveUrl } from '../lib/url.ts';
import { CONTENT_MAX_CHARS, cutHtml, removeControlChars } from '../normalize/bounds.ts';
import { sanitizeContent } from '../normalize/sanitize.ts';

import { PAGE_MAX_DEPTH, PAGE_MAX_ELEMENTS } from './budget.ts';

export { PAGE_MAX_BYTES, PAGE_MAX_DEPTH, PAGE_MAX_ELEMENTS, PAGE_TIME_BUDGET_MS } from './budget.ts';

export type ExtractFailure = 'not_html' | 'too_complex' | 'no_article' | 'extract_error';

export interface ExtractInput {
  body: Uint8Array;
  contentType?: string;
  /** The page's URL after redirects: base of its relative links. */
  url: string;
  /** The site's rule from the config, when one matches the page's host. */
  rule?: SiteRule;
  /** Length of the feed's own body text: an "article" not longer than that gained nothing. */
  feedTextLength?: number;
}

export type ExtractResult =
  | { ok: true; html: string; textLength: number; title?: string; by: 'rule' | 'readability' }
  | { ok: false; reason: ExtractFailure; message: string };

/** Extracted text shorter than this is no article (a cookie wall, a login page, a video page). */
const MIN_ARTICLE_CHARS = 200;

/** Markup pages use for their article, asked only when Readability finds none. */
const FALLBACK_SELECTORS = ['[itemprop="articleBody"]', 'article', 'main'];

const HTML_TYPES = /^(text\/html|application\/xhtml\+xml)$/;

/**
 * The linked page's article: decoded by its declared charset, checked against the budgets, then the site's rule
 * (selectors from the config) or Mozilla's Readability on a linkedom DOM, and finally the same sanitiser as feed
 * content. Never throws; a failure says why, and the caller keeps the feed's own content.
 */
export function extractArticle(input: ExtractInput): ExtractResult {
  try {
    const body = Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength);
    const type = (input.contentType ?? '').split(';')[0]!.trim().toLowerCase();
    if (type ? !HTML_TYPES.test(type) : !looksLikeHtml(body)) {
      return fail('not_html', `not an HTML page (${type || 'no Content-Type, and the bytes are not HTML'})`);
    }
    const html = decodeHtmlBytes(body, input.contentType).text;
    const shape = measure(html);
    if (shape) return fail('too_complex', shape);

    const { document } = parseHTML(html);
    const base = resolveUrl(document.querySelector('base[href]')?.getAttribute('href'), input.url) ?? input.url;
    for (const selector of input.rule?.remove ?? []) {
      for (const node of safeQueryAll(document, selector)) node.remove();
    }
    let extracted: { html: string; title?: string; by: 'rule' | 'readability' } | undefined;
    if (input.rule?.article) {
      const parts = safeQueryAll(document, input.rule.article);
      if (parts.length > 0) extracted = { html: parts.map((p) => p.outerHTML).join('\n'), by: 'rule' };
    }
    if (!extracted) {
      // Readability takes the DOM types of a browser; linkedom's document is structurally the same.
      const article = new Readability(document as unknown as Document).parse();
      if (article?.content) {
        extracted = { html: article.content, title: article.title ?? undefined, by: 'readability' };
      }
    }
    if (!extracted) {
      // Readability gave up (too little text in any one block): the page's own article markup, when it has one.
      const marked = FALLBACK_SELECTORS.map((s) => safeQueryAll(document, s)).find((found) => found.length === 1);
      if (marked) extracted = { html: marked[0]!.outerHTML, by: 'readability' };
    }
    if (!extracted) return fail('no_article', 'no article found on the page');

    let clean = removeControlChars(sanitizeContent(extracted.html, base));
    if (clean.length > CONTENT_MAX_CHARS) clean = sanitizeContent(cutHtml(clean, CONTENT_MAX_CHARS - 4096), base);
    const textLength = collapseWhitespace(htmlToText(clean)).length;
    if (textLength < Math.max(MIN_ARTICLE_CHARS, (input.feedTextLength ?? 0) + 1)) {
      return fail('no_article', `the page's article (${textLength} characters) is no longer than the feed's text`);
    }
    return { ok: true, html: clean, textLength, title: extracted.title?.trim() || undefined, by: extracted.by };
  } catch (error) {
    return fail('extract_error', error instanceof Error ? error.message : String(error));
  }
}

function fail(reason: ExtractFailure, message: string): ExtractResult {
  return { ok: false, reason, message };
}

/** Without a Content-Type: markup within the first bytes (after a BOM and whitespace), and no NUL bytes. */
function looksLikeHtml(body: Buffer): boolean {
  const head = body.subarray(0, 1024).toString('latin1');
  if (head.includes('\u0000')) return false;
  return /^(?:\u00ef\u00bb\u00bf)?\s*(?:<!doctype html|<html|<head|<body|<!--|<meta|<title|<div|<p\b|<article)/i.test(
    head,
  );
}

class Overrun extends Error {}

/** Depth and element count, measured until a limit is crossed; the message when one is. */
function measure(html: string): string | undefined {
  let depth = 0;
  let elements = 0;
  const parser = new Parser(
    {
      onopentag() {
        elements++;
        depth++;
        if (depth > PAGE_MAX_DEPTH) throw new Overrun(`nested deeper than ${PAGE_MAX_DEPTH} elements`);
        if (elements > PAGE_MAX_ELEMENTS) throw new Overrun(`more than ${PAGE_MAX_ELEMENTS} elements`);
      },
      onclosetag() {
        depth--;
      },
    },
    { decodeEntities: false },
  );
  try {
    parser.end(html);
    return undefined;
  } catch (error) {
    if (error instanceof Overrun) return error.message;
    throw error;
  }
}

/** A selector the config got wrong matches nothing rather than failing every page of the site. */
function safeQueryAll(document: ReturnType<typeof parseHTML>['document'], selector: string) {
  try {
    return [...document.querySelectorAll(selector)];
  } catch {
    return [];
  }
}
