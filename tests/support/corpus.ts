/**
 * The real feed corpus, in two sizes:
 * - the in-repo slice (tests/parse/testdata/feeds: a few dozen small, permissively licensed files with their
 *   MANIFEST.tsv and CLIENT-BASELINE.tsv rows), so a fresh clone runs the corpus tests without ../shared;
 * - the full shared corpus (`../shared/corpus/feeds`, or under RUNDSCHAU_SHARED_DIR), when present.
 * Both have the same layout and the same relative paths, so tables keyed by path apply to either.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The shared read-only material beside the repo (a git worktree does not sit beside it: set RUNDSCHAU_SHARED_DIR). */
export const sharedDir = process.env.RUNDSCHAU_SHARED_DIR
  ? resolve(process.env.RUNDSCHAU_SHARED_DIR)
  : resolve(repoRoot, '..', 'shared');

/** Absolute path of the full shared feed corpus. */
export const corpusDir = join(sharedDir, 'corpus', 'feeds');

/** True when the full corpus is present; tests that need it skip with a message otherwise. */
export const hasCorpus = existsSync(join(corpusDir, 'MANIFEST.tsv'));

export function corpusPath(relative: string): string {
  return join(corpusDir, relative);
}

/** The in-repo slice of the corpus (see its README.md for origins and licenses). */
export const sliceDir = join(repoRoot, 'tests', 'parse', 'testdata', 'feeds');

export function slicePath(relative: string): string {
  return join(sliceDir, relative);
}

export interface ManifestRow {
  /** Relative to the corpus folder. */
  path: string;
  originRepo: string;
  format: string;
  language: string;
  encoding: string;
  notes: string;
  license: string;
  /** Entries in the document (`items=N` in the notes), when given. */
  items?: number;
}

/** Reads a corpus folder's MANIFEST.tsv (`path origin_repo origin_path commit format language encoding notes license`). */
export function readManifest(dir: string): ManifestRow[] {
  const [, ...lines] = readFileSync(join(dir, 'MANIFEST.tsv'), 'utf8').split('\n');
  return lines
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [path = '', originRepo = '', , , format = '', language = '', encoding = '', notes = '', license = ''] =
        line.split('\t');
      const items = /\bitems=(\d+)/.exec(notes)?.[1];
      return { path, originRepo, format, language, encoding, notes, license, items: items ? Number(items) : undefined };
    });
}

export interface Corpus {
  /** For test names: "in-repo slice" or "shared corpus". */
  name: string;
  dir: string;
  present: boolean;
  /** Why the corpus cannot be read ('' when present). */
  absent: string;
}

/** The corpora a corpus test runs on: the in-repo slice always, the full shared corpus when present. */
export const corpora: readonly Corpus[] = [
  { name: 'in-repo slice', dir: sliceDir, present: true, absent: '' },
  {
    name: 'shared corpus',
    dir: corpusDir,
    present: hasCorpus,
    absent: hasCorpus ? '' : `full feed corpus absent at ${corpusDir} (set RUNDSCHAU_SHARED_DIR)`,
  },
];
