import type { Cursor } from '../store/types.ts';

/** `?before=` value: opaque to clients, so the keyset position can change shape without breaking links. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.publishedAt}.${cursor.id}`).toString('base64url');
}

export function decodeCursor(text: string): Cursor | undefined {
  const m = /^(-?\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(text, 'base64url').toString());
  if (!m) return undefined;
  return { publishedAt: Number(m[1]), id: Number(m[2]) };
}
