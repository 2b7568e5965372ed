import { canonicalEncoding, charsetFromContentType, hasNonAscii, isUtf8 } from './charset.ts';
import { type DecodedFeed, decodeFeedBytes } from './index.ts';

/**
 * The HTML prescan's answer (WHATWG "prescan a byte stream"): `<meta charset>` or `<meta http-equiv content=
 * "…; charset=…">` in the first 1024 bytes. Pages served without a charset header declare it there.
 */
export function charsetFromMeta(body: Buffer): string | undefined {
  const head = body.subarray(0, 1024).toString('latin1');
  const direct = /<meta\s[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  return direct?.[1]?.toLowerCase();
}

/** Page bytes to text: BOM > HTTP charset > `<meta>` declaration > UTF-8 (windows-1252 for bytes that are not). */
export function decodeHtmlBytes(body: Buffer, contentType?: string): DecodedFeed {
  if (charsetFromContentType(contentType)) return decodeFeedBytes(body, contentType);
  const meta = charsetFromMeta(body);
  // Pages re-saved as UTF-8 keep their old `<meta charset=gb2312>`; text in a legacy multi-byte charset is almost
  // never valid UTF-8 by chance, so valid UTF-8 wins over a `<meta>` (not over the HTTP header).
  if (meta && canonicalEncoding(meta) !== 'utf-8' && hasNonAscii(body) && isUtf8(body)) {
    return decodeFeedBytes(body, 'text/html; charset=utf-8');
  }
  return decodeFeedBytes(body, meta ? `text/html; charset=${meta}` : contentType);
}
