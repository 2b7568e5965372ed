#!/usr/bin/env node
// Bundles the CLI and the parse/score worker into dist/ so that production runs plain JavaScript: no tsx loader
// (about 30 MB per thread) and no TypeScript transform at start-up. `npm install`/`npm ci` run it via "prepare".
//
// Layout: every output file sits two levels below the project root (dist/cli/main.js, dist/app/worker.js,
// dist/chunks/*.js), the same depth as the sources in src/*/: code that still resolves '../../package.json'
// against import.meta.url keeps working. Files the program reads at run time (migrations, web assets) are found
// through src/lib/paths.ts and are not copied.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
const started = performance.now();
// `--bench` adds the benchmarks, so that they measure the bundled production code rather than tsx's.
const withBench = process.argv.includes('--bench');

/**
 * Packages bundled rather than loaded from node_modules at run time: each is many small modules (yaml ~40, drizzle-orm
 * ~60, zod, hono) that Node's ESM loader would resolve (package.json lookups), read and compile one by one at every
 * start — a third of `serve`'s start-up CPU on a 1M-item database (issue 14). Pure JavaScript, no files of their own.
 */
const BUNDLED = ['yaml', 'zod', 'drizzle-orm', 'hono', '@hono/node-server', 'commander'];
const externalExceptBundled = {
  name: 'external-except-bundled',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return BUNDLED.includes(name) ? undefined : { path: args.path, external: true };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    'cli/main': 'src/cli/main.ts',
    'app/worker': 'src/app/worker.ts',
    ...(withBench ? { 'bench/ingest': 'bench/ingest.ts' } : {}),
  },
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // node_modules stay where npm put them (native better-sqlite3, pino's transport workers and packages that read
  // their own files do not survive bundling), except the pure-JavaScript packages of every start (BUNDLED).
  plugins: [externalExceptBundled],
  // CommonJS code in the bundle (yaml, commander) calls require() for Node's modules: an ES module has none.
  banner: { js: "import { createRequire as __rundschauRequire } from 'node:module'; const require = __rundschauRequire(import.meta.url);" },
  // Keeps the lazy `await import()`s lazy (the parser, sanitiser and language profiles are loaded in the main
  // thread only when it parses itself); without splitting esbuild would hoist their imports to start-up.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: true,
  // Stack traces and logs name functions and classes as in the sources.
  keepNames: true,
  logLevel: 'warning',
});
console.log(`rundschau: built dist/ in ${Math.round(performance.now() - started)} ms`);
