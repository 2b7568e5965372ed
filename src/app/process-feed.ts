import { decodeFeedBytes } from '../decode/index.ts';
import { normalizeDocument, normalizeFeedMeta } from '../normalize/index.ts';
import type { NewItem } from '../normalize/types.ts';
import { FeedParseError, type FeedParseReason } from '../parse/errors.ts';
import { parseFeed } from '../parse/index.ts';
import type { FeedDocument } from '../parse/types.ts';

/** Everything the CPU-bound middle of the pipeline needs: the boundary of the worker threads. */
export interface ProcessInput {
  body: Uint8Array;
  contentType?: string;
  /** The URL the document came from (after redirects): base for relative URLs. */
  url: string;
  identity: 'auto' | 'guid' | 'link';
  sourceLanguage?: string;
  now: number;
  /** The source's first successful import: undated entries are its backlog (see normalize/index.ts). */
  firstImport?: boolean;
}

export interface FeedMeta {
  format: FeedDocument['format'];
  title?: string;
  siteUrl?: string;
  description?: string;
  ttlMinutes?: number;
  hubUrl?: string;
  encoding: string;
}

export type ProcessedFeed =
  | { ok: true; meta: FeedMeta; items: NewItem[]; warnings: string[] }
  | { ok: false; reason: FeedParseReason; message: string };

/** decode → parse → normalise: bytes in, items out. Never throws for bad input; the reason says what was wrong. */
export async function processFeed(input: ProcessInput): Promise<ProcessedFeed> {
  try {
    const body = Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength);
    const decoded = decodeFeedBytes(body, input.contentType);
    const doc = await parseFeed(decoded.text, input.url);
    const items = normalizeDocument(doc, {
      feedUrl: input.url,
      identity: input.identity,
      sourceLanguage: input.sourceLanguage,
      now: input.now,
      firstImport: input.firstImport,
    });
    const { title, description, siteUrl, hubUrl } = normalizeFeedMeta(doc);
    return {
      ok: true,
      meta: {
        format: doc.format,
        title,
        siteUrl,
        description,
        ttlMinutes: doc.ttlMinutes,
        hubUrl,
        encoding: decoded.encoding,
      },
      items,
      warnings: [...decoded.warnings, ...doc.warnings],
    };
  } catch (error) {
    if (error instanceof FeedParseError) return { ok: false, reason: error.reason, message: error.message };
    return { ok: false, reason: 'malformed_xml', message: error instanceof Error ? error.message : String(error) };
  }
}
