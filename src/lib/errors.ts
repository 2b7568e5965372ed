/** Longest stretch of an error message kept on the one line a user sees (drizzle's include the whole SQL). */
const MESSAGE_CHARS = 160;

/**
 * One readable line for an error and the chain of causes under it. Wrappers often hide the reason: drizzle's
 * "Failed query: insert into …" carries the PostgreSQL error ("duplicate key value …") only as `cause`.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  for (let current: unknown = error; current !== undefined && current !== null && !seen.has(current); ) {
    seen.add(current);
    parts.push(oneLine(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(' — caused by: ');
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // SQLSTATE (pg) or errno-style codes name the failure exactly: keep them.
  const code = (error as { code?: unknown } | undefined)?.code;
  const firstLine = message.split('\n', 1)[0]!.trim();
  const short = firstLine.length > MESSAGE_CHARS ? `${firstLine.slice(0, MESSAGE_CHARS)}…` : firstLine;
  return typeof code === 'string' && !short.includes(code) ? `${short} [${code}]` : short;
}
