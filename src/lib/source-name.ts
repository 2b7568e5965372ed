/**
 * What a source is called wherever it is shown or exported: the configured title, else the title its feed gives,
 * else `fallback` (the caller's choice: its URL for a heading or OPML, a placeholder in a list).
 */
export function sourceName(
  source: { title?: string | null; feedTitle?: string | null },
  fallback: string | null | undefined = '?',
): string {
  return source.title || source.feedTitle || fallback || '';
}
