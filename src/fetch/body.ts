import { type Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createInflate, createUnzip } from 'node:zlib';

/** The body (compressed or decompressed) exceeded the cap. */
export class BodyTooLargeError extends Error {
  constructor(
    readonly limit: number,
    readonly stage: 'wire' | 'decoded',
  ) {
    super(`body exceeds ${limit} bytes (${stage === 'wire' ? 'as received' : 'after decompression'})`);
    this.name = 'BodyTooLargeError';
  }
}

/** The Content-Encoding could not be undone (corrupt gzip etc.). */
export class BodyDecodeError extends Error {
  constructor(encoding: string, cause: unknown) {
    super(`cannot decode ${encoding} body: ${(cause as Error)?.message ?? cause}`, { cause });
    this.name = 'BodyDecodeError';
  }
}

function decoderFor(encoding: string): Transform | undefined {
  // createUnzip auto-detects gzip and zlib headers; some servers label zlib-wrapped data "gzip" and vice versa.
  if (encoding === 'gzip' || encoding === 'x-gzip') return createUnzip();
  if (encoding === 'deflate') return createInflate();
  if (encoding === 'br') return createBrotliDecompress();
  // Unknown tokens (e.g. "UTF-8", a common misconfiguration) are ignored: the bytes are most likely plain.
  return undefined;
}

/**
 * Reads a response body, undoing Content-Encoding with zlib streams. The cap applies to the bytes received and to
 * the decompressed bytes, so a gzip bomb stops after `cap` bytes of output; the failing pipeline destroys the
 * source stream, which aborts the socket.
 */
export async function readCappedBody(
  source: Readable,
  encodings: string[],
  cap: number,
): Promise<{ body: Buffer; wireBytes: number }> {
  let wireBytes = 0;
  const wireCounter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      wireBytes += chunk.length;
      if (wireBytes > cap) done(new BodyTooLargeError(cap, 'wire'));
      else done(null, chunk);
    },
  });
  const decoders = [...encodings]
    .reverse()
    .map((enc) => ({ enc, stream: decoderFor(enc) }))
    .filter((d): d is { enc: string; stream: Transform } => d.stream !== undefined);
  // The stream that fails first is the cause; the pipeline then destroys the others with the same error.
  let failedDecoder: string | undefined;
  let failedFirst = false;
  for (const { enc, stream } of decoders) {
    stream.once('error', () => {
      if (!failedFirst) failedDecoder = enc;
      failedFirst = true;
    });
  }
  for (const other of [source, wireCounter]) other.once('error', () => (failedFirst = true));
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > cap) return done(new BodyTooLargeError(cap, 'decoded'));
      chunks.push(chunk);
      done();
    },
  });
  try {
    await pipeline([source, wireCounter, ...decoders.map((d) => d.stream), sink]);
  } catch (err) {
    if (failedDecoder && !(err instanceof BodyTooLargeError)) throw new BodyDecodeError(failedDecoder, err);
    throw err;
  }
  return { body: Buffer.concat(chunks, size), wireBytes };
}
