import { describe, expect, it } from 'vitest';
import {
  batchAcronyms,
  findStoryClusters,
  groupStories,
  headlinePenalty,
  type StoryInput,
  scoreStoryPairs,
  storyFeatures,
} from '../../src/curate/stories.ts';

const T0 = Date.UTC(2026, 0, 14, 8);
const H = 3_600_000;

const items: StoryInput[] = [
  {
    id: 'de-1',
    sourceId: 'heise',
    language: 'de',
    publishedAt: T0 + 2 * H,
    title: 'Alibaba eröffnet erstes Rechenzentrum in Frankfurt',
    summary:
      'Der chinesische Konzern Alibaba will mit seiner Cloud in Europa gegen Amazon, Microsoft und Google antreten.',
  },
  {
    id: 'en-1',
    sourceId: 'register',
    language: 'en',
    publishedAt: T0,
    title: 'Alibaba opens its first data centre in Frankfurt',
    summary: 'The Chinese giant Alibaba takes its cloud to Europe to compete with Amazon, Microsoft and Google.',
  },
  {
    id: 'de-2',
    sourceId: 'golem',
    language: 'de',
    publishedAt: T0 + 5 * H,
    title: 'Alibaba Cloud: Erstes europäisches Rechenzentrum steht in Frankfurt',
    summary: 'Alibaba eröffnet in Frankfurt sein erstes Rechenzentrum in Europa und tritt gegen Amazon an.',
  },
  {
    id: 'other-1',
    sourceId: 'heise',
    language: 'de',
    publishedAt: T0 + 3 * H,
    title: 'Microsoft erhöht Preise für Azure in Europa um 11 Prozent',
    summary: 'Kunden zahlen ab April mehr für Cloud-Dienste von Microsoft.',
  },
  {
    id: 'other-2',
    sourceId: 'verge',
    language: 'en',
    publishedAt: T0 + 4 * H,
    title: 'Amazon Prime Day returns in July with early deals',
    summary: 'The retailer promises discounts on Echo speakers and Kindle readers.',
  },
  {
    id: 'late-1',
    sourceId: 'dcd',
    language: 'en',
    publishedAt: T0 + 10 * 24 * H,
    title: 'Alibaba opens its first data centre in Frankfurt',
    summary: 'The Chinese giant Alibaba takes its cloud to Europe to compete with Amazon, Microsoft and Google.',
  },
];

describe('story clusters', () => {
  it('joins reports of one event across sources and languages; the earliest represents it', () => {
    const keys = findStoryClusters(items);
    expect(keys.get('de-1')).toBe('en-1');
    expect(keys.get('de-2')).toBe('en-1');
    expect(keys.get('en-1')).toBe('en-1');
    const cluster = groupStories(items).find((c) => c.key === 'en-1');
    expect(cluster?.others).toEqual(['de-1', 'de-2']);
  });

  it('keeps different events apart', () => {
    const keys = findStoryClusters(items);
    expect(keys.get('other-1')).toBe('other-1');
    expect(keys.get('other-2')).toBe('other-2');
  });

  it('only clusters within the time window', () => {
    expect(findStoryClusters(items).get('late-1')).toBe('late-1');
    expect(findStoryClusters(items, { windowMs: 30 * 24 * H }).get('late-1')).toBe('en-1');
  });

  it('does not join two items of one source', () => {
    const same = items.slice(0, 2).map((i) => ({ ...i, sourceId: 'one' }));
    expect(new Set(findStoryClusters(same).values()).size).toBe(2);
  });

  it('is deterministic whatever the input order', () => {
    const a = findStoryClusters(items);
    const b = findStoryClusters([...items].reverse());
    expect([...b.entries()].sort()).toEqual([...a.entries()].sort());
  });
});

describe('story clusters: bodies, wire copies and headlines that disagree', () => {
  const wire =
    'Frankfurt (Reuters) - The cloud unit of the retailer said on Wednesday it would spend the money over five years ' +
    'on new server halls near the airport, on fibre links between them and on training for local staff. The ' +
    'company expects the first of the halls to take customers in the spring of next year, a spokeswoman said, and ' +
    'the state government has promised faster permits for the power lines that the site will need.';

  it('joins two copies of one wire report under different headlines by their bodies', () => {
    const a: StoryInput = {
      id: 'w1',
      sourceId: 's1',
      language: 'en',
      publishedAt: T0,
      title: 'Retailer to spend big',
      summary: '',
      text: wire,
    };
    const b: StoryInput = {
      ...a,
      id: 'w2',
      sourceId: 's2',
      title: 'New server halls near the airport',
      text: `${wire} Shares rose 2%.`,
    };
    expect(findStoryClusters([a, b]).get('w2')).toBe('w1');
    // Without the bodies the two headlines share nothing.
    expect(
      findStoryClusters([
        { ...a, text: '' },
        { ...b, text: '' },
      ]).get('w2'),
    ).toBe('w2');
  });

  it('joins wire copies by their lead when there is no body: each outlet writes its own headline', () => {
    const lead =
      'Der Softwarekonzern will in den kommenden zwei Jahren drei weitere Serverhallen am Stadtrand errichten und ' +
      'dafür rund 400 Menschen einstellen, teilte ein Sprecher am Dienstag mit.';
    const base = { language: 'de', publishedAt: T0 };
    const list: StoryInput[] = [
      {
        ...base,
        id: 'dpa-1',
        sourceId: 'a',
        title: 'Hunderte neue Jobs: Bürgermeisterin freut sich über die Ansiedlung',
        summary: `(dpa) ${lead}`,
      },
      {
        ...base,
        id: 'dpa-2',
        sourceId: 'b',
        title: 'Acker weicht Beton – Anwohner kritisieren Bauprojekt',
        summary: `${lead} Eine Bürgerinitiative sammelt Unterschriften gegen die Pläne und fürchtet Lärm.`,
      },
      // One outlet's own report on the same kind of news, not a copy: it has no lead in common.
      {
        ...base,
        id: 'own',
        sourceId: 'c',
        title: 'Ein Versandhändler baut ein Lager',
        summary:
          'Im Hafen entsteht bis 2028 ein neues Logistikzentrum mit Platz für Hunderte von Beschäftigten, sagte die Stadt.',
      },
    ];
    const clusters = findStoryClusters(list);
    expect(clusters.get('dpa-2')).toBe('dpa-1');
    expect(clusters.get('own')).toBe('own');
    // Recognised as a copy (similarity 1), not by the headlines' words: they share none.
    const { sorted, pairs } = scoreStoryPairs(list);
    const copy = pairs.find((p) => sorted[p.i]!.id.startsWith('dpa') && sorted[p.j]!.id.startsWith('dpa'));
    expect(copy?.sim).toBe(1);
  });

  it('keeps apart headlines about different companies or countries that share the rest of their words', () => {
    const base = {
      language: 'de',
      publishedAt: T0,
      summary: 'Der Konzern will in den kommenden Jahren Rechenzentren bauen.',
    };
    const list: StoryInput[] = [
      { ...base, id: 'a', sourceId: 'x', title: 'Amazon investiert Milliarden in neue Rechenzentren in Deutschland' },
      {
        ...base,
        id: 'b',
        sourceId: 'y',
        title: 'Amazon investiert Milliarden in neue Rechenzentren in Großbritannien',
      },
      { ...base, id: 'c', sourceId: 'z', title: 'Oracle investiert Milliarden in neue Rechenzentren in Deutschland' },
    ];
    expect(new Set(findStoryClusters(list).values()).size).toBe(3);
  });

  it('reads amounts across languages: "7,8 Milliarden Euro" is "€7.8 billion"', () => {
    const list: StoryInput[] = [
      {
        id: 'de',
        sourceId: 'a',
        language: 'de',
        publishedAt: T0,
        title: 'AWS investiert 7,8 Milliarden Euro in Brandenburg',
        summary: 'Die Cloud-Tochter von Amazon baut Rechenzentren.',
      },
      {
        id: 'en',
        sourceId: 'b',
        language: 'en',
        publishedAt: T0 + H,
        title: 'AWS to invest €7.8 billion in Brandenburg',
        summary: 'Amazon’s cloud arm is building data centres.',
      },
    ];
    expect(findStoryClusters(list).get('en')).toBe('de');
  });

  it('counts one company with one figure as a strong sign; a number in a product name is no figure', () => {
    const facts = (title: string, summary = '', language = 'en') =>
      storyFeatures({ id: title, title, summary, language, publishedAt: T0 }).headline;
    const ms80 = facts('Microsoft expects to spend $80 billion on data centers');
    const ms80de = facts('Microsoft erhöht Investitionen', 'Der Konzern will 80 Milliarden Dollar ausgeben.', 'de');
    expect(headlinePenalty(ms80, ms80de)).toBeGreaterThan(1);
    // The same figure from another company, or another figure: no boost (different sums weigh less).
    expect(headlinePenalty(ms80, facts('Meta expects to spend $80 billion on data centers'))).toBe(0);
    expect(headlinePenalty(ms80, facts('Microsoft expects to spend $60 billion on data centers'))).toBeLessThan(1);
    // "Office 365" and "Windows 11" name products, "zwei" is too small a number to tell stories apart.
    expect([...facts('Office 365 und Windows 11 kommen', 'Microsoft baut zwei Rechenzentren', 'de').figures]).toEqual(
      [],
    );
    expect([...facts('Amazon schafft 3000 neue Stellen', '', 'de').figures]).toEqual(['#3000']);
  });

  it('joins reports sharing a rare name of the story (a place, a person), not a company name alone', () => {
    const filler = Array.from(
      { length: 30 },
      (_, i): StoryInput => ({
        id: `f${i}`,
        sourceId: `f${i}`,
        language: 'en',
        publishedAt: T0,
        title: `Microsoft cloud news number ${i} about Azure data`,
        summary: `Item ${i} on the Microsoft cloud and its facilities.`,
      }),
    );
    const a: StoryInput = {
      id: 'la1',
      sourceId: 'x',
      language: 'en',
      publishedAt: T0,
      title: 'Hyperscale data center planned in Louisiana',
      summary: 'A big facility in the north of the state.',
    };
    const b: StoryInput = {
      id: 'la2',
      sourceId: 'y',
      language: 'en',
      publishedAt: T0 + H,
      title: 'Meta to build AI data center in Louisiana',
      summary: 'The company said it will be one of its largest sites.',
    };
    // Their words alone stay just under the bar (similarity 0.33); "Louisiana", in no other item, carries them over.
    expect(findStoryClusters([...filler, a, b]).get('la2')).toBe('la1');
    const elsewhere = { ...b, title: 'Meta to build AI data center in Ohio' };
    expect(findStoryClusters([...filler, a, elsewhere]).get('la2')).toBe('la2');
  });

  it('reads a spelled-out name as the acronym the batch writes, and small counts alike in digits and words', () => {
    const acronyms = batchAcronyms([{ id: 'a', title: 'CMA delays its cloud findings', summary: '', publishedAt: T0 }]);
    expect([...acronyms]).toEqual(['cma']);
    const spelled = storyFeatures(
      {
        id: 'b',
        title: 'UK Competition and Markets Authority accepts commitments',
        summary: '',
        language: 'en',
        publishedAt: T0,
      },
      acronyms,
    );
    const written = storyFeatures({ id: 'a', title: 'CMA delays its cloud findings', summary: '', publishedAt: T0 });
    const key = [...written.weights.keys()].find((k) => spelled.weights.has(k) && k.includes('cma'));
    expect(key).toBeDefined();
    // Without an acronym in the batch a run of capitals adds nothing (Title Case headlines would be noise).
    const alone = storyFeatures({
      id: 'b',
      title: 'UK Competition and Markets Authority accepts commitments',
      summary: '',
      language: 'en',
      publishedAt: T0,
    });
    expect([...alone.weights.keys()].some((k) => k.includes('cma'))).toBe(false);
    const keys = (title: string, language: string) => [
      ...storyFeatures({ id: title, title, summary: '', language, publishedAt: T0 }).weights.keys(),
    ];
    expect(keys('Oracle opens 2 new data centers', 'en')).toContain('#2');
    expect(keys('Oracle To Open Two German Data Centres', 'en')).toContain('#2');
    expect(keys('Oracle eröffnet zwei Rechenzentren', 'de')).toContain('#2');
  });

  it('joins reports naming one company and one place (any name after "in"), keeps other parts of the world apart', () => {
    const filler = Array.from(
      { length: 30 },
      (_, i): StoryInput => ({
        id: `f${i}`,
        sourceId: `f${i}`,
        language: 'de',
        publishedAt: T0,
        title: `Neues aus der Cloud, Folge ${i}`,
        summary: `Meldung ${i} über Rechenzentren, Investitionen und Anbieter in Deutschland.`,
      }),
    );
    const a: StoryInput = {
      id: 'p1',
      sourceId: 'x',
      language: 'de',
      publishedAt: T0,
      title: 'Oracle will Milliarden in deutsche Rechenzentren stecken',
      summary: 'Der Konzern plant einen neuen Standort in Tuusula und weitere Investitionen in Europa.',
    };
    const b: StoryInput = {
      id: 'p2',
      sourceId: 'y',
      language: 'de',
      publishedAt: T0 + H,
      title: 'Oracle baut Cloud-Region aus',
      summary: 'Das neue Rechenzentrum in Tuusula soll im Herbst den Betrieb aufnehmen.',
    };
    // Tuusula is in no list: the preposition says it is a place. The same words about another place stay apart.
    expect(findStoryClusters([...filler, a, b]).get('p2')).toBe('p1');
    const elsewhere = { ...b, summary: 'Das neue Rechenzentrum in Kerava soll im Herbst den Betrieb aufnehmen.' };
    expect(findStoryClusters([...filler, a, elsewhere]).get('p2')).toBe('p2');
    // Headlines about the US and about Europe (or Berlin and Finland) report different stories.
    const facts = (title: string, language = 'en') =>
      storyFeatures({ id: title, title, summary: '', language, publishedAt: T0 }).headline;
    expect(
      headlinePenalty(
        facts('Alibaba will Cloud-Markt in den USA aufmischen', 'de'),
        facts('Alibaba opens its first data centre in Europe'),
      ),
    ).toBe(0);
    expect(
      headlinePenalty(facts('Google opens a cloud region in Berlin'), facts('Google opens cloud region in Finland')),
    ).toBe(0);
    expect(
      headlinePenalty(
        facts('Microsoft verdoppelt Kapazität in Europa', 'de'),
        facts('Microsoft opens two data centres in Germany'),
      ),
    ).toBeGreaterThan(0);
  });
});
