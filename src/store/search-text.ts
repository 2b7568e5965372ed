import { stemmers } from '../lib/stemmers.ts';

export interface SearchTerm {
  raw: string;
  /** Index prefix that matches the word's German and English inflections ("Rechenzentren" → "rechenzentr"). */
  prefix: string;
}

/**
 * Splits a user's query into words and gives each a stem-based prefix. Full-text indexes here do not stem German,
 * so the query side does: the shorter of the German and English stems, with Latin/German endings that the stemmers
 * keep (Zentrum/Zentren) trimmed from long words.
 */
export function searchTerms(query: string): SearchTerm[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms: SearchTerm[] = [];
  for (const raw of words.slice(0, 12)) {
    const folded = fold(raw);
    let prefix = [stemmers.de.stem(folded), stemmers.en.stem(folded)].reduce((a, b) => (b.length < a.length ? b : a));
    if (prefix.length >= 7) prefix = prefix.replace(/(um|us|en|er)$/, '');
    if (prefix.length < 2) prefix = folded;
    if (!terms.some((t) => t.prefix === prefix)) terms.push({ raw, prefix });
  }
  return terms;
}

/** Lower-case and without diacritics, as the SQLite index (remove_diacritics 2) stores words. */
function fold(word: string): string {
  return word
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function matcher(terms: SearchTerm[]): RegExp | null {
  if (terms.length === 0) return null;
  // Match on a diacritics-folded copy of the text so "Zurich" finds "Zürich"; positions map 1:1 for precomposed text.
  const alternatives = terms.map((t) => t.prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})[\\p{L}\\p{N}]*`, 'giu');
}

function foldSameLength(text: string): string {
  let out = '';
  for (const ch of text) {
    const f = ch.normalize('NFD').replace(/\p{M}+/gu, '');
    out += f.length === ch.length ? f.toLowerCase() : ch.toLowerCase();
  }
  return out;
}

/** HTML-escaped text with each matching word wrapped in <mark>. */
export function highlight(text: string, terms: SearchTerm[]): string {
  const re = matcher(terms);
  if (!re) return escapeHtml(text);
  const folded = foldSameLength(text);
  if (folded.length !== text.length) return escapeHtml(text);
  let out = '';
  let last = 0;
  for (const m of folded.matchAll(re)) {
    const start = m.index ?? 0;
    out +=
      escapeHtml(text.slice(last, start)) + '<mark>' + escapeHtml(text.slice(start, start + m[0].length)) + '</mark>';
    last = start + m[0].length;
  }
  return out + escapeHtml(text.slice(last));
}

/** A window of about `width` characters of plain text around the first match, highlighted. */
export function snippet(textOrHtml: string, terms: SearchTerm[], width = 240): string {
  const text = textOrHtml.includes('<') ? textOrHtml.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ') : textOrHtml;
  const re = matcher(terms);
  let start = 0;
  if (re) {
    const m = re.exec(foldSameLength(text));
    if (m?.index && m.index > width / 3) start = text.lastIndexOf(' ', m.index - Math.floor(width / 3)) + 1;
  }
  let piece = text.slice(start, start + width);
  if (start + width < text.length) piece = piece.replace(/\s+\S*$/, '') + ' …';
  return (start > 0 ? '… ' : '') + highlight(piece, terms);
}
