import { Command } from 'commander';
import { describeError } from '../lib/errors.ts';
import { VERSION } from '../lib/version.ts';
import { addCommand } from './commands/add.ts';
import { appPasswordCommand } from './commands/app-password.ts';
import { backupCommand, restoreCommand } from './commands/backup.ts';
import { checkConfigCommand } from './commands/check-config.ts';
import { curateCommand } from './commands/curate.ts';
import { doctorCommand } from './commands/doctor.ts';
import { exportCommand } from './commands/export.ts';
import { fetchCommand } from './commands/fetch.ts';
import { hashPasswordCommand } from './commands/hash-password.ts';
import { importCommand } from './commands/import.ts';
import { itemsCommand } from './commands/items.ts';
import { schemaCommand } from './commands/schema.ts';
import { serveCommand } from './commands/serve.ts';
import { sourcesCommand } from './commands/sources.ts';
import { workerCommand } from './commands/worker.ts';
import { CliError } from './output.ts';

export function buildProgram(): Command {
  const program = new Command('rundschau')
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
  for (const command of [
    serveCommand(),
    workerCommand(),
    fetchCommand(),
    sourcesCommand(),
    itemsCommand(),
    addCommand(),
    importCommand(),
    exportCommand(),
    checkConfigCommand(),
    curateCommand(),
    hashPasswordCommand(),
    appPasswordCommand(),
    schemaCommand(),
    backupCommand(),
    restoreCommand(),
    doctorCommand(),
  ]) {
    program.addCommand(command);
  }
  return program;
}

const isMain = process.argv[1] && /(rundschau(\.js)?|main\.ts)$/.test(process.argv[1]);
if (isMain) {
  buildProgram()
    .parseAsync(process.argv)
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
