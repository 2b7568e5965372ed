/**
 * Where a process's RSS is (Linux, /proc/self/smaps): for bench:ingest's memory figures. Threads share one address
 * space, so RSS cannot be split by thread; what can be split is by kind of mapping:
 * - code: file-backed mappings (node, better-sqlite3's .node, libc…), mostly shared with other node processes;
 * - brk: glibc's main arena (`[heap]`): malloc'd memory of the main thread (SQLite's page cache, Buffers, …);
 * - anon: every other anonymous mapping: V8 heaps of all threads, glibc's per-thread arenas (64 MB reservations of
 *   which only touched pages count), large malloc'd blocks (mmap'd), thread stacks.
 * Beside that, the main thread's V8 view: heap (physical) and what lives outside it (external, of which
 * arrayBuffers: Buffers and other backing stores).
 */
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

export interface MemoryBreakdown {
  rss: number;
  code: number;
  brk: number;
  anon: number;
  mainHeap: number;
  external: number;
  arrayBuffers: number;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

export function memoryBreakdown(): MemoryBreakdown | undefined {
  let smaps: string;
  try {
    smaps = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return undefined;
  }
  const kb = { code: 0, brk: 0, anon: 0 };
  let kind: keyof typeof kb = 'anon';
  for (const line of smaps.split('\n')) {
    // A mapping's header: "start-end perms offset dev inode [path]".
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (header) {
      const path = header[1]!;
      kind = path === '[heap]' ? 'brk' : path === '' || path.startsWith('[') ? 'anon' : 'code';
      continue;
    }
    if (line.startsWith('Rss:')) kb[kind] += Number(line.slice(4).trim().split(' ')[0]);
  }
  const usage = process.memoryUsage();
  return {
    rss: mb(usage.rss),
    code: mb(kb.code * 1024),
    brk: mb(kb.brk * 1024),
    anon: mb(kb.anon * 1024),
    mainHeap: mb(getHeapStatistics().total_physical_size),
    external: mb(usage.external),
    arrayBuffers: mb(usage.arrayBuffers),
  };
}
