/**
 * Text rewrites applied before rss-parser sees a document, each working around a known rss-parser loss.
 * All are linear regex passes and only run when the trigger string is present.
 */

const XHTML_CONSTRUCT =
  /<(content|summary|title|subtitle|rights)(\s[^>]*?)\btype\s*=\s*(["'])xhtml\3([^>]*)>([\s\S]*?)<\/\1\s*>/g;

/**
 * xml2js groups children by name and so scrambles mixed content: Atom `type="xhtml"` bodies would lose their
 * word order. Turning them into `type="html"` CDATA keeps the markup as one string.
 */
export function xhtmlToCdata(text: string): string {
  if (!text.includes('xhtml')) return text;
  return text.replace(
    XHTML_CONSTRUCT,
    (_whole, tag: string, before: string, _q: string, after: string, inner: string) => {
      const html = inner.replace(/<(\/?)xhtml:/g, '<$1').replaceAll(']]>', ']]]]><![CDATA[>');
      return `<${tag}${before}type="html"${after}><![CDATA[${html}]]></${tag}>`;
    },
  );
}

const ATOM_DATE = /<(published|updated)(\s[^>]*)?>([^<]*)<\/\1\s*>/g;

/**
 * rss-parser calls `new Date(x).toISOString()` on Atom entry dates, so one unparsable date throws a RangeError
 * and loses the whole feed. Such elements are renamed; the raw text still reaches normalize (which knows more
 * date formats) through a custom field.
 */
export function renameUnparsableAtomDates(text: string, warnings: string[]): string {
  if (!text.includes('<published') && !text.includes('<updated')) return text;
  let renamed = 0;
  const out = text.replace(ATOM_DATE, (whole, tag: string, attrs: string | undefined, value: string) => {
    const trimmed = value.trim();
    if (!trimmed || !Number.isNaN(new Date(trimmed).getTime())) return whole;
    renamed++;
    return `<rundschau-raw-${tag}${attrs ?? ''}>${value}</rundschau-raw-${tag}>`;
  });
  if (renamed) warnings.push(`${renamed} Atom date(s) JavaScript cannot parse were kept as raw text`);
  return out;
}

/** Name of the document's root element, skipping the prolog, comments, PIs and the doctype. */
export function rootElementName(text: string): string | undefined {
  const re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE(?:[^[>]|\[[\s\S]*?\])*>|<([A-Za-z_][\w:.-]*)/gi;
  re.lastIndex = 0;
  for (let match = re.exec(text); match; match = re.exec(text)) {
    if (match[1]) return match[1];
    if (re.lastIndex > 65536) return undefined;
  }
  return undefined;
}

export function looksLikeHtml(text: string): boolean {
  const root = rootElementName(text)?.toLowerCase();
  if (root === 'html' || root === 'head' || root === 'body') return true;
  return /^\s*<!doctype\s+html/i.test(text.slice(0, 2048));
}
