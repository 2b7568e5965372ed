// The import direction of rundschau (docs/ARCHITECTURE.md, "Import rule"), checked by `npm run lint`.
// Each folder may import only the folders before it in LAYERS; app/ drives the stages, cli/ and web/ sit on top.
// schedule/ comes after store/ here although it runs before fetch: its policy judges what fetch and parse returned
// and writes a source update, so it reads their types and nothing but app/ reads it.
const { readdirSync } = require('node:fs');

const LAYERS = [
  'lib',
  'types',
  'config',
  'fetch',
  'decode',
  'parse',
  'normalize',
  'extract',
  'store',
  'schedule',
  'curate',
  'publish',
  'views',
  'web',
  'app',
  'cli',
];
const STAGES = ['config', 'schedule', 'fetch', 'decode', 'parse', 'normalize', 'extract', 'store', 'curate', 'publish'];

// A new top-level folder must be given its place, or nothing would check it.
const unplaced = readdirSync(`${__dirname}/src`, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !LAYERS.includes(e.name))
  .map((e) => e.name);
if (unplaced.length > 0) throw new Error(`.dependency-cruiser.cjs: place src/${unplaced.join(', src/')} in LAYERS`);

const folder = (name) => (name === 'views' ? '^views/' : `^src/${name}/`);
const anyOf = (names) => `(${names.map(folder).join('|')})`;

module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment: 'Two top-level folders import each other (directly or around a loop): one of them is in the wrong place.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^(src/[^/]+|views)$' },
      to: { circular: true, path: '^(src/[^/]+|views)$' },
    },
    {
      name: 'no-module-cycle',
      comment: 'Two modules import each other (directly or around a loop, types included): move what both need into a third.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'stage-imports-driver',
      comment: 'A stage imported app/, cli/, web/ or views/: stages are driven from app/ and know nothing above them.',
      severity: 'error',
      from: { path: anyOf(STAGES) },
      to: { path: anyOf(['app', 'cli', 'web', 'views']) },
    },
    {
      name: 'lib-imports-stage',
      comment: 'lib/ is used by every stage and imports none of them.',
      severity: 'error',
      from: { path: folder('lib') },
      to: { path: anyOf(LAYERS.filter((l) => l !== 'lib' && l !== 'types')) },
    },
    ...LAYERS.slice(0, -1).map((layer, i) => ({
      name: `layer-order-${layer}`,
      comment: `${layer}/ may import only ${LAYERS.slice(0, i).join(', ') || 'node and packages'}: the layer order is ${LAYERS.join(' < ')}.`,
      severity: 'error',
      from: { path: folder(layer) },
      to: { path: anyOf(LAYERS.slice(i + 1)) },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(src|views)/',
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.mjs', '.js'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
