import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;

/**
 * A full garbage collection once the current task is done, after a cycle that fetched anything. V8 grows the main
 * thread's heap through a cold cycle (~30 MB live, ~50 MB at the end on bench:ingest) and gives the rest back only
 * at a later full collection, which an idle process between cycles does not reach for minutes: one collection
 * (a few tens of ms, off the cycle's hot path) makes the process between cycles ~15-20 MB smaller. Node has no API
 * for it; `gc` is exposed to a fresh context only (the program's globals stay as they are).
 */
export function collectGarbageSoon(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  if (collect) setTimeout(collect, 0).unref();
}
