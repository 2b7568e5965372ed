/** Fills a store with generated items for the web and feed benchmarks (realistic sizes, German and English). */
import { createHash } from 'node:crypto';
import type { NewItem } from '../src/normalize/types.ts';
import type { Store } from '../src/store/types.ts';

const DE =
  'Cloud Rechenzentrum Anbieter Kunden Europa Umsatz Quartal Server Netzwerk Sicherheit Software Plattform Markt Wachstum Energie Strom Preis Kosten Daten Region Frankfurt Berlin Entwickler Update Bericht Analyse Speicher Container Infrastruktur'.split(
    ' ',
  );
const EN =
  'cloud datacenter provider customers Europe revenue quarter server network security software platform market growth energy power price cost data region London developers update report analysis storage container infrastructure outage'.split(
    ' ',
  );

function pick(words: string[], seed: number, n: number): string {
  let x = seed >>> 0;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.push(words[x % words.length]!);
  }
  return out.join(' ');
}

export interface FillOptions {
  sources: number;
  items: number;
  /** Newest item's time; items spread back over `spanDays`. */
  now?: number;
  spanDays?: number;
  batch?: number;
  onProgress?: (done: number) => void;
}

export function sourceUrl(i: number): string {
  return `https://source-${i}.example.org/feed.xml`;
}

/** Inserts `items` items spread round-robin over `sources` sources (which must be synced already). */
export async function fillStore(store: Store, opts: FillOptions): Promise<void> {
  const now = opts.now ?? Date.UTC(2026, 10, 25);
  const span = (opts.spanDays ?? 120) * 86_400_000;
  const perSource = Math.ceil(opts.items / opts.sources);
  const batch = opts.batch ?? 500;
  const sources = await store.listSources();
  let done = 0;
  for (let start = 0; start < perSource; start += batch) {
    for (const source of sources.slice(0, opts.sources)) {
      const items: NewItem[] = [];
      for (let k = start; k < Math.min(perSource, start + batch) && done + items.length < opts.items; k++) {
        const seed = source.id * 1_000_003 + k;
        const de = seed % 3 === 0;
        const words = de ? DE : EN;
        const title = `${pick(words, seed, 7)} ${k}`;
        const summary = pick(words, seed * 7, 45);
        const contentHtml = `<p>${pick(words, seed * 13, 120)}</p><p><a href="https://example.org/${seed}">${pick(words, seed, 3)}</a> ${pick(words, seed * 17, 120)}</p>`;
        items.push({
          uid: `g:${source.id}-${k}`,
          guid: `${source.id}-${k}`,
          link: `https://source-${source.id}.example.org/article/${k}`,
          title,
          author: `Autor ${k % 13}`,
          summary,
          contentHtml,
          language: de ? 'de' : 'en',
          publishedAt: now - Math.floor(((seed * 2654435761) >>> 0) % span),
          dateEstimated: false,
          updatedAt: null,
          categories: [pick(words, seed, 1)],
          enclosures: [],
          imageUrl: null,
          contentHash: createHash('sha1').update(`${seed}`).digest('hex'),
        });
      }
      if (items.length === 0) continue;
      await store.upsertItems(source.id, items, now);
      done += items.length;
      opts.onProgress?.(done);
    }
  }
}
