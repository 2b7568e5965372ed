import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const bundledConfigPath = fileURLToPath(new URL('../../rundschau.yaml', import.meta.url));
export const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** A temp directory holding a copy of the bundled rundschau.yaml; remove it with `cleanup()`. */
export async function tempConfigDir(): Promise<{ dir: string; configPath: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'rundschau-config-'));
  const configPath = join(dir, 'rundschau.yaml');
  await copyFile(bundledConfigPath, configPath);
  return { dir, configPath, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** 1-based line number of the first line containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`not in text: ${needle}`);
  return text.slice(0, index).split('\n').length;
}
