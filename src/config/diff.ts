type Op = { kind: ' ' | '-' | '+'; text: string };

/**
 * Unified diff of two texts, line by line (LCS). Config files are small, and the common head and tail are
 * trimmed before the quadratic part, so suggested edits to a long file stay cheap.
 */
export function unifiedDiff(before: string, after: string, fromName: string, toName: string, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  const hunks = buildHunks(ops, context);
  return [`--- ${fromName}`, `+++ ${toName}`, ...hunks].join('\n') + '\n';
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function diffLines(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;

  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const n = midA.length;
  const m = midB.length;
  // lcs[i][j] = length of the LCS of midA[i..] and midB[j..], flattened.
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] =
        midA[i] === midB[j]
          ? lcs[(i + 1) * (m + 1) + j + 1]! + 1
          : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
    }
  }

  const ops: Op[] = a.slice(0, head).map((text) => ({ kind: ' ', text }));
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && midA[i] === midB[j]) {
      ops.push({ kind: ' ', text: midA[i]! });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i * (m + 1) + j + 1]! >= lcs[(i + 1) * (m + 1) + j]!)) {
      ops.push({ kind: '+', text: midB[j]! });
      j++;
    } else {
      ops.push({ kind: '-', text: midA[i]! });
      i++;
    }
  }
  for (const text of a.slice(a.length - tail)) ops.push({ kind: ' ', text });
  // Deletions read better before insertions within one changed block.
  reorderBlocks(ops);
  return ops;
}

/** Within each run of changed lines, put all `-` lines before the `+` lines, as diff(1) does. */
function reorderBlocks(ops: Op[]): void {
  let start = 0;
  while (start < ops.length) {
    if (ops[start]!.kind === ' ') {
      start++;
      continue;
    }
    let end = start;
    while (end < ops.length && ops[end]!.kind !== ' ') end++;
    const block = ops.slice(start, end);
    const sorted = [...block.filter((o) => o.kind === '-'), ...block.filter((o) => o.kind === '+')];
    ops.splice(start, end - start, ...sorted);
    start = end;
  }
}

function buildHunks(ops: Op[], context: number): string[] {
  const changed = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));
  const out: string[] = [];
  let k = 0;
  while (k < changed.length) {
    const first = changed[k]!;
    let last = first;
    while (k + 1 < changed.length && changed[k + 1]! - last <= 2 * context + 1) last = changed[++k]!;
    k++;
    const start = Math.max(0, first - context);
    const end = Math.min(ops.length, last + context + 1);

    let aBefore = 0;
    let bBefore = 0;
    for (const op of ops.slice(0, start)) {
      if (op.kind !== '+') aBefore++;
      if (op.kind !== '-') bBefore++;
    }
    const body = ops.slice(start, end);
    const aLength = body.filter((op) => op.kind !== '+').length;
    const bLength = body.filter((op) => op.kind !== '-').length;
    const aStart = aLength === 0 ? aBefore : aBefore + 1;
    const bStart = bLength === 0 ? bBefore : bBefore + 1;
    out.push(`@@ -${aStart},${aLength} +${bStart},${bLength} @@`);
    for (const op of body) out.push(`${op.kind}${op.text}`);
  }
  return out;
}
