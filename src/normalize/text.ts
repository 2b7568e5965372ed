import { decodeHTML } from 'entities';
import { ANY_TAG, collapseWhitespace, htmlToText } from '../lib/html-text.ts';

export const SUMMARY_MAX_CHARS = 500;
/** Only the start of a long body is needed for a summary; cutting first keeps the work linear and small. */
const SUMMARY_SCAN_CHARS = 20_000;

export { collapseWhitespace, htmlToText };

/** Cuts at a word boundary and marks the cut with an ellipsis. */
export function truncateAtWord(text: string, max = SUMMARY_MAX_CHARS): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > max * 0.6 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

/** Plain-text summary of an HTML fragment, read from its first `scan` characters. */
export function summarize(html: string | undefined, scan = SUMMARY_SCAN_CHARS): string {
  if (!html) return '';
  return truncateAtWord(htmlToText(html.length > scan ? html.slice(0, scan) : html));
}

const LOOKS_LIKE_TAG = /<\/?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?\/?>/;

/**
 * Titles are plain text in NewItem. Atom type=html titles arrive as HTML; RSS titles are often escaped HTML
 * (`&amp;amp;`, `<b>`): both get tags stripped and entities decoded. Atom type=text titles are literal.
 */
export function cleanTitle(title: string | undefined, type?: 'html' | 'text'): string {
  if (!title) return '';
  if (type === 'text') return collapseWhitespace(title);
  const withoutTags = LOOKS_LIKE_TAG.test(title) ? title.replace(ANY_TAG, '') : title;
  return collapseWhitespace(decodeHTML(withoutTags));
}
