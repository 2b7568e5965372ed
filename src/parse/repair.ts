import { decodeHTMLStrict } from 'entities';

export interface RepairResult {
  text: string;
  /** One line per kind of damage that was repaired, for FeedDocument.warnings. */
  repairs: string[];
  /** The document ended early: elements or a CDATA section had to be closed. */
  truncated: boolean;
}

const XML_PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
/** Characters XML 1.0 forbids even as references (C0 controls except tab, LF, CR; U+FFFE/FFFF). */
const ILLEGAL_CHARS = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;
const ILLEGAL_CHAR_REFS = /&#(?:x0*(?:[0-8bcef]|1[0-9a-f])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));/gi;
/** A `&` that starts a named or numeric reference, or a bare one. */
const AMPERSAND = /&(?:(#[0-9]+|#x[0-9a-fA-F]+)|([A-Za-z][A-Za-z0-9]*))?(;?)/g;
const CDATA_SPLIT = /(<!\[CDATA\[[\s\S]*?\]\]>)/;

function stripJunkBeforeRoot(text: string, repairs: string[]): string {
  const prolog = text.indexOf('<?xml');
  if (prolog > 0 && prolog < 4096) {
    repairs.push('removed text before the XML declaration');
    return text.slice(prolog);
  }
  if (prolog === 0) return text;
  const firstTag = text.indexOf('<');
  if (firstTag > 0 && text.slice(0, firstTag).trim()) {
    repairs.push('removed text before the first element');
    return text.slice(firstTag);
  }
  return text;
}

function removeIllegalChars(text: string, repairs: string[]): string {
  const out = text.replace(ILLEGAL_CHARS, '').replace(ILLEGAL_CHAR_REFS, '');
  if (out.length !== text.length) repairs.push('removed characters XML does not allow (control characters)');
  return out;
}

/** HTML named entities become numeric references, unknown names and bare `&` become `&amp;`. */
function fixReferences(segment: string, counts: { html: number; bare: number }): string {
  return segment.replace(AMPERSAND, (whole, numeric: string | undefined, name: string | undefined, semi: string) => {
    if (numeric && semi) return whole;
    if (name && semi) {
      if (XML_PREDEFINED.has(name)) return whole;
      const decoded = decodeHTMLStrict(`&${name};`);
      if (decoded !== `&${name};`) {
        counts.html++;
        return [...decoded].map((ch) => `&#${ch.codePointAt(0)};`).join('');
      }
    }
    counts.bare++;
    return `&amp;${whole.slice(1)}`;
  });
}

function fixReferencesOutsideCdata(text: string, repairs: string[]): string {
  const counts = { html: 0, bare: 0 };
  const parts = text.split(CDATA_SPLIT);
  for (let i = 0; i < parts.length; i += 2) parts[i] = fixReferences(parts[i]!, counts);
  if (counts.html) repairs.push(`replaced ${counts.html} HTML named entit${counts.html === 1 ? 'y' : 'ies'}`);
  if (counts.bare) repairs.push(`escaped ${counts.bare} bare ampersand(s) or unknown entities`);
  return counts.html || counts.bare ? parts.join('') : text;
}

function closeOpenCdata(text: string, repairs: string[]): string {
  if (text.lastIndexOf('<![CDATA[') > text.lastIndexOf(']]>')) {
    repairs.push('closed a CDATA section left open at the end');
    return text + ']]>';
  }
  return text;
}

const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<![A-Za-z][^>]*>|<\/([^\s>]+)\s*>|<([A-Za-z_][^\s/>]*)(?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>/g;

/** Feed items of RSS/RDF (`item`) and Atom (`entry`), with or without a namespace prefix. */
const ITEM_ELEMENT = /^(?:[\w.-]+:)?(item|entry)$/;

/**
 * Closes elements a truncated document left open (and drops a half-written tag at the very end). An item the cut
 * went through is dropped whole: half of it (a title without its link or guid) would be stored as a story of its
 * own and come back as a duplicate once the feed is whole again.
 */
function closeTruncatedDocument(text: string, repairs: string[]): string {
  let body = text.replace(/<[^>]*$/, '');
  const stack: Array<{ name: string; at: number }> = [];
  for (const match of body.matchAll(TOKEN)) {
    const [, closing, opening, selfClosing] = match;
    if (opening && !selfClosing) stack.push({ name: opening, at: match.index });
    else if (closing) {
      const at = stack.findLastIndex((open) => open.name === closing);
      if (at >= 0) stack.length = at;
    }
  }
  if (!stack.length && body === text) return text;
  const cutItem = stack.findIndex((open) => ITEM_ELEMENT.test(open.name));
  if (cutItem >= 0) {
    body = body.slice(0, stack[cutItem]!.at);
    stack.length = cutItem;
    repairs.push('dropped the item a truncated document cut through');
  }
  body = body.trimEnd();
  for (let i = stack.length - 1; i >= 0; i--) body += `</${stack[i]!.name}>`;
  repairs.push(`closed ${stack.length} element(s) left open by a truncated document`);
  return body;
}

/**
 * Recovers the damage forgiving feed readers recover. Only called after a strict parse failed, so a
 * well-formed document never goes through it.
 */
export function repairXml(text: string): RepairResult {
  const repairs: string[] = [];
  let out = stripJunkBeforeRoot(text, repairs);
  out = removeIllegalChars(out, repairs);
  const beforeClosing = out;
  out = closeOpenCdata(out, repairs);
  const closedCdata = out !== beforeClosing;
  out = fixReferencesOutsideCdata(out, repairs);
  const beforeTruncation = out;
  out = closeTruncatedDocument(out, repairs);
  return { text: out, repairs, truncated: closedCdata || out !== beforeTruncation };
}
