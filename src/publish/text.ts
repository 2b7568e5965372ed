/**
 * String hygiene for the `feed` package, which writes XML through xml-js without escaping attribute values,
 * un-escapes a literal `&amp;` once in text, and passes XML-illegal characters through.
 */

/** Characters XML 1.0 forbids, C1 controls, non-characters, lone surrogates, and our own placeholder range. */
const ILLEGAL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uE000-\uE003\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripIllegalChars(text: string | null | undefined): string {
  return (text ?? '').replace(ILLEGAL, '');
}

/** Plain text → HTML text. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// Private-use placeholders survive the feed package and xml-js untouched (neither escapes nor un-escapes them) and
// are turned into entities once the XML string is complete. That makes one value safe in text and attributes alike.
const AMP = '\uE000';
const LT = '\uE001';
const GT = '\uE002';
const QUOT = '\uE003';

/** A plain-text value for an XML text node or attribute the feed package writes (not CDATA). */
export function xmlValue(text: string | null | undefined): string {
  return stripIllegalChars(text).replace(/&/g, AMP).replace(/</g, LT).replace(/>/g, GT).replace(/"/g, QUOT);
}

/** Resolves the placeholders of `xmlValue` in a finished XML document. */
export function resolveXmlPlaceholders(xml: string): string {
  return xml.replace(/[\uE000-\uE003]/g, (ch) => PLACEHOLDER_ENTITY[ch] ?? '');
}

const PLACEHOLDER_ENTITY: Record<string, string> = { [AMP]: '&amp;', [LT]: '&lt;', [GT]: '&gt;', [QUOT]: '&quot;' };

/** Escapes for attributes and text of XML we write ourselves. */
export function escapeXml(text: string): string {
  return escapeHtml(stripIllegalChars(text));
}

/** HTML for a CDATA section: `]]>` cannot occur inside one, and `&gt;` means the same in HTML text. */
export function cdataHtml(html: string): string {
  return stripIllegalChars(html).replace(/]]>/g, ']]&gt;');
}

/** Plain text for a CDATA section. */
export function cdataText(text: string): string {
  return stripIllegalChars(text).replace(/]]>/g, ']] >');
}

const MAX_DATE_MS = 253402300799999; // 9999-12-31T23:59:59.999Z: beyond it ISO strings get a six-digit year

/** Dates the feed package can print: never Invalid Date (it throws for Atom/JSON), never outside year 0–9999. */
export function safeDate(ms: number | null | undefined, fallbackMs = 0): Date {
  const value = typeof ms === 'number' && Number.isFinite(ms) ? ms : fallbackMs;
  return new Date(Math.min(Math.max(value, 0), MAX_DATE_MS));
}
