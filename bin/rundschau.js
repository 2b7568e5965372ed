#!/usr/bin/env node
// Runs the esbuild bundle in dist/ (built by `npm install`/`npm ci` through "prepare", or `npm run build`) when it is
// at least as new as every file under src/; otherwise the TypeScript sources through tsx's loader. So production
// and `npx rundschau` run plain JavaScript (no loader: ~30 MB less per thread, faster start), while an edit in src/
// is picked up at once without a build step and a stale bundle never runs by mistake. The check stats the ~150 .ts files
// (a few ms). Tarballs made by `npm pack` give every file the same mtime, which counts as fresh.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'cli', 'main.js');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    // Only code goes into the bundle; web assets are read from src/ at run time and need no rebuild.
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  if (!existsSync(bundle)) return false;
  const src = join(root, 'src');
  return !existsSync(src) || statSync(bundle).mtimeMs >= newestMtime(src);
}

if (process.env.RUNDSCHAU_FROM_SOURCE !== '1' && bundleIsFresh()) {
  // The bundle carries source maps: stack traces point into src/*.ts.
  process.setSourceMapsEnabled(true);
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
