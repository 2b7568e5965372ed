import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  configJsonSchema,
  configJsonSchemaText,
  JSON_SCHEMA_FILE,
  SCHEMA_COMMENT,
} from '../../src/config/json-schema.ts';
import { parseConfigText } from '../../src/config/load.ts';
import { createWorkspace, repoRoot, runCli, type Workspace } from '../support/cli.ts';
import { entries, rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults } from '../support/runtime.ts';

const bundledConfig = readFileSync(join(repoRoot, 'rundschau.yaml'), 'utf8');
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(configJsonSchema());

/** What the schema says about a YAML text: valid, or the ajv errors. */
function schemaVerdict(yamlText: string): { valid: boolean; errors: string[] } {
  const valid = validate(parse(yamlText) ?? {});
  return { valid, errors: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`) };
}

describe('JSON Schema of rundschau.yaml', () => {
  it('the bundled rundschau.schema.json is what the zod schema generates (regenerate: npx rundschau schema)', () => {
    expect(readFileSync(join(repoRoot, JSON_SCHEMA_FILE), 'utf8')).toBe(configJsonSchemaText());
  });

  it('`rundschau schema` prints the bundled file', async () => {
    const r = await runCli(['schema']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(repoRoot, JSON_SCHEMA_FILE), 'utf8'));
  });

  it('the shipped rundschau.yaml starts with the yaml-language-server line and the schema accepts it', () => {
    expect(bundledConfig.split('\n')[0]).toBe(SCHEMA_COMMENT);
    expect(schemaVerdict(bundledConfig)).toEqual({ valid: true, errors: [] });
  });

  it('accepts the test workspaces’ configs (fast defaults, sources, topics)', () => {
    const config = {
      defaults: fastDefaults,
      server: { port: 0, reading: 'private', mediaProxy: 'allow-private' },
      sources: [{ url: 'http://127.0.0.1:1/a.xml', interval: '15m', retention: { items: 5 }, tags: ['x'] }],
      topics: [
        { slug: 'ai', title: 'AI', rules: { terms: { any: { llm: 2 } }, context: [{ terms: ['x'], weight: 1 }] } },
      ],
    };
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects a misspelt key, naming it', () => {
    const verdict = schemaVerdict('defaults:\n  concurency: 4\n');
    expect(verdict.valid).toBe(false);
    expect(verdict.errors.join('\n')).toMatch(/must NOT have additional properties/);
    expect(
      validate.errors?.some(
        (e) => e.params && (e.params as { additionalProperty?: string }).additionalProperty === 'concurency',
      ),
    ).toBe(true);
  });

  // The schema and the loader must agree on what is valid, or an editor would flag a good file (or pass a bad one).
  const cases: [string, string][] = [
    ['empty file', ''],
    ['empty blocks', 'defaults:\nserver:\nsources:\n'],
    ['duration as text', 'defaults:\n  minInterval: 15m\n  deadAfter: 2d\n'],
    ['duration as seconds', 'defaults:\n  timeout: 30\n'],
    ['bad duration', 'defaults:\n  timeout: soon\n'],
    ['negative concurrency', 'defaults:\n  concurrency: -1\n'],
    ['unknown top-level key', 'feeds: []\n'],
    ['unknown source key', 'sources:\n  - url: https://example.org/feed.xml\n    titel: x\n'],
    ['source without url', 'sources:\n  - title: x\n'],
    ['bad identity', 'sources:\n  - url: https://example.org/feed.xml\n    identity: hash\n'],
    ['bad topic slug', 'topics:\n  - slug: Not OK\n    title: x\n'],
    ['port out of range', 'server:\n  port: 70000\n'],
    ['reading mode', 'server:\n  reading: private\n'],
    ['short metrics token', 'server:\n  metricsToken: short\n'],
  ];
  it.each(cases)('agrees with the loader: %s', (_name, text) => {
    const loaded = parseConfigText(text, 'rundschau.yaml', {});
    expect(schemaVerdict(text).valid).toBe(loaded.ok);
  });
});

describe('the yaml-language-server line survives edits', () => {
  let server: FixtureServer;
  let ws: Workspace;
  beforeAll(async () => {
    server = await startFixtureServer();
    server.route('/new.xml', serveBody(rss('New feed', entries('n', 2))));
    ws = createWorkspace(bundledConfig);
  });
  afterAll(async () => {
    ws?.cleanup();
    await server?.close();
  });

  it('`rundschau add` keeps the first line, and check-config still loads the file', async () => {
    const r = await runCli(['add', server.url('/new.xml'), '--config', ws.configPath, '--json'], { env: ws.env });
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(ws.configPath, 'utf8');
    expect(text.split('\n')[0]).toBe(SCHEMA_COMMENT);
    expect(text).toContain(server.url('/new.xml'));
    expect(schemaVerdict(text).valid).toBe(true);
    const check = await runCli(['check-config', '--config', ws.configPath], { env: ws.env });
    expect(check.code, check.stderr).toBe(0);
  });

  it('a file whose first line is only the schema comment loads', () => {
    writeFileSync(ws.configPath, `${SCHEMA_COMMENT}\nsources: []\n`);
    expect(parseConfigText(readFileSync(ws.configPath, 'utf8'), ws.configPath, {}).ok).toBe(true);
  });
});
