/**
 * The deployment files say what docs/DEPLOY.md promises: a multi-stage, non-root image with its data in a volume
 * and a health check on /healthz; a compose file with PostgreSQL, two workers and two web replicas behind the proxy.
 * Their syntax is linted by `npm run lint` (scripts/lint-deploy.mjs); this checks their meaning.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../support/cli.ts';
import { readDockerfile } from '../support/dockerfile.ts';

describe('Dockerfile', () => {
  const stages = readDockerfile();
  const runtime = stages.at(-1)!;
  const last = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;

  it('builds in one stage and runs from another, without the compilers', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    expect(stages[0]!.instructions.some((i) => i.keyword === 'RUN' && /g\+\+/.test(i.args))).toBe(true);
    expect(runtime.instructions.some((i) => i.keyword === 'RUN' && /apt-get|g\+\+/.test(i.args))).toBe(false);
  });

  it('runs as an unprivileged user, data in the /data volume (where DATABASE_URL and the config point)', () => {
    expect(last('USER')).toBe('node');
    expect(last('VOLUME')).toBe('["/data"]');
    const env = runtime.instructions
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toContain('DATABASE_URL=/data/rundschau.db');
    expect(env).toContain('RUNDSCHAU_CONFIG=/data/rundschau.yaml');
  });

  it('checks its health on /healthz of the port it serves', () => {
    expect(last('HEALTHCHECK')).toMatch(/CMD .*http:\/\/127\.0\.0\.1:8080\/healthz/);
    expect(last('CMD')).toBe('["serve", "--host", "0.0.0.0", "--port", "8080"]');
    expect(last('EXPOSE')).toBe('8080');
  });
});

describe('deploy/compose.yaml', () => {
  const compose = parse(readFileSync(join(repoRoot, 'deploy', 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string> }>;
  };
  const services = compose.services;
  const commandOf = (name: string) => services[name]?.command?.join(' ');

  it('has PostgreSQL, two workers, two web replicas that do not fetch, and a proxy', () => {
    expect(Object.keys(services).sort()).toEqual(['postgres', 'proxy', 'web-1', 'web-2', 'worker-1', 'worker-2']);
    expect(services.postgres!.image).toMatch(/^postgres:/);
    for (const worker of ['worker-1', 'worker-2']) expect(commandOf(worker)).toMatch(/^worker\b/);
    for (const web of ['web-1', 'web-2']) expect(commandOf(web)).toMatch(/^serve --no-fetch\b/);
  });

  it('points every rundschau process at the one PostgreSQL database, with a shared session secret', () => {
    for (const name of ['worker-1', 'worker-2', 'web-1', 'web-2']) {
      expect(services[name]!.image).toBe('rundschau:latest');
      expect(services[name]!.environment?.DATABASE_URL).toMatch(/^postgres:\/\/rundschau:.*@postgres:5432\/rundschau$/);
      expect(services[name]!.environment?.RUNDSCHAU_SESSION_SECRET).toBeDefined();
    }
  });

  it('the proxy spreads requests over exactly the web replicas and checks their /healthz', () => {
    const caddyfile = readFileSync(join(repoRoot, 'deploy', 'Caddyfile'), 'utf8');
    const upstreams = /reverse_proxy\s+([^{]+)\{/.exec(caddyfile)?.[1]?.trim().split(/\s+/);
    expect(upstreams).toEqual(['web-1:8080', 'web-2:8080']);
    expect(caddyfile).toMatch(/health_uri \/healthz/);
  });
});

describe('deploy/rundschau.service (systemd, one machine)', () => {
  const unit = readFileSync(join(repoRoot, 'deploy', 'rundschau.service'), 'utf8');
  const values = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);

  it('runs serve as its own user, the database in its state directory, the config from /etc', () => {
    expect(values('ExecStart')).toEqual(['/opt/rundschau/bin/rundschau.js serve']);
    expect(values('User')).toEqual(['rundschau']);
    expect(values('StateDirectory')).toEqual(['rundschau']);
    expect(values('Environment')).toEqual(
      expect.arrayContaining([
        'DATABASE_URL=/var/lib/rundschau/rundschau.db',
        'RUNDSCHAU_CONFIG=/etc/rundschau/rundschau.yaml',
      ]),
    );
    expect(values('ProtectSystem')).toEqual(['strict']);
  });

  it('gives serve longer to stop than serve gives itself (30 s), and restarts it on failure', () => {
    expect(Number(values('TimeoutStopSec')[0])).toBeGreaterThan(30);
    expect(values('Restart')).toEqual(['on-failure']);
  });
});
