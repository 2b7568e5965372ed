import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/** Where the chosen charset came from; kept in warnings so a wrong guess can be traced. */
export type CharsetSource = 'bom' | 'bom-less-utf16' | 'header' | 'prolog' | 'default';

export interface SniffedCharset {
  /** iconv-lite name, lower case. */
  encoding: string;
  source: CharsetSource;
  /** Bytes to skip at the start (the BOM). */
  skip: number;
}

/** Byte order marks, longest first so UTF-32LE is not mistaken for UTF-16LE. */
const BOMS: Array<{ bytes: number[]; encoding: string }> = [
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: 'utf-32be' },
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: 'utf-32le' },
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
];

function startsWith(body: Buffer, bytes: number[]): boolean {
  if (body.length < bytes.length) return false;
  return bytes.every((b, i) => body[i] === b);
}

export function sniffBom(body: Buffer): SniffedCharset | undefined {
  for (const bom of BOMS) {
    if (startsWith(body, bom.bytes)) return { encoding: bom.encoding, source: 'bom', skip: bom.bytes.length };
  }
  return undefined;
}

/** XML spec appendix F: without a BOM, the first `<?` tells the code unit width and order. */
export function sniffBomlessWide(body: Buffer): SniffedCharset | undefined {
  if (startsWith(body, [0x3c, 0x00, 0x00, 0x00])) return { encoding: 'utf-32le', source: 'bom-less-utf16', skip: 0 };
  if (startsWith(body, [0x00, 0x00, 0x00, 0x3c])) return { encoding: 'utf-32be', source: 'bom-less-utf16', skip: 0 };
  if (startsWith(body, [0x3c, 0x00, 0x3f, 0x00])) return { encoding: 'utf-16le', source: 'bom-less-utf16', skip: 0 };
  if (startsWith(body, [0x00, 0x3c, 0x00, 0x3f])) return { encoding: 'utf-16be', source: 'bom-less-utf16', skip: 0 };
  return undefined;
}

export function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const match = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType);
  return match?.[2]?.toLowerCase();
}

/** Reads `encoding="…"` of the XML declaration, allowing junk before it (fixed later by repair). */
export function charsetFromProlog(body: Buffer): string | undefined {
  const head = body.subarray(0, 1024).toString('latin1');
  const match = /<\?xml\s[^>]*?encoding\s*=\s*["']([^"']*)["']/.exec(head);
  return match?.[1]?.trim().toLowerCase();
}

/** Browsers and forgiving readers read Latin-1 and ASCII labels as windows-1252 (a superset for printable text). */
export function canonicalEncoding(label: string): string | undefined {
  const name = label.trim().toLowerCase();
  if (!name) return undefined;
  if (
    /^(iso[-_ ]?8859[-_ ]?1|latin-?1|l1|us-ascii|ascii|iso-ir-100|cp819|ibm819|windows-1252|cp1252|x-cp1252)$/.test(
      name,
    )
  ) {
    return 'windows-1252';
  }
  if (name === 'utf8' || name === 'utf-8') return 'utf-8';
  if (name === 'utf-16' || name === 'utf16') return 'utf-16';
  return iconv.encodingExists(name) ? name : undefined;
}

const SINGLE_BYTE = /^(windows-125\d|iso-8859-\d+|koi8-[ru]|mac.*|cp\d+|ibm\d+)$/;

export function isSingleByteEncoding(encoding: string): boolean {
  return SINGLE_BYTE.test(encoding);
}

export function hasNonAscii(body: Buffer): boolean {
  for (let i = 0; i < body.length; i++) if (body[i]! >= 0x80) return true;
  return false;
}

export { isUtf8 };
