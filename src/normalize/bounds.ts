/**
 * What every stored field passes on its way in: control characters removed and sizes bounded, so one hostile or
 * broken feed cannot put NULs into the database (PostgreSQL refuses them in text) or make every page that lists
 * its items megabytes long.
 */
import { removeControlChars } from '../lib/xml-chars.ts';
import type { ParsedEnclosure, ParsedEntry } from '../parse/types.ts';

export const TITLE_MAX_CHARS = 1_000;
export const AUTHOR_MAX_CHARS = 500;
export const CATEGORY_MAX_CHARS = 200;
export const MAX_CATEGORIES = 50;
export const MAX_ENCLOSURES = 20;
/** A guid longer than this is stored cut (the uid is made from the whole guid, so identity is unaffected). */
export const GUID_MAX_CHARS = 1_000;
/** Longer URLs are dropped, not cut: half a URL points somewhere else. */
export const URL_MAX_CHARS = 4_096;
/** Sanitised body HTML is cut (at a tag boundary, tags closed) beyond this. */
export const CONTENT_MAX_CHARS = 1_000_000;
/** Raw body HTML beyond this is not even read: sanitising costs time in proportion to the input. */
export const CONTENT_INPUT_MAX_CHARS = 4 * CONTENT_MAX_CHARS;
export const FEED_DESCRIPTION_MAX_CHARS = 2_000;

export { removeControlChars } from '../lib/xml-chars.ts';

/** Cuts to at most `max` characters, never through a surrogate pair. */
export function cutChars(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** Cuts HTML to at most `max` characters before a tag or an entity, not inside one; a sanitiser closes the rest. */
export function cutHtml(html: string, max: number): string {
  if (html.length <= max) return html;
  const cut = cutChars(html, max);
  const lastOpen = cut.lastIndexOf('<');
  const inTag = lastOpen > cut.lastIndexOf('>');
  const withoutTag = inTag ? cut.slice(0, lastOpen) : cut;
  return withoutTag.replace(/&#?[A-Za-z0-9]*$/, '');
}

export function boundedUrl(url: string | undefined): string | undefined {
  const clean = removeControlChars(url)?.trim();
  return clean && clean.length <= URL_MAX_CHARS ? clean : undefined;
}

function boundedEnclosures(enclosures: ParsedEnclosure[]): ParsedEnclosure[] {
  const out: ParsedEnclosure[] = [];
  for (const enclosure of enclosures) {
    const url = boundedUrl(enclosure.url);
    if (!url) continue;
    out.push({ ...enclosure, url, type: removeControlChars(enclosure.type)?.slice(0, 200) });
    if (out.length === MAX_ENCLOSURES) break;
  }
  return out;
}

/**
 * A parsed entry with control characters removed from every text field and the sizes that are cheap to bound
 * here bounded (links, guid, categories, enclosures, raw body). Titles, authors and the sanitised body are cut
 * after they are made (normalize/index.ts), where their final length is known.
 */
export function cleanEntry(entry: ParsedEntry): ParsedEntry {
  const cleaned: ParsedEntry = {
    ...entry,
    guid: removeControlChars(entry.guid),
    link: boundedUrl(entry.link),
    title: removeControlChars(entry.title),
    author: removeControlChars(entry.author),
    published: removeControlChars(entry.published),
    updated: removeControlChars(entry.updated),
    contentHtml: entry.contentHtml && removeControlChars(cutHtml(entry.contentHtml, CONTENT_INPUT_MAX_CHARS)),
    summaryHtml: entry.summaryHtml && removeControlChars(cutHtml(entry.summaryHtml, CONTENT_INPUT_MAX_CHARS)),
    categories: entry.categories
      .slice(0, MAX_CATEGORIES)
      .map((c) => cutChars(removeControlChars(c), CATEGORY_MAX_CHARS)),
    enclosures: boundedEnclosures(entry.enclosures),
    baseUrl: boundedUrl(entry.baseUrl),
    language: removeControlChars(entry.language),
    imageUrl: boundedUrl(entry.imageUrl),
  };
  for (const key of Object.keys(cleaned) as (keyof ParsedEntry)[]) if (cleaned[key] === undefined) delete cleaned[key];
  return cleaned;
}
