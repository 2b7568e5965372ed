import type { Command } from 'commander';
import { Command as Program } from 'commander';
import { describeError } from '../lib/errors.ts';
import { VERSION } from '../lib/version.ts';
import { CliError } from './output.ts';

/**
 * Each command's module, loaded when that command runs (in this order in the help): `rundschau items` loads neither
 * the web reader nor the fetcher. With esbuild's splitting each is a chunk of its own.
 */
const COMMANDS: [string, () => Promise<Command>][] = [
  ['serve', async () => (await import('./commands/serve.ts')).serveCommand()],
  ['worker', async () => (await import('./commands/worker.ts')).workerCommand()],
  ['fetch', async () => (await import('./commands/fetch.ts')).fetchCommand()],
  ['sources', async () => (await import('./commands/sources.ts')).sourcesCommand()],
  ['items', async () => (await import('./commands/items.ts')).itemsCommand()],
  ['add', async () => (await import('./commands/add.ts')).addCommand()],
  ['import', async () => (await import('./commands/import.ts')).importCommand()],
  ['export', async () => (await import('./commands/export.ts')).exportCommand()],
  ['check-config', async () => (await import('./commands/check-config.ts')).checkConfigCommand()],
  ['curate', async () => (await import('./commands/curate.ts')).curateCommand()],
  ['hash-password', async () => (await import('./commands/hash-password.ts')).hashPasswordCommand()],
  ['app-password', async () => (await import('./commands/app-password.ts')).appPasswordCommand()],
  ['schema', async () => (await import('./commands/schema.ts')).schemaCommand()],
  ['backup', async () => (await import('./commands/backup.ts')).backupCommand()],
  ['restore', async () => (await import('./commands/backup.ts')).restoreCommand()],
  ['doctor', async () => (await import('./commands/doctor.ts')).doctorCommand()],
];

/** The program with every command, or only `only` when it names one (what a run of that command needs). */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Program('rundschau')
    .description('Self-hosted feed aggregator, reader and curated-feed publisher')
    .version(VERSION)
    .showHelpAfterError()
    .addHelpText(
      'after',
      `
Environment:
  DATABASE_URL        SQLite path or file: URL (default ./data/rundschau.db), or postgres://…
  RUNDSCHAU_CONFIG    config file (default ./rundschau.yaml); --config wins
  LOG_LEVEL           trace | debug | info | warn | error (default info)`,
    );
  const chosen = COMMANDS.filter(([name]) => name === only);
  const commands = await Promise.all((chosen.length > 0 ? chosen : COMMANDS).map(([, load]) => load()));
  for (const command of commands) program.addCommand(command);
  return program;
}

const isMain = process.argv[1] && /(rundschau(\.js)?|main\.ts)$/.test(process.argv[1]);
if (isMain) {
  buildProgram(process.argv[2])
    .then((program) => program.parseAsync(process.argv))
    .catch((error: unknown) => {
      if (error instanceof CliError) {
        process.stderr.write(`${error.message}\n`);
        process.exit(error.exitCode);
      }
      // One line with the causes (the real reason is often one level down); the stack only when asked for.
      process.stderr.write(`rundschau: ${describeError(error)}\n`);
      if (/^(debug|trace)$/i.test(process.env.LOG_LEVEL ?? '') && error instanceof Error && error.stack) {
        process.stderr.write(`${error.stack}\n`);
      }
      process.exit(1);
    });
}
