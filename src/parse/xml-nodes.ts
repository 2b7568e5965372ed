/** Helpers over xml2js output (explicitArray: every child is an array; text in `_`, attributes in `$`). */
export type XmlNode = string | { _?: unknown; $?: Record<string, string>; [child: string]: unknown };

export function asArray(value: unknown): XmlNode[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as XmlNode[];
}

export function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object' && typeof (node as { _?: unknown })._ === 'string') {
    return (node as { _: string })._;
  }
  return undefined;
}

/** Text of the first node that has some, trimmed; undefined when empty. */
export function firstText(value: unknown): string | undefined {
  for (const node of asArray(value)) {
    const text = textOf(node)?.trim();
    if (text) return text;
  }
  return undefined;
}

export function allTexts(value: unknown): string[] {
  const out: string[] = [];
  for (const node of asArray(value)) {
    const text = textOf(node)?.trim();
    if (text) out.push(text);
  }
  return out;
}

export function attrsOf(node: unknown): Record<string, string> {
  if (node && typeof node === 'object' && !Array.isArray(node)) {
    const attrs = (node as { $?: unknown }).$;
    if (attrs && typeof attrs === 'object') return attrs as Record<string, string>;
  }
  return {};
}

export function childOf(node: unknown, name: string): unknown {
  if (node && typeof node === 'object') return (node as Record<string, unknown>)[name];
  return undefined;
}
