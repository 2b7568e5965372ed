/**
 * RFC 9110 conditional GET: If-None-Match uses weak comparison (our ETags are weak because gzip and identity share
 * them) and wins over If-Modified-Since, which compares whole seconds as HTTP dates carry no more.
 */
export function isNotModified(request: {
  ifNoneMatch?: string;
  etag?: string;
  ifModifiedSince?: string;
  lastModifiedMs?: number;
}): boolean {
  if (request.ifNoneMatch !== undefined) {
    if (!request.etag) return false;
    const wanted = opaque(request.etag);
    return request.ifNoneMatch
      .split(',')
      .map((tag) => tag.trim())
      .some((tag) => tag === '*' || opaque(tag) === wanted);
  }
  if (request.ifModifiedSince !== undefined && request.lastModifiedMs !== undefined) {
    const since = Date.parse(request.ifModifiedSince);
    if (Number.isNaN(since)) return false;
    return Math.floor(request.lastModifiedMs / 1000) <= Math.floor(since / 1000);
  }
  return false;
}

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
