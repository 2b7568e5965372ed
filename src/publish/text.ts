/** Plain-text helpers for publish/; everything that works around the `feed` package is in feed-adapter.ts. */
import { escapeHtml } from '../lib/html-escape.ts';
import { removeControlChars } from '../lib/xml-chars.ts';

/** Control and XML-illegal characters removed (lib/xml-chars.ts); null and undefined read as empty. */
export function stripIllegalChars(text: string | null | undefined): string {
  return removeControlChars(text ?? '');
}

/** One HTML escaper for the whole program (lib/html-escape.ts); generate.ts and entry.ts import it from here. */
export { escapeHtml };

const MAX_DATE_MS = 253402300799999; // 9999-12-31T23:59:59.999Z: beyond it ISO strings get a six-digit year

/** Dates the feed package can print: never Invalid Date (it throws for Atom/JSON), never outside year 0–9999. */
export function safeDate(ms: number | null | undefined, fallbackMs = 0): Date {
  const value = typeof ms === 'number' && Number.isFinite(ms) ? ms : fallbackMs;
  return new Date(Math.min(Math.max(value, 0), MAX_DATE_MS));
}
