/**
 * Plain text → HTML text or a double-quoted attribute value: the one escaper for HTML we write as strings (feed
 * bodies, parsed plain-text content, rewritten attributes). Views use hono/html's `html` template instead, which
 * escapes on its own.
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
