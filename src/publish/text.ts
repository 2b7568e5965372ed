import { escapeHtml } from '../lib/html-escape.ts';

/**
 * String hygiene for the `feed` package, which writes XML through xml-js without escaping attribute values,
 * un-escapes a literal `&amp;` once in text, and passes XML-illegal characters through.
 */

/** Characters XML 1.0 forbids, C1 controls, non-characters, lone surrogates, and our own placeholder range. */
const ILLEGAL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uE000-\uE004\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripIllegalChars(text: string | null | undefined): string {
  return (text ?? '').replace(ILLEGAL, '');
}

/** One HTML escaper for the whole program (lib/html-escape.ts); generate.ts and entry.ts import it from here. */
export { escapeHtml };

// Private-use placeholders survive the feed package and xml-js untouched (neither escapes nor un-escapes them) and
// are turned into entities once the XML string is complete. That makes one value safe in text and attributes alike.
const AMP = '\uE000';
const LT = '\uE001';
const GT = '\uE002';
const QUOT = '\uE003';
/** Ends the CDATA section and opens the next one; only ever placed inside CDATA values (see `cdataSafe`). */
const CDATA_SPLIT = '\uE004';

/** A plain-text value for an XML text node or attribute the feed package writes (not CDATA). */
export function xmlValue(text: string | null | undefined): string {
  return stripIllegalChars(text).replace(/&/g, AMP).replace(/</g, LT).replace(/>/g, GT).replace(/"/g, QUOT);
}

/** Resolves the placeholders of `xmlValue` and `cdataSafe` in a finished XML document. */
export function resolveXmlPlaceholders(xml: string): string {
  return xml.replace(/[\uE000-\uE004]/g, (ch) => PLACEHOLDER_ENTITY[ch] ?? '');
}

const PLACEHOLDER_ENTITY: Record<string, string> = {
  [AMP]: '&amp;',
  [LT]: '&lt;',
  [GT]: '&gt;',
  [QUOT]: '&quot;',
  [CDATA_SPLIT]: ']]><![CDATA[',
};

/** Escapes for attributes and text of XML we write ourselves. */
export function escapeXml(text: string): string {
  return escapeHtml(stripIllegalChars(text));
}

/**
 * A value for a CDATA section the feed package writes. `]]>` cannot occur inside one, so each is split across two
 * sections (`]]]]><![CDATA[>`), which keeps the text exactly as written. xml-js splits only the first occurrence,
 * so the split is a placeholder until the document is finished.
 */
function cdataSafe(text: string): string {
  return text.replace(/]]>/g, `]]${CDATA_SPLIT}>`);
}

/** HTML for a CDATA section. */
export function cdataHtml(html: string): string {
  return cdataSafe(stripIllegalChars(html));
}

/** A tag, comment, processing instruction or entity reference: what a reader rendering a title as HTML would act on. */
const MARKUP_LIKE = /<[A-Za-z/!?]|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);/;

/**
 * A plain-text RSS title for a CDATA section. RSS does not say whether a title is text or HTML, and readers do
 * both: text that looks like markup (`<img src=x onerror=…>`, `&amp;`) is HTML-escaped, so readers that render
 * titles as HTML show it as text; other text (`Fish & Chips <3`) goes as written, which every reader shows as is.
 */
export function rssTitle(text: string): string {
  const clean = stripIllegalChars(text);
  return cdataSafe(MARKUP_LIKE.test(clean) ? escapeHtml(clean) : clean);
}

const MAX_DATE_MS = 253402300799999; // 9999-12-31T23:59:59.999Z: beyond it ISO strings get a six-digit year

/** Dates the feed package can print: never Invalid Date (it throws for Atom/JSON), never outside year 0–9999. */
export function safeDate(ms: number | null | undefined, fallbackMs = 0): Date {
  const value = typeof ms === 'number' && Number.isFinite(ms) ? ms : fallbackMs;
  return new Date(Math.min(Math.max(value, 0), MAX_DATE_MS));
}
