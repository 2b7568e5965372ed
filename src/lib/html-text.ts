import { decodeHTML } from 'entities';

const HIDDEN_BLOCKS = /<(script|style|noscript|template|title)\b[\s\S]*?<\/\1\s*>/gi;
const BLOCK_BOUNDARY =
  /<\/?(p|div|br|li|ul|ol|h[1-6]|blockquote|tr|td|th|table|section|article|figure|figcaption|pre|hr)\b[^>]*>/gi;
export const ANY_TAG = /<!--[\s\S]*?-->|<\/?[A-Za-z][^>]*>/g;

/**
 * Every run of whitespace (\s, NBSP, zero-width space) becomes one space, ends trimmed. The pattern matches only what
 * changes — runs of two or more, and single whitespace other than a space — so the single spaces between words
 * (most of any text) are not replaced one by one: half the time of `/[\s\u00a0\u200b]+/g → ' '`, same output.
 */
const WHITESPACE_TO_COLLAPSE = /[\s\u200b]{2,}|[^\S ]|\u200b/g;

export function collapseWhitespace(text: string): string {
  return text.replace(WHITESPACE_TO_COLLAPSE, ' ').trim();
}

/**
 * HTML to one line of plain text: hidden blocks and tags dropped (block tags become spaces), entities decoded,
 * whitespace collapsed. `maxHtml` bounds the work on huge bodies: only that much of the HTML is read.
 */
export function htmlToText(html: string, maxHtml = Number.POSITIVE_INFINITY): string {
  if (!html) return '';
  const source = html.length > maxHtml ? html.slice(0, maxHtml) : html;
  const text = source.replace(HIDDEN_BLOCKS, ' ').replace(BLOCK_BOUNDARY, ' ').replace(ANY_TAG, '');
  return collapseWhitespace(decodeHTML(text));
}
