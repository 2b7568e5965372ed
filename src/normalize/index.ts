import { resolveUrl } from '../lib/url.ts';
import type { FeedDocument, ParsedEntry } from '../parse/types.ts';
import {
  AUTHOR_MAX_CHARS,
  boundedUrl,
  CONTENT_MAX_CHARS,
  cleanEntry,
  cutChars,
  cutHtml,
  FEED_DESCRIPTION_MAX_CHARS,
  GUID_MAX_CHARS,
  removeControlChars,
  TITLE_MAX_CHARS,
} from './bounds.ts';
import { BACKLOG_BEFORE_MS, BACKLOG_STEP_MS, resolveEntryDates } from './dates.ts';
import { computeUid, contentHashOf, guidsAreUseless, type IdentityMode, linkKeysFor } from './identity.ts';
import { detectLanguage, normalizeLanguageTag } from './language.ts';
import { sanitizeContent, sanitizeContentWithImage } from './sanitize.ts';
import { cleanTitle, collapseWhitespace, htmlToText, summarize, truncateAtWord } from './text.ts';
import type { Enclosure, NewItem } from './types.ts';

/** How much of each entry's HTML the language sample reads (it keeps ~120 characters of text). */
const LANGUAGE_SAMPLE_HTML = 1500;
/** How much of a body's HTML feeds the search index and the summary. */
const SEARCH_HTML_MAX = 60_000;

export type { Enclosure, NewItem } from './types.ts';

export interface NormalizeContext {
  feedUrl: string;
  identity: IdentityMode;
  sourceLanguage?: string;
  now: number;
  /**
   * The source's first import: its undated entries are a backlog of unknown age, dated before everything the source
   * dates and at least a day before now, so they do not pose as news at the top of the river.
   */
  firstImport?: boolean;
  /** Languages detection may answer with; defaults to a list of widely used ones (avoids exotic misfires). */
  detectLanguages?: string[];
}

const DEFAULT_DETECT_LANGUAGES = [
  'en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'sv', 'da', 'no', 'fi', 'pl', 'cs', 'ru', 'uk',
  'tr', 'ja', 'zh', 'ko', 'ar', 'fa', 'ur', 'hi', 'af', 'ro', 'hu', 'el', 'he',
]; // biome-ignore format: a list

/** "jdoe@example.com (Jane Doe)" → "Jane Doe": RSS <author> is an e-mail address by spec. */
function cleanAuthor(author: string | undefined): string | null {
  if (!author) return null;
  const text = collapseWhitespace(author);
  const named = /^\S+@\S+\s*\(([^)]+)\)$/.exec(text);
  return truncateAtWord(named ? named[1]!.trim() : text, AUTHOR_MAX_CHARS) || null;
}

function dedupeCategories(categories: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of categories) {
    const label = removeControlChars(cleanTitle(raw));
    const key = label.toLowerCase();
    if (!label || seen.has(key)) continue;
    seen.add(key);
    out.push(label);
  }
  return out;
}

function normalizeEnclosures(entry: ParsedEntry, base: string): Enclosure[] {
  const seen = new Set<string>();
  const out: Enclosure[] = [];
  for (const enclosure of entry.enclosures) {
    const url = resolveUrl(enclosure.url, base);
    if (!url || seen.has(url)) continue;
    seen.add(url);
    const item: Enclosure = { url };
    if (enclosure.type) item.type = enclosure.type.trim().toLowerCase();
    if (enclosure.length) item.length = enclosure.length;
    out.push(item);
  }
  return out;
}

interface DocumentFacts {
  useGuids: boolean;
  /** The source's `language:` from the config: the operator's word, it beats every declaration and detection. */
  configuredLanguage: string | undefined;
  /** Declared feed language, else one detected over a sample of the document. */
  language: string | null;
}

function normalizeEntry(
  entry: ParsedEntry,
  link: string | null,
  linkKey: string | undefined,
  doc: FeedDocument,
  ctx: NormalizeContext,
  facts: DocumentFacts,
): NewItem {
  const base = entry.baseUrl ?? doc.siteUrl ?? ctx.feedUrl;
  const body = entry.contentHtml ?? entry.summaryHtml ?? '';
  // One sanitize-html run per item: the body. The summary is plain text and needs no sanitising.
  const sanitized = sanitizeContentWithImage(body, base);
  const { firstImage } = sanitized;
  // Control characters again after decoding: an entity (`&#1;`) decodes to one. A body over the bound is cut at a
  // tag and sanitised once more, which closes the tags the cut left open.
  const sanitizedHtml = removeControlChars(sanitized.html);
  const contentHtml =
    sanitizedHtml.length > CONTENT_MAX_CHARS
      ? sanitizeContent(cutHtml(sanitizedHtml, CONTENT_MAX_CHARS - 4096), base)
      : sanitizedHtml;
  const searchText = htmlToText(contentHtml, SEARCH_HTML_MAX);
  const summary = removeControlChars(
    (entry.summaryHtml && entry.summaryHtml !== body ? summarize(entry.summaryHtml) : '') || truncateAtWord(searchText),
  );
  const title =
    truncateAtWord(removeControlChars(cleanTitle(entry.title, entry.titleType)), TITLE_MAX_CHARS) ||
    truncateAtWord(summary, 100) ||
    link ||
    '(untitled)';
  const dates = resolveEntryDates(entry.published, entry.updated, ctx.now);
  const author = cleanAuthor(entry.author);
  const categories = dedupeCategories(entry.categories);
  const enclosures = normalizeEnclosures(entry, base);
  const guid = entry.guid?.trim() || null;
  const language = facts.configuredLanguage ?? normalizeLanguageTag(entry.language) ?? facts.language;
  const uid = computeUid(
    {
      guid: facts.useGuids ? (guid ?? undefined) : undefined,
      linkKey,
      link: link ?? undefined,
      title,
      publishedRaw: entry.published ?? entry.updated,
      contentPrefix: summary,
    },
    ctx.identity,
  );
  const contentHash = contentHashOf({
    title,
    link,
    summary,
    contentHtml,
    author,
    publishedAt: dates.publishedAt,
    dateEstimated: dates.dateEstimated,
    updatedAt: dates.updatedAt,
    categories,
    enclosures,
  });
  return {
    uid,
    guid: guid && cutChars(guid, GUID_MAX_CHARS),
    link,
    title,
    author,
    summary,
    contentHtml,
    searchText,
    language,
    publishedAt: dates.publishedAt,
    dateEstimated: dates.dateEstimated,
    updatedAt: dates.updatedAt,
    categories,
    enclosures,
    imageUrl: resolveUrl(entry.imageUrl, base) ?? firstImage ?? null,
    contentHash,
  };
}

/**
 * Turns a parsed document into store-ready items: identity, absolute URLs, UTC dates, sanitised HTML, summary,
 * language, content hash. Entries sharing a uid inside one document collapse to the first.
 */
export function normalizeDocument(parsed: FeedDocument, ctx: NormalizeContext): NewItem[] {
  const doc: FeedDocument = { ...parsed, entries: parsed.entries.map(cleanEntry) };
  const configuredLanguage = normalizeLanguageTag(ctx.sourceLanguage);
  const facts: DocumentFacts = {
    useGuids: ctx.identity === 'guid' || !guidsAreUseless(doc.entries.map((e) => e.guid)),
    configuredLanguage,
    // Detection is the expensive part of normalising: skipped when the operator said which language it is.
    language: configuredLanguage ? null : documentLanguage(doc, ctx),
  };
  const links = doc.entries.map((e) => resolveUrl(e.link, e.baseUrl ?? doc.siteUrl ?? ctx.feedUrl) ?? null);
  const linkKeys = linkKeysFor(links);
  const seen = new Set<string>();
  const items: NewItem[] = [];
  for (const [i, entry] of doc.entries.entries()) {
    const item = normalizeEntry(entry, links[i] ?? null, linkKeys[i], doc, ctx, facts);
    if (seen.has(item.uid)) continue;
    seen.add(item.uid);
    items.push(item);
  }
  estimateUndatedDates(items, ctx);
  return items;
}

/** The feed's own title, description and URLs as stored on its source: cleaned and bounded like item fields. */
export function normalizeFeedMeta(
  doc: FeedDocument,
): Pick<FeedDocument, 'title' | 'description' | 'siteUrl' | 'hubUrl'> {
  const text = (value: string | undefined, max: number) =>
    value === undefined ? undefined : truncateAtWord(collapseWhitespace(removeControlChars(value)), max) || undefined;
  return {
    title: text(doc.title, TITLE_MAX_CHARS),
    description: text(doc.description, FEED_DESCRIPTION_MAX_CHARS),
    siteUrl: boundedUrl(doc.siteUrl),
    hubUrl: boundedUrl(doc.hubUrl),
  };
}

/**
 * Undated entries (and ones dated in the future) have no date to sort by: their estimate keeps the document's order,
 * first entry newest. Entries that appear in a later fetch were published about when first seen, so `now` (minus a
 * millisecond per position) is the honest estimate; a new source's backlog is older than that by an unknown amount,
 * so it goes below the source's dated entries and at least a day back. Normalisation is deterministic per `now`;
 * the store keeps the first estimate when the item is seen again.
 */
function estimateUndatedDates(items: NewItem[], ctx: NormalizeContext): void {
  const undated = items.filter((item) => item.dateEstimated);
  if (undated.length === 0) return;
  if (!ctx.firstImport) {
    for (const [rank, item] of undated.entries()) item.publishedAt = ctx.now - rank;
    return;
  }
  let below = ctx.now - BACKLOG_BEFORE_MS;
  for (const item of items) if (!item.dateEstimated) below = Math.min(below, item.publishedAt);
  for (const [rank, item] of undated.entries()) item.publishedAt = below - (rank + 1) * BACKLOG_STEP_MS;
}

/**
 * Detection runs once per document over a sample of titles and summaries, not per item: per-item detection
 * costs more than parsing and sanitising together. Entries that declare their own language keep it.
 */
function documentLanguage(doc: FeedDocument, ctx: NormalizeContext): string | null {
  const declared = normalizeLanguageTag(doc.language);
  if (declared) return declared;
  if (doc.entries.length && doc.entries.every((e) => normalizeLanguageTag(e.language))) return null;
  const sample = doc.entries
    .slice(0, 12)
    .map(
      (e) =>
        `${cleanTitle(e.title, e.titleType)}. ${summarize(e.summaryHtml ?? e.contentHtml, LANGUAGE_SAMPLE_HTML).slice(0, 120)}`,
    )
    .join(' ');
  return detectLanguage(sample, ctx.detectLanguages ?? DEFAULT_DETECT_LANGUAGES) ?? null;
}
