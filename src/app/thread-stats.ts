import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

/** What one thread costs: its V8 heap (physical pages, now and the most seen after a job) and its CPU time. */
export interface ThreadStats {
  heapMB: number;
  peakHeapMB: number;
  /** CPU seconds this thread has used (Linux: /proc/thread-self/stat); null where that cannot be read. */
  cpuSeconds: number | null;
}

let peakHeap = 0;

/** Called after each job a thread runs (cheap: no heap walk), so peakHeapMB says what the busiest moment held. */
export function notePeakHeap(): void {
  peakHeap = Math.max(peakHeap, getHeapStatistics().total_physical_size);
}

export function threadStats(): ThreadStats {
  notePeakHeap();
  return {
    heapMB: round(getHeapStatistics().total_physical_size / 1048576),
    peakHeapMB: round(peakHeap / 1048576),
    cpuSeconds: threadCpuSeconds(),
  };
}

function threadCpuSeconds(): number | null {
  try {
    // Fields after the command name (which may hold spaces, hence from the last ')'): utime and stime are the 12th
    // and 13th, in clock ticks (100 per second on Linux).
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return round((Number(fields[11]) + Number(fields[12])) / 100);
  } catch {
    return null;
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
