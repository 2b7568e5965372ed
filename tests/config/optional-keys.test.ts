/**
 * Every optional block and key of the config schema, walked from the schema itself (a key added later is walked
 * too): absent, written empty (`key:` / `key: {}`), and removed from the file while the instance runs. Each time
 * the key must come out as its default and a real fetch cycle against a loopback feed must succeed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { z } from 'zod';
import { runCycle } from '../../src/app/cycle.ts';
import { openRuntime, type Runtime } from '../../src/app/runtime.ts';
import { parseConfigText } from '../../src/config/load.ts';
import { effectiveRetention } from '../../src/config/retention.ts';
import { type Config, configSchema } from '../../src/config/schema.ts';
import { watchConfig } from '../../src/config/watch.ts';
import { silentLogger } from '../../src/lib/log.ts';
import { rss } from '../support/feeds.ts';
import { type FixtureServer, startFixtureServer } from '../support/fixture-server.ts';

type Path = (string | number)[];
interface OptionalKey {
  path: Path;
  /** The key's own schema (with its default/prefault/optional wrapper). */
  schema: z.ZodType;
  /** Whether the value is a mapping, so `{}` is a meaningful way to write it empty. */
  isObject: boolean;
}

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (['default', 'prefault', 'optional', 'nullable'].includes(def.type)) current = def.innerType;
    else if (def.type === 'pipe') current = def.in;
    else return current;
  }
}

/** Optional keys of objects (at any depth; lists are entered at their first item). Records hold user keys. */
function optionalKeys(schema: unknown, path: Path = []): OptionalKey[] {
  const inner = unwrap(schema);
  const def = defOf(inner);
  if (def.type === 'array') return optionalKeys(def.element, [...path, 0]);
  if (def.type !== 'object') return [];
  const found: OptionalKey[] = [];
  for (const [key, child] of Object.entries(def.shape as Record<string, z.ZodType>)) {
    const childPath = [...path, key];
    // Optional means the schema itself accepts the key's absence (optional, default or prefault).
    if (child.safeParse(undefined).success) {
      found.push({ path: childPath, schema: child, isObject: defOf(unwrap(child)).type === 'object' });
    }
    found.push(...optionalKeys(child, childPath));
  }
  return found;
}

const label = (path: Path) => path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');

function get(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, p) => (v as Record<string | number, unknown> | undefined)?.[p], value);
}

function has(value: unknown, path: Path): boolean {
  const parent = get(value, path.slice(0, -1));
  return typeof parent === 'object' && parent !== null && Object.hasOwn(parent, path.at(-1)!);
}

function withKey(config: object, path: Path, action: 'delete' | { set: unknown }): object {
  const copy = structuredClone(config) as Record<string, unknown>;
  const parent = get(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path.at(-1)!;
  if (action === 'delete') delete parent[key];
  else parent[key] = action.set;
  return copy;
}

let feeds: FixtureServer;
let dir: string;

/** A file that gives every key of the schema a non-default value, so removing one is visible. */
function fullConfig(): Record<string, unknown> {
  return {
    defaults: {
      minInterval: '2m',
      maxInterval: '2h',
      concurrency: 4,
      perHostConcurrency: 4,
      perHostGapMs: 0,
      connectTimeout: '3s',
      timeout: '7s',
      maxBodyBytes: 1_000_000,
      userAgent: 'rundschau-test',
      deadAfter: '3d',
      retention: { days: 30, items: 400, minItems: 20 },
      fullText: 'never',
    },
    server: {
      host: '127.0.0.2',
      port: 18080,
      baseUrl: 'https://news.example.org',
      reading: 'private',
      passwordHash: 'scrypt$not-a-real-hash',
      sessionSecret: 'a-session-secret-for-tests',
      websubHub: 'https://hub.example.org/',
      mediaProxy: 'off',
      metricsToken: 'a-metrics-token-for-tests',
    },
    sync: { markStoryRead: false, requestsPerMinute: 60 },
    sources: [
      {
        url: feeds.url('/a.xml'),
        title: 'Feed A',
        category: 'Cloud',
        tags: ['t'],
        language: 'en',
        interval: '20m',
        identity: 'guid',
        retention: { days: 10, items: 50, minItems: 5 },
        enabled: true,
        fullText: 'always',
        disabled: false,
      },
      { url: feeds.url('/b.xml'), category: 'Cloud' },
    ],
    topics: [
      {
        slug: 'cloud',
        title: 'Cloud',
        description: 'Cloud news',
        languages: ['en'],
        rules: {
          terms: { any: { cloud: 2 } },
          required: ['cloud'],
          excluded: ['weather'],
          sources: ['127.0.0.1'],
          categories: ['Cloud'],
          threshold: 0.5,
          context: [{ terms: ['amazon'], with: ['aws'], without: ['river'], weight: 1, language: 'en', note: 'n' }],
          strongWeight: 4,
          fieldWeights: { title: 2, summary: 1, content: 0.25 },
        },
        learnedWeight: 0.2,
        perSourceCap: 3,
        public: false,
        labels: 'cloud-labels.jsonl',
      },
    ],
    sites: [{ host: 'example.org', article: 'article .body', remove: ['.ad'] }],
  };
}

const keys = optionalKeys(configSchema);

function parse(config: object | string): Config {
  const text = typeof config === 'string' ? config : stringify(config);
  const result = parseConfigText(text, 'rundschau.yaml', {});
  if (!result.ok) throw new Error(`rejected:\n${JSON.stringify(result.errors, null, 2)}\n${text}`);
  return result.config;
}

/** What the key must come out as when it is not given: its schema's own answer for "nothing". */
const defaultOf = (key: OptionalKey) => key.schema.parse(undefined);

async function cycleSucceeds(runtime: Runtime): Promise<void> {
  const summary = await runCycle(runtime, { force: true });
  expect(summary.failed, JSON.stringify(summary.outcomes)).toBe(0);
  expect(summary.ok + summary.notModified).toBe(runtime.config().sources.filter((s) => s.enabled).length);
  // What `rundschau sources` shows for each source reads the defaults too.
  for (const source of await runtime.store.listSources()) effectiveRetention(source, runtime.config().defaults);
}

async function withRuntime(config: Config, fn: (runtime: Runtime) => Promise<void>): Promise<void> {
  const runtime = await openRuntime({
    configPath: join(dir, 'rundschau.yaml'),
    databaseUrl: join(dir, 'walk.db'),
    log: silentLogger,
    workers: 0,
    config,
  });
  try {
    await fn(runtime);
  } finally {
    await runtime.close();
  }
}

beforeAll(async () => {
  feeds = await startFixtureServer();
  for (const name of ['a', 'b']) {
    feeds.route(`/${name}.xml`, {
      headers: { 'content-type': 'application/rss+xml' },
      // The item links to a loopback page that does not exist: full-text extraction (on for source a) stays local.
      body: rss(`Feed ${name}`, [{ id: `${name}-1`, title: `cloud news ${name}`, link: feeds.url(`/${name}-1.html`) }]),
    });
  }
  dir = mkdtempSync(join(tmpdir(), 'rundschau-optional-'));
});

afterAll(async () => {
  await feeds?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('every optional config key takes its default', () => {
  it('the walk finds the blocks and keys first users leave out', () => {
    const paths = keys.map((k) => label(k.path));
    for (const expected of ['.defaults', '.defaults.concurrency', '.defaults.retention', '.server', '.server.port']) {
      expect(paths).toContain(expected);
    }
    expect(paths).toContain('.topics[0].rules.fieldWeights');
    expect(paths.length).toBeGreaterThan(40);
  });

  it('the full fixture names every optional key (add a new key to fullConfig above)', () => {
    const full = fullConfig();
    expect(keys.filter((k) => !has(full, k.path)).map((k) => label(k.path))).toEqual([]);
    expect(() => parse(full)).not.toThrow();
  });

  it('a file with only sources: gives complete defaults and server blocks and fetches', async () => {
    const config = parse({ sources: [{ url: feeds.url('/a.xml') }] });
    expect(config.defaults).toEqual(configSchema.shape.defaults.parse(undefined));
    expect(config.defaults.concurrency).toBe(32);
    expect(config.defaults.retention).toEqual({ days: 180, minItems: 50 });
    expect(config.server.port).toBe(8080);
    await withRuntime(config, cycleSucceeds);
  });

  for (const key of keys) {
    describe(label(key.path), () => {
      it('absent, written empty, or {} — parses to its default and a fetch cycle succeeds', async () => {
        const full = fullConfig();
        const variants: [string, object | string][] = [
          ['absent', withKey(full, key.path, 'delete')],
          ['empty (key with no value)', withKey(full, key.path, { set: null })],
        ];
        if (key.isObject) variants.push(['{}', withKey(full, key.path, { set: {} })]);
        for (const [name, variant] of variants) {
          const config = parse(variant);
          const expected = name === '{}' ? key.schema.parse({}) : defaultOf(key);
          expect(get(config, key.path), `${label(key.path)} ${name}`).toEqual(expected);
          if (name === '{}' && defOf(key.schema).type === 'prefault') expect(expected).toEqual(defaultOf(key));
          await withRuntime(config, cycleSucceeds);
        }
      });
    });
  }
});

describe('removing an optional key from the file while the instance runs', () => {
  it('each removal applies the default and the next cycle succeeds; the running config is complete', async () => {
    const configPath = join(dir, 'live.yaml');
    writeFileSync(configPath, stringify(fullConfig()));
    let applied: Promise<void> = Promise.resolve();
    let changes = 0;
    const rejected: unknown[] = [];
    let runtime: Runtime | undefined;
    const watcher = watchConfig(
      configPath,
      {
        onChange: (config) => {
          changes++;
          applied = runtime!.applyConfig(config);
        },
        onError: (issues) => rejected.push(issues),
      },
      { debounceMs: 20, env: {} },
    );
    runtime = await openRuntime({
      configPath,
      databaseUrl: join(dir, 'live.db'),
      log: silentLogger,
      workers: 0,
      config: watcher.current(),
    });
    const live = runtime;
    const edit = async (config: object) => {
      const before = changes;
      writeFileSync(configPath, stringify(config));
      const deadline = Date.now() + 5000;
      while (changes === before) {
        if (Date.now() > deadline) throw new Error(`edit not picked up: ${JSON.stringify(rejected)}`);
        await new Promise((done) => setTimeout(done, 10));
      }
      await applied;
    };
    try {
      await cycleSucceeds(live);
      for (const key of keys) {
        await edit(withKey(fullConfig(), key.path, 'delete'));
        expect(get(live.config(), key.path), label(key.path)).toEqual(defaultOf(key));
        await cycleSucceeds(live);
        await edit(fullConfig());
      }
      expect(rejected).toEqual([]);

      // An invalid edit is rejected with its reason, and the running config (complete) stays and still fetches.
      const running = live.config();
      writeFileSync(configPath, stringify({ ...fullConfig(), defaults: { concurrency: 0 } }));
      const deadline = Date.now() + 5000;
      while (rejected.length === 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 10));
      expect(JSON.stringify(rejected)).toContain('defaults.concurrency');
      expect(live.config()).toBe(running);
      await cycleSucceeds(live);
    } finally {
      await watcher.close();
      await live.close();
    }
  });
});
