import { createHash } from 'node:crypto';
import { renderOpml } from '../config/opml.ts';
import { sourceName } from '../lib/source-name.ts';
import type { SourceStore } from '../store/types.ts';

/** OPML of every configured source, one folder per category, and a strong ETag of exactly that document. */
export async function sourcesOpml(
  store: Pick<SourceStore, 'listSources'>,
): Promise<{ body: string; etag: string; lastModifiedMs: number }> {
  const rows = (await store.listSources()).filter((s) => s.inConfig);
  const lastModifiedMs = rows.reduce((max, s) => Math.max(max, s.updatedAt), 0);
  const body = renderOpml(
    rows.map((s) => ({
      url: s.configUrl,
      title: sourceName(s, s.configUrl),
      category: s.category,
      siteUrl: s.siteUrl ?? undefined,
    })),
    { title: 'rundschau sources', dateModified: lastModifiedMs ? new Date(lastModifiedMs) : undefined },
  );
  const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
  return { body, etag, lastModifiedMs };
}
