import iconv from 'iconv-lite';

/**
 * Double-encoded UTF-8 ("mojibake"): text that was UTF-8, read as windows-1252 or Latin-1 by a publisher's tool,
 * and written out as UTF-8 again, so "ä" arrives as "Ã¤" and "’" as "â€™". python feedparser undoes it per field
 * when the whole field survives the round trip; this does the same per character sequence (as ftfy does), so a
 * field that mixes good and damaged text, or damage through windows-1252 letters (œ, €, ™), is repaired too.
 */

/** The character each byte 0x80–0xFF becomes when read as windows-1252 (iconv-lite; Node 20's decoder is wrong). */
const CP1252_HIGH = iconv.decode(Buffer.from(Array.from({ length: 128 }, (_, i) => 0x80 + i)), 'windows-1252');

/** Character → the byte it was read from: Latin-1 (U+0080–U+00FF) and the windows-1252 letters for 0x80–0x9F. */
const BYTE_OF = new Map<string, number>();
for (let byte = 0x80; byte <= 0xff; byte++) {
  BYTE_OF.set(String.fromCharCode(byte), byte);
  const cp1252 = CP1252_HIGH[byte - 0x80]!;
  if (cp1252 !== '\ufffd') BYTE_OF.set(cp1252, byte);
}

const escapeClass = (chars: string[]) =>
  chars.map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
/** Characters that stand for a UTF-8 continuation byte (0x80–0xBF) under either reading. */
const CONTINUATION = `[${escapeClass([...BYTE_OF].filter(([, b]) => b <= 0xbf).map(([c]) => c))}]`;
/** A lead byte (2-, 3- or 4-byte sequence) as Latin-1 text, followed by its continuation bytes. */
const SEQUENCE = new RegExp(
  `[\\u00c2-\\u00df]${CONTINUATION}|[\\u00e0-\\u00ef]${CONTINUATION}{2}|[\\u00f0-\\u00f4]${CONTINUATION}{3}`,
  'g',
);
/** Cheap pre-check: no lead character, no mojibake. */
const HAS_LEAD = /[\u00c2-\u00f4]/;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Two-byte results that real text is made of: Latin, Greek, Cyrillic, Hebrew and Arabic letters. Others (NKo,
 * Syriac, Hebrew points, combining marks...) are what a legitimate "ß“" or "Ö…" would turn into: left alone.
 */
function plausibleTwoByte(cp: number): boolean {
  return (
    (cp >= 0xa0 && cp <= 0x24f) ||
    (cp >= 0x370 && cp <= 0x3ff) ||
    (cp >= 0x400 && cp <= 0x52f) ||
    (cp >= 0x5d0 && cp <= 0x5ff) ||
    (cp >= 0x600 && cp <= 0x6ff)
  );
}

/** Private-use characters are never the better reading. */
function isPrivateUse(cp: number): boolean {
  return (cp >= 0xe000 && cp <= 0xf8ff) || cp >= 0xf0000;
}

/** The character a mojibake sequence stood for, or undefined when that reading is not clearly better. */
function reverseSequence(sequence: string): string | undefined {
  const bytes = Uint8Array.from([...sequence], (c) => BYTE_OF.get(c)!);
  let decoded: string;
  try {
    decoded = strictUtf8.decode(bytes);
  } catch {
    return undefined; // overlong, surrogate or out-of-range: not something an encoder wrote
  }
  const cp = decoded.codePointAt(0)!;
  if (bytes.length === 2 ? !plausibleTwoByte(cp) : isPrivateUse(cp)) return undefined;
  return decoded;
}

/**
 * Reverses double-encoded UTF-8 sequences in one text field. Only sequences whose bytes form exactly one valid
 * UTF-8 character that real text uses are replaced; everything else (a real "Ã" in a name, "Spaß“", umlauts)
 * is kept as it is. Text
 * encoded twice over is repaired in a second pass.
 */
export function repairDoubleEncoding(text: string): string {
  let out = text;
  for (let pass = 0; pass < 2 && HAS_LEAD.test(out); pass++) {
    const next = out.replace(SEQUENCE, (sequence) => reverseSequence(sequence) ?? sequence);
    if (next === out) break;
    out = next;
  }
  return out;
}
