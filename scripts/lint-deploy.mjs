#!/usr/bin/env node
// Lints the deployment files (part of `npm run lint`): the Dockerfile (dockerfile-utils: any warning fails), the
// compose file (dclint, .dclintrc), the Caddyfile (`caddy validate`, when caddy is installed: CI installs it) and the
// container entrypoint (`sh -n`). Tools come from npm and Debian only.
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
let failed = false;

function run(what, command, args, { failOnOutput = false } = {}) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  const bad = result.error || result.status !== 0 || (failOnOutput && output !== '');
  if (bad) {
    failed = true;
    console.error(`✖ ${what}\n${result.error ? result.error.message : output}`);
  } else {
    console.log(`✔ ${what}`);
  }
}

run('Dockerfile (dockerfile-utils)', bin('dockerfile-utils'), ['lint', 'Dockerfile'], { failOnOutput: true });
run('deploy/compose.yaml (dclint)', bin('dclint'), ['--max-warnings', '0', 'deploy/compose.yaml']);
run('deploy/docker-entrypoint.sh (sh -n)', 'sh', ['-n', 'deploy/docker-entrypoint.sh']);

let caddy = false;
try {
  execFileSync('caddy', ['version'], { stdio: 'ignore' });
  caddy = true;
} catch {
  const message = 'deploy/Caddyfile not validated: caddy is not installed (apt-get install caddy)';
  if (process.env.RUNDSCHAU_REQUIRE_ALL_SUITES === '1') {
    failed = true;
    console.error(`✖ ${message}`);
  } else {
    console.warn(`- ${message}`);
  }
}
if (caddy) run('deploy/Caddyfile (caddy validate)', 'caddy', ['validate', '--config', 'deploy/Caddyfile', '--adapter', 'caddyfile']);

process.exit(failed ? 1 : 0);
