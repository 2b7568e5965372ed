import iconv from 'iconv-lite';

/** windows-1252 characters for bytes 0x80–0xFF (iconv-lite, because Node 20's TextDecoder maps 0x80–0x9F wrongly). */
const CP1252_HIGH = iconv.decode(Buffer.from(Array.from({ length: 128 }, (_, i) => 0x80 + i)), 'windows-1252');

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there does not start one. */
function utf8SequenceLength(body: Buffer, i: number): number {
  const b0 = body[i]!;
  let need: number;
  let min: number;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    need = 1;
    min = 0x80;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 2;
    min = 0x800;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 3;
    min = 0x10000;
  } else {
    return 0;
  }
  let cp = b0 & (0x3f >> need);
  for (let k = 1; k <= need; k++) {
    const b = body[i + k];
    if (b === undefined || (b & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return need + 1;
}

/**
 * Decodes bytes that are mostly UTF-8 but contain stray bytes from a legacy charset: valid UTF-8 sequences are
 * kept, every other high byte is read as windows-1252. Pure Latin-1 text comes out right because Latin-1 letters
 * almost never form valid UTF-8 pairs; a UTF-8 document with one broken byte keeps all its other characters.
 */
export function decodeUtf8WithCp1252Fallback(body: Buffer): { text: string; invalidBytes: number } {
  const parts: string[] = [];
  let runStart = 0;
  let invalidBytes = 0;
  let i = 0;
  while (i < body.length) {
    if (body[i]! < 0x80) {
      i++;
      continue;
    }
    const len = utf8SequenceLength(body, i);
    if (len > 0) {
      i += len;
      continue;
    }
    if (i > runStart) parts.push(body.toString('utf8', runStart, i));
    parts.push(CP1252_HIGH[body[i]! - 0x80]!);
    invalidBytes++;
    i++;
    runStart = i;
  }
  if (runStart < body.length) parts.push(body.toString('utf8', runStart));
  return { text: parts.join(''), invalidBytes };
}
