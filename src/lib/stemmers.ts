import { createRequire } from 'node:module';

type Stemmer = { stem(word: string): string };

// Loaded at the first stem, not at start-up (~6 MB RSS): a fetch cycle on the main thread never stems (scoring runs
// in the workers), only search queries and topic scoring do.
const require = createRequire(import.meta.url);
let loaded: { de: Stemmer; en: Stemmer } | undefined;
function load(): { de: Stemmer; en: Stemmer } {
  if (!loaded) {
    const snowball = require('snowball-stemmers') as { newStemmer(language: string): Stemmer };
    loaded = { de: snowball.newStemmer('german'), en: snowball.newStemmer('english') };
  }
  return loaded;
}

/** Snowball stemmers for the two languages rundschau reads most; shared by search (store/) and topics (curate/). */
export const stemmers = {
  get de(): Stemmer {
    return load().de;
  },
  get en(): Stemmer {
    return load().en;
  },
};

/**
 * German Snowball stem with the one fix-up rundschau needs: Snowball keeps a Latin singular's "-um" ("zentrum") but
 * cuts its plural to "zentr" ("Zentren"), so long stems lose the "-um" and both forms meet. Search (stem prefixes)
 * and curate (stem equality) both stem German through here.
 */
export function germanStem(word: string): string {
  const stem = stemmers.de.stem(word);
  return stem.length >= 7 && stem.endsWith('um') ? stem.slice(0, -2) : stem;
}
