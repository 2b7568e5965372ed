import { isStopword, type StemLanguage, stem, stemLanguage, type Token, tokenize } from './text.ts';

export interface StoryInput {
  id: string;
  title: string;
  summary: string;
  language?: string | null;
  /** Epoch milliseconds. */
  publishedAt: number;
  sourceId?: string | number;
}

export interface StoryOptions {
  /** Only items published within this span of each other join one story (default 3 days). */
  windowMs?: number;
  /** Similarity (0–1) above which two items in one language report the same story (default 0.35). */
  threshold?: number;
  /** The bar for a German and an English item, whose shared vocabulary is mostly names and numbers (default 0.25). */
  crossLanguageThreshold?: number;
}

export interface StoryCluster {
  /** The representative's id: the earliest item (ties: the lowest id). */
  key: string;
  representative: string;
  /** Other items, earliest first: shown as "also reported by". */
  others: string[];
}

const DAY = 86_400_000;

/**
 * A cheap bridge between German and English headlines: each group names one concept. Names and numbers
 * (Alibaba, Frankfurt, 7,8) already look the same in both languages; these are the common words that do not.
 */
const CONCEPTS: Record<string, { de: string[]; en: string[] }> = {
  datacenter: {
    de: ['rechenzentrum', 'rechenzentren', 'datenzentrum', 'rz'],
    en: ['datacenter', 'center', 'facility'],
  },
  open: {
    de: ['eröffnet', 'eröffnen', 'eröffnung', 'startet', 'starten'],
    en: ['opens', 'open', 'opening', 'launch', 'launches'],
  },
  build: { de: ['baut', 'bauen', 'errichtet', 'ausbau'], en: ['build', 'builds', 'construct', 'expand', 'expansion'] },
  invest: { de: ['investiert', 'investieren', 'investition'], en: ['invest', 'invests', 'investment'] },
  billion: { de: ['milliarde', 'milliarden', 'mrd'], en: ['billion', 'bn'] },
  million: { de: ['million', 'millionen', 'mio'], en: ['million', 'millions', 'mn'] },
  percent: { de: ['prozent'], en: ['percent', 'per cent'] },
  first: { de: ['erste', 'ersten', 'erstes', 'erstmals'], en: ['first'] },
  outage: { de: ['ausfall', 'ausfälle', 'störung', 'gestört'], en: ['outage', 'outages', 'down', 'disruption'] },
  acquire: {
    de: ['übernimmt', 'übernahme', 'kauft', 'kauf'],
    en: ['acquires', 'acquisition', 'buys', 'buy', 'acquire'],
  },
  revenue: { de: ['umsatz', 'umsätze', 'erlös'], en: ['revenue', 'revenues', 'sales'] },
  profit: { de: ['gewinn', 'gewinne'], en: ['profit', 'profits', 'earnings'] },
  price: { de: ['preis', 'preise', 'preiserhöhung'], en: ['price', 'prices', 'pricing'] },
  raise: { de: ['erhöht', 'erhöhen', 'steigt', 'teurer'], en: ['raises', 'raise', 'increase', 'hike'] },
  cut: { de: ['senkt', 'billiger', 'streicht'], en: ['cuts', 'cut', 'slashes', 'drops'] },
  jobs: { de: ['stellen', 'arbeitsplätze', 'jobs'], en: ['jobs', 'positions'] },
  layoffs: { de: ['entlassungen', 'stellenabbau', 'entlässt'], en: ['layoffs', 'cuts', 'lays'] },
  customer: { de: ['kunde', 'kunden'], en: ['customer', 'customers'] },
  quarter: { de: ['quartal'], en: ['quarter'] },
  year: { de: ['jahr', 'jahren', 'jährlich'], en: ['year', 'years', 'annual'] },
  germany: { de: ['deutschland', 'deutsche', 'deutschen', 'deutsches'], en: ['germany', 'german'] },
  europe: { de: ['europa', 'europäisch', 'europäische', 'europäischen'], en: ['europe', 'european'] },
  china: { de: ['china', 'chinesisch', 'chinesische', 'chinesischen'], en: ['china', 'chinese'] },
  britain: { de: ['großbritannien', 'britisch', 'britische', 'britischen'], en: ['britain', 'british', 'uk'] },
  us: { de: ['usa', 'us', 'amerikanisch'], en: ['us', 'usa', 'american'] },
  munich: { de: ['münchen'], en: ['munich'] },
  cologne: { de: ['köln'], en: ['cologne'] },
  vienna: { de: ['wien'], en: ['vienna'] },
  sovereign: { de: ['souverän', 'souveräne', 'souveränität'], en: ['sovereign', 'sovereignty'] },
  region: { de: ['region', 'regionen'], en: ['region', 'regions'] },
  cloud: { de: ['cloud', 'wolke'], en: ['cloud'] },
  antitrust: { de: ['kartellamt', 'kartell', 'wettbewerbshüter'], en: ['antitrust', 'competition', 'regulator'] },
  fine: { de: ['strafe', 'bußgeld'], en: ['fine', 'fined', 'penalty'] },
  government: { de: ['regierung', 'bundesregierung'], en: ['government'] },
  security: { de: ['sicherheitslücke', 'lücke', 'schwachstelle'], en: ['vulnerability', 'flaw', 'bug'] },
};

const conceptByStem: Record<StemLanguage, Map<string, string>> = { de: new Map(), en: new Map() };
for (const [concept, words] of Object.entries(CONCEPTS)) {
  for (const lang of ['de', 'en'] as const) {
    for (const w of words[lang]) {
      for (const part of w.split(' ')) conceptByStem[lang].set(stem(tokenize(part)[0]?.norm ?? part, lang), concept);
    }
  }
}

/** Weighted features of one item: concepts and names are shared across languages, numbers count extra. */
export function storyFeatures(item: StoryInput): Map<string, number> {
  const lang = stemLanguage(item.language) ?? 'en';
  const out = new Map<string, number>();
  const add = (tokens: Token[], fieldWeight: number) => {
    for (const t of tokens) {
      if (isStopword(t.norm) || t.norm.length < 2) continue;
      let key: string;
      let w = fieldWeight;
      if (/^\d/.test(t.norm)) {
        // Years and big round numbers are distinctive; "1" and "2" are not.
        if (t.norm.length < 2) continue;
        key = `#${t.norm}`;
        w *= 1.5;
      } else {
        const s = lang === 'de' ? t.de : t.en;
        const concept =
          conceptByStem[lang].get(s) ?? conceptByStem[lang === 'de' ? 'en' : 'de'].get(t[lang === 'de' ? 'en' : 'de']);
        key = concept ? `~${concept}` : s;
        // A capitalised word inside an English sentence is usually a name; German capitalises every noun.
        if (!concept && lang === 'en' && /^\p{Lu}/u.test(t.raw)) w *= 1.3;
      }
      out.set(key, Math.max(out.get(key) ?? 0, w));
    }
  };
  add(tokenize(item.summary), 1);
  add(tokenize(item.title), 2);
  return out;
}

/** Weighted Dice overlap of two feature sets, weights scaled by how rare a feature is in the batch. */
export function similarity(a: Map<string, number>, b: Map<string, number>, idf: (f: string) => number): number {
  let shared = 0;
  let total = 0;
  for (const [f, w] of a) {
    const i = idf(f);
    total += w * i;
    const wb = b.get(f);
    if (wb !== undefined) shared += Math.min(w, wb) * i * 2;
  }
  for (const [f, w] of b) total += w * idf(f);
  return total === 0 ? 0 : shared / total;
}

function compareItems(a: StoryInput, b: StoryInput): number {
  return a.publishedAt - b.publishedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Groups items that report the same story; deterministic for the same input, whatever its order. */
export function groupStories(items: StoryInput[], opts: StoryOptions = {}): StoryCluster[] {
  const windowMs = opts.windowMs ?? 3 * DAY;
  const threshold = opts.threshold ?? 0.35;
  const crossThreshold = opts.crossLanguageThreshold ?? 0.25;
  const sorted = [...items].sort(compareItems);
  const feats = sorted.map(storyFeatures);
  const df = new Map<string, number>();
  for (const f of feats) for (const k of f.keys()) df.set(k, (df.get(k) ?? 0) + 1);
  const n = sorted.length;
  const idf = (f: string) => Math.log((n + 1) / ((df.get(f) ?? 0) + 0.5)) + 1;

  // Union-find over the earliest item: the root is always the earliest member.
  const parent = sorted.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  for (let i = 0; i < n; i++) {
    const a = sorted[i]!;
    for (let j = i + 1; j < n; j++) {
      const b = sorted[j]!;
      if (b.publishedAt - a.publishedAt > windowMs) break;
      // Two items of one source are updates or follow-ups, not "also reported by".
      if (a.sourceId !== undefined && a.sourceId === b.sourceId) continue;
      const cross = (stemLanguage(a.language) ?? 'en') !== (stemLanguage(b.language) ?? 'en');
      if (similarity(feats[i]!, feats[j]!, idf) < (cross ? crossThreshold : threshold)) continue;
      const ra = find(i);
      const rb = find(j);
      if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }
  const clusters = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    const members = clusters.get(r) ?? [];
    members.push(i);
    clusters.set(r, members);
  }
  return [...clusters.entries()].map(([root, members]) => {
    const representative = sorted[root]!.id;
    return {
      key: representative,
      representative,
      others: members.filter((m) => m !== root).map((m) => sorted[m]!.id),
    };
  });
}

/** Item id → story key (the representative's id); items alone in their story map to their own id. */
export function findStoryClusters(items: StoryInput[], opts: StoryOptions = {}): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of groupStories(items, opts)) {
    out.set(c.representative, c.key);
    for (const o of c.others) out.set(o, c.key);
  }
  return out;
}
