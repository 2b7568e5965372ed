import { raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/**
 * The `html` tagged template of the string-built views (river entries, sidebar, widgets): every interpolated value
 * is escaped unless it is already markup (another `html` result or hono's `raw`), arrays are joined, `null`,
 * `undefined` and booleans print nothing, as with hono/html's `html`. It differs in being synchronous only (a
 * Promise, e.g. an async JSX component, throws instead of turning the result into a Promise) and in being plain
 * string concatenation: hono's builds a buffer array per template and an array per interpolated value, which made
 * the river page cost ~10% more CPU per request than the hand-joined strings before (issue 9). Results are
 * HtmlEscapedString, so JSX places them as they are.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): HtmlEscapedString {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) {
    out = append(out, values[i]) + strings[i + 1]!;
  }
  return raw(out);
}

function append(out: string, value: unknown): string {
  if (typeof value === 'string') return out + escapeHtml(value);
  if (typeof value === 'number') return out + value;
  if (value === null || value === undefined || typeof value === 'boolean') return out;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) out = append(out, value[i]);
    return out;
  }
  if ((value as HtmlEscapedString).isEscaped) {
    const s = (value as HtmlEscapedString).toString() as unknown;
    if (typeof s !== 'string' || (value as HtmlEscapedString).callbacks?.length) {
      throw new TypeError('views/html.ts: asynchronous markup cannot be placed in a synchronous template');
    }
    return out + s;
  }
  if (value instanceof Promise) throw new TypeError('views/html.ts: a Promise cannot be placed in a template');
  return out + escapeHtml(String(value));
}

const SPECIAL = /[&<>"']/;

/** Escapes text for HTML content and quoted attribute values (the five characters hono/html escapes too). */
export function escapeHtml(text: string): string {
  const first = text.search(SPECIAL);
  if (first === -1) return text;
  let out = text.slice(0, first);
  let last = first;
  for (let i = first; i < text.length; i++) {
    let rep: string;
    switch (text.charCodeAt(i)) {
      case 34:
        rep = '&quot;';
        break;
      case 38:
        rep = '&amp;';
        break;
      case 39:
        rep = '&#39;';
        break;
      case 60:
        rep = '&lt;';
        break;
      case 62:
        rep = '&gt;';
        break;
      default:
        continue;
    }
    out += text.slice(last, i) + rep;
    last = i + 1;
  }
  return out + text.slice(last);
}

export { raw };
