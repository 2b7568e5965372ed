#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=32768 node --max-semi-space-size=2 --v8-pool-size=2 --single-threaded-gc
// Runs the esbuild bundle in dist/ (built by `npm install`/`npm ci` through "prepare", or `npm run build`) when it is
// at least as new as every file under src/; otherwise the TypeScript sources through tsx's loader. So production
// and `npx rundschau` run plain JavaScript (no loader: ~30 MB less per thread, faster start), while an edit in src/
// is picked up at once without a build step and a stale bundle never runs by mistake. The check stats the ~150 .ts files
// (a few ms). Tarballs made by `npm pack` give every file the same mtime, which counts as fresh.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// Memory (bench:ingest, 1000 feeds: peak RSS ~450 MB -> ~200 MB together with the pool's and SQLite's limits):
// - the heap grows by 20% past what survived the last full GC instead of V8's up-to-4x, so garbage from a burst of
//   parsing is collected rather than kept as RSS (no hard limit: a large live heap still fits). Read at every GC,
//   so it takes effect when set here and applies to the worker threads too.
// - the young generation (--max-semi-space-size=2 instead of up to 16 MB per semi-space) and the GC helper threads
//   (--v8-pool-size=2) are fixed when the process starts: they stand in the shebang, the one place that names them
//   (npx, `npm start` and ./bin/rundschau.js run this file as a program); `node bin/rundschau.js` without them uses
//   more memory but works the same. bench:ingest, which has its own entry, repeats them in package.json.
// - MALLOC_MMAP_THRESHOLD_=32768 (glibc, read at the first malloc, so it stands in the shebang too): blocks of 32 KB
//   and more (feed bodies, the copies that carry documents and items between threads) get pages of their own that go
//   back to the system when freed. glibc's default starts at 128 KB and rises to the largest block freed, after
//   which 130 KB bodies came from the arenas, whose high-water mark stays resident: bench:ingest (300 feeds) peak
//   ~180 -> ~160 MB, after the cycles ~135 -> ~115 MB. (MALLOC_ARENA_MAX=2 was tried: the worker's blocks then
//   share the main arena, which grew to 47 MB.) Other allocators ignore it.
// CPU: --single-threaded-gc (also at start). With heaps this small, V8's parallel and concurrent collectors spent more
// CPU coordinating helper threads than collecting: a third of an ingest cycle's CPU on a 2-core machine. Collecting on
// the thread that allocates took bench:ingest's cold cycle from ~13 s to ~12 s at the same event-loop delay.
setFlagsFromString('--heap-growing-percent=20');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'cli', 'main.js');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    // Only code goes into the bundle; web assets are read from src/ at run time and need no rebuild.
    else if (/\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The bundle holds src/ and the hono/jsx views in views/: newer than every file of both, or not used. */
function bundleIsFresh() {
  if (!existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  return ['src', 'views'].every((dir) => !existsSync(join(root, dir)) || built >= newestMtime(join(root, dir)));
}

if (process.env.RUNDSCHAU_FROM_SOURCE !== '1' && bundleIsFresh()) {
  // The bundle carries source maps (dist/**/*.js.map) but they are not read by default: node keeps every loaded map in
  // memory (bench:ingest idle 75 -> 73 MB RSS, ~2 MB heap in each thread) for stack traces that point into src/*.ts.
  // Names survive without them (the bundle keeps them); NODE_OPTIONS=--enable-source-maps turns them on, in the
  // worker threads too.
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
