import { decodeHTML } from 'entities';

const BLOCK_TAG =
  /<\/?(p|div|br|li|ul|ol|h[1-6]|blockquote|pre|tr|td|th|table|section|article|figure|figcaption)\b[^>]*>/gi;

/**
 * Plain text of an HTML fragment: tags dropped (block tags become spaces), entities decoded, whitespace collapsed,
 * cut to `max` characters. Fast and forgiving; meant for already sanitised HTML (search index, summaries).
 */
export function htmlToText(html: string, max = Number.POSITIVE_INFINITY): string {
  if (!html) return '';
  const text = decodeHTML(
    html
      .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(BLOCK_TAG, ' ')
      .replace(/<[^>]*>/g, ''),
  )
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? text.slice(0, max) : text;
}
