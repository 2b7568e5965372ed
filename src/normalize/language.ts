import { detect } from 'tinyld';

/** `de-DE`, `de_AT`, `DE` → `de`; anything that is not a language subtag → undefined. */
export function normalizeLanguageTag(tag: string | undefined | null): string | undefined {
  if (!tag) return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return primary && /^[a-z]{2,3}$/.test(primary) ? primary : undefined;
}

/** Below this many characters detection is mostly guessing. */
const MIN_DETECT_CHARS = 20;

/** Detects the language of a sample text; '' when unsure. Costs ~0.1 ms per few hundred characters. */
export function detectLanguage(text: string, candidates?: string[]): string | undefined {
  if (text.length < MIN_DETECT_CHARS) return undefined;
  return detect(text.slice(0, 1500), candidates?.length ? { only: candidates } : undefined) || undefined;
}

/**
 * Item language: the entry's or feed's declaration, else a detection over title and summary (only run when
 * nothing is declared, it is the expensive branch), else the source's configured language.
 */
export function resolveLanguage(
  declared: string | undefined,
  text: string,
  sourceLanguage: string | undefined,
  candidates?: string[],
): string | null {
  const given = normalizeLanguageTag(declared);
  if (given) return given;
  return detectLanguage(text, candidates) ?? normalizeLanguageTag(sourceLanguage) ?? null;
}
