import { gunzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import {
  canonicalEncoding,
  charsetFromContentType,
  charsetFromProlog,
  hasNonAscii,
  isSingleByteEncoding,
  isUtf8,
  type SniffedCharset,
  sniffBom,
  sniffBomlessWide,
} from './charset.ts';
import { decodeUtf8WithCp1252Fallback } from './mixed-utf8.ts';

export interface DecodedFeed {
  text: string;
  /** The charset the text was decoded with (iconv-lite name). */
  encoding: string;
  warnings: string[];
}

export interface DecodeOptions {
  /** Upper bound for gunzipping a body that arrived compressed without Content-Encoding. */
  maxGunzipBytes?: number;
}

const DEFAULT_MAX_GUNZIP_BYTES = 32 * 1024 * 1024;

function isGzip(body: Buffer): boolean {
  return body.length > 3 && body[0] === 0x1f && body[1] === 0x8b && body[2] === 0x08;
}

function maybeGunzip(body: Buffer, maxBytes: number, warnings: string[]): Buffer {
  if (!isGzip(body)) return body;
  try {
    const out = gunzipSync(body, { maxOutputLength: maxBytes });
    warnings.push('body was gzip-compressed without Content-Encoding; gunzipped');
    return out;
  } catch (error) {
    warnings.push(`body looks gzip-compressed but could not be gunzipped: ${(error as Error).message}`);
    return body;
  }
}

/** Picks the declared charset: BOM > HTTP charset > BOM-less UTF-16/32 pattern > XML declaration. */
function declaredCharset(
  body: Buffer,
  contentType: string | undefined,
  warnings: string[],
): SniffedCharset | undefined {
  const bom = sniffBom(body);
  if (bom) return bom;
  const headerLabel = charsetFromContentType(contentType);
  if (headerLabel) {
    const encoding = canonicalEncoding(headerLabel);
    if (encoding) return { encoding, source: 'header', skip: 0 };
    warnings.push(`unknown charset "${headerLabel}" in Content-Type ignored`);
  }
  const wide = sniffBomlessWide(body);
  if (wide) return wide;
  const prologLabel = charsetFromProlog(body);
  if (prologLabel) {
    const encoding = canonicalEncoding(prologLabel);
    // A declaration readable as ASCII cannot be telling the truth about UTF-16/32.
    if (encoding && !/^utf-(16|32)/.test(encoding)) return { encoding, source: 'prolog', skip: 0 };
    warnings.push(`unusable encoding "${prologLabel}" in XML declaration ignored`);
  }
  return undefined;
}

function decodeAsUtf8OrLegacy(body: Buffer, warnings: string[], declared: string | undefined): DecodedFeed {
  if (isUtf8(body)) return { text: body.toString('utf8'), encoding: 'utf-8', warnings };
  const { text, invalidBytes } = decodeUtf8WithCp1252Fallback(body);
  warnings.push(
    `${declared ? `declared ${declared}` : 'no charset declared'} but ${invalidBytes} byte(s) are not UTF-8; read them as windows-1252`,
  );
  return { text, encoding: 'windows-1252', warnings };
}

/** Drops the BOM character and the encoding pseudo-attribute: the result is a JS string, no longer bytes. */
function cleanDecodedText(text: string): string {
  let out = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const head = out.slice(0, 1024);
  const cleanedHead = head.replace(/(<\?xml\b[^>]*?)\s+encoding\s*=\s*(["'])[^"']*\2/, '$1');
  if (cleanedHead !== head) out = cleanedHead + out.slice(1024);
  return out;
}

/**
 * Turns fetched feed bytes into text. Charset precedence follows RFC 7303 / XML 1.0 appendix F (BOM, then the
 * HTTP charset parameter, then the XML declaration), with the corrections forgiving readers make: Latin-1 is
 * read as windows-1252, a single-byte label on bytes that are valid UTF-8 is ignored, and a UTF-8 label on bytes
 * that are not UTF-8 falls back to windows-1252 for the offending bytes.
 */
export function decodeFeedBytes(body: Buffer, contentType?: string, options: DecodeOptions = {}): DecodedFeed {
  const warnings: string[] = [];
  const bytes = maybeGunzip(body, options.maxGunzipBytes ?? DEFAULT_MAX_GUNZIP_BYTES, warnings);
  const declared = declaredCharset(bytes, contentType, warnings);
  if (!declared) return finish(decodeAsUtf8OrLegacy(bytes, warnings, undefined));

  const { encoding, source, skip } = declared;
  const payload = skip ? bytes.subarray(skip) : bytes;
  if (encoding === 'utf-8')
    return finish(decodeAsUtf8OrLegacy(payload, warnings, source === 'bom' ? undefined : 'utf-8'));
  if (isSingleByteEncoding(encoding) && source !== 'bom' && hasNonAscii(payload) && isUtf8(payload)) {
    warnings.push(`declared ${encoding} (${source}) but the bytes are valid UTF-8; read as UTF-8`);
    return finish({ text: payload.toString('utf8'), encoding: 'utf-8', warnings });
  }
  return finish({ text: iconv.decode(payload, encoding, { stripBOM: true }), encoding, warnings });
}

function finish(decoded: DecodedFeed): DecodedFeed {
  return { ...decoded, text: cleanDecodedText(decoded.text) };
}
