import snowball from 'snowball-stemmers';

/** Snowball stemmers for the two languages rundschau reads most; shared by search (store/) and topics (curate/). */
export const stemmers = {
  de: snowball.newStemmer('german'),
  en: snowball.newStemmer('english'),
};
