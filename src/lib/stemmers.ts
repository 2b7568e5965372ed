import snowball from 'snowball-stemmers';

/** Snowball stemmers for the two languages rundschau reads most; shared by search (store/) and topics (curate/). */
export const stemmers = {
  de: snowball.newStemmer('german'),
  en: snowball.newStemmer('english'),
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
