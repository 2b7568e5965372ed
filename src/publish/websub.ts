export interface HubPingResult {
  topicUrl: string;
  ok: boolean;
  status?: number;
  error?: string;
}

/**
 * Tells a WebSub hub that feeds changed (`hub.mode=publish`, one POST per feed URL, since hubs differ in whether they
 * accept several). Never throws: a hub being down must not break ingest.
 */
export async function pingHub(hubUrl: string, topicUrls: string[], timeoutMs = 10_000): Promise<HubPingResult[]> {
  return Promise.all(
    topicUrls.map(async (topicUrl): Promise<HubPingResult> => {
      try {
        const res = await fetch(hubUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topicUrl }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        return { topicUrl, ok: res.ok, status: res.status };
      } catch (err) {
        return { topicUrl, ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
}

/** The URLs of a topic's feeds that subscribers use and a hub is told about. */
export function topicFeedUrls(baseUrl: string, slug: string): string[] {
  const base = baseUrl.replace(/\/+$/, '');
  return ['rss', 'atom', 'json'].map((ext) => `${base}/feeds/${slug}.${ext}`);
}
