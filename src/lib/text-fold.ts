/**
 * How rundschau compares words, in search (store/) and topic rules (curate/) alike: lower case, ß as "ss", diacritics
 * removed from Latin letters only, as FTS5's unicode61 tokenizer (remove_diacritics 2) does, so "Souveränität" meets
 * "Souveranitat" and "Fußball" meets "Fussball"; Cyrillic й, Greek accents and Indic vowel signs stay part of their
 * words.
 */
export function foldWord(word: string): string {
  // Most words are ASCII: skip the Unicode normalisation passes for them (curate folds every token).
  if (!NON_ASCII.test(word)) return word.toLowerCase();
  return foldSharpS(word.toLowerCase())
    .normalize('NFD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC');
}

const NON_ASCII = /[^\x00-\x7f]/;

export function foldSharpS(text: string): string {
  return text.replace(/[ßẞ]/g, 'ss');
}
