import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The same code runs from `src/` (tsx, tests) and bundled from `dist/`, where every module shares the bundle's
 * `import.meta.url`: paths relative to a module's own file break there. Files the program ships (migrations,
 * web assets, package.json, the worker script) are found from the project root instead.
 */
function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && isRundschauManifest(manifest)) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json named rundschau above ${start}`);
  }
}

function isRundschauManifest(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: string }).name === 'rundschau';
  } catch {
    return false;
  }
}

export const projectRoot: string = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

/** True when this code runs from the esbuild bundle in `dist/` rather than from the TypeScript sources. */
export const runningFromDist: boolean = !import.meta.url.endsWith('.ts');

/** A path inside the project, e.g. `fromRoot('migrations', 'sqlite')`. */
export function fromRoot(...segments: string[]): string {
  return join(projectRoot, ...segments);
}
