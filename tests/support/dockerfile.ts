/**
 * Reads the repository's Dockerfile into stages and instructions (continuation lines joined, comments dropped), so
 * tests can check what the image copies and how it runs without a Docker daemon.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli.ts';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name?: string;
  from: string;
  instructions: Instruction[];
}

export function readDockerfile(path = join(repoRoot, 'Dockerfile')): Stage[] {
  const lines = readFileSync(path, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const [, from = '', name] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args) ?? [];
      stages.push({ from, name, instructions: [] });
    } else if (upper !== 'ARG' || stages.length > 0) {
      stages.at(-1)?.instructions.push({ keyword: upper, args: args.replace(/\s+/g, ' ') });
    }
  }
  return stages;
}

/** The sources of a stage's COPY instructions (JSON form not used here): `COPY [--from=x] a b dest`. */
export function copySources(stage: Stage, from?: string): string[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY')
    .map((i) => i.args.split(' '))
    .filter((words) => (from ? words.includes(`--from=${from}`) : !words.some((w) => w.startsWith('--from='))))
    .flatMap((words) => words.filter((w) => !w.startsWith('--')).slice(0, -1));
}
