import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import { hashPassword } from '../../web/auth.ts';
import { CliError } from '../output.ts';

export function hashPasswordCommand(): Command {
  return new Command('hash-password')
    .description('Read a password on stdin and print the hash for server.passwordHash (or RUNDSCHAU_PASSWORD_HASH)')
    .action(async () => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
      if (process.stdin.isTTY) process.stderr.write('Password: ');
      const line = await new Promise<string>((resolve) => {
        rl.once('line', resolve);
        rl.once('close', () => resolve(''));
      });
      rl.close();
      const password = line.replace(/\r?\n$/, '');
      if (password.length < 8) throw new CliError('a password needs at least 8 characters');
      process.stdout.write(`${await hashPassword(password)}\n`);
    });
}
