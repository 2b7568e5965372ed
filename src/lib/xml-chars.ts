/**
 * The one definition of the characters text may not carry into XML or the database. decode/ repair, normalize/
 * bounds, publish/ and the OPML export all draw on it.
 */

/** Code points XML 1.0 forbids even as references (§2.2 Char): C0 controls except tab, LF and CR; U+FFFE/U+FFFF. */
const XML_FORBIDDEN = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF';
/** DEL and the C1 controls: allowed but discouraged by XML 1.0; in feeds always mis-decoded bytes. */
const DEL_AND_C1 = '\\u007F-\\u009F';
/** Lone surrogates: not characters at all, and not writable as UTF-8. */
const LONE_SURROGATE = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';

/** What no XML 1.0 document may contain. */
export const XML_ILLEGAL_CHARS = new RegExp(`[${XML_FORBIDDEN}]|${LONE_SURROGATE}`, 'g');
/** XML_ILLEGAL_CHARS plus DEL and C1 controls: what stored and published text never contains. */
export const CONTROL_CHARS = new RegExp(`[${XML_FORBIDDEN}${DEL_AND_C1}]|${LONE_SURROGATE}`, 'g');

/**
 * Whether a text may hold anything the two patterns above remove: one look for a character of their classes or any
 * surrogate. Text without one (nearly all text, emoji aside) skips the replace, whose lookarounds for lone surrogates
 * make it scan slowly — it was ~1.5% of a parse worker's CPU.
 */
const MAY_HOLD_ILLEGAL = new RegExp(`[${XML_FORBIDDEN}\\uD800-\\uDFFF]`);
const MAY_HOLD_CONTROL = new RegExp(`[${XML_FORBIDDEN}${DEL_AND_C1}\\uD800-\\uDFFF]`);

/** Removes what XML 1.0 forbids; everything else stays. */
export function removeXmlIllegalChars(text: string): string {
  return MAY_HOLD_ILLEGAL.test(text) ? text.replace(XML_ILLEGAL_CHARS, '') : text;
}

/** Removes control characters (CONTROL_CHARS), never a reason to drop or cut the text around them. */
export function removeControlChars(text: string): string;
export function removeControlChars(text: string | undefined): string | undefined;
export function removeControlChars(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return MAY_HOLD_CONTROL.test(text) ? text.replace(CONTROL_CHARS, '') : text;
}
