import { mkdir, readFile, rename, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigIssue } from '../../src/config/load.ts';
import { ConfigError } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { type ConfigWatcher, watchConfig } from '../../src/config/watch.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { tempConfigDir } from './helpers.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup() {
  const temp = await tempConfigDir();
  const changes: Config[] = [];
  const errors: ConfigIssue[][] = [];
  const watcher: ConfigWatcher = watchConfig(
    temp.configPath,
    { onChange: (c) => changes.push(c), onError: (e) => errors.push(e) },
    { env: {} },
  );
  cleanups.push(temp.cleanup, () => watcher.close());
  const original = await readFile(temp.configPath, 'utf8');
  return { ...temp, watcher, changes, errors, original };
}

describe('watchConfig', () => {
  it('throws ConfigError when the file is invalid at start', async () => {
    const temp = await tempConfigDir();
    cleanups.push(temp.cleanup);
    await writeFile(temp.configPath, 'server:\n  port: -1\n');
    expect(() => watchConfig(temp.configPath, { onChange() {}, onError() {} }, { env: {} })).toThrow(ConfigError);
  });

  it('takes a known config parsed from the same text as it is, and parses the file when its text differs', async () => {
    const { watcher, configPath } = await setup();
    const parsed = watcher.parsed();
    expect(parsed.config).toBe(watcher.current());
    // The same text: the given object itself (not parsed again); another text: parsed from the file.
    const marked = { ...parsed.config, marker: true } as unknown as Config;
    const same = watchConfig(
      configPath,
      { onChange() {}, onError() {} },
      { env: {}, known: { ...parsed, config: marked } },
    );
    cleanups.push(() => same.close());
    expect(same.current()).toBe(marked);
    const other = watchConfig(
      configPath,
      { onChange() {}, onError() {} },
      { env: {}, known: { sha256: '0'.repeat(64), config: marked } },
    );
    cleanups.push(() => other.close());
    expect(other.current()).not.toBe(marked);
    expect(other.current()).toEqual(parsed.config);
    expect(other.parsed().sha256).toBe(parsed.sha256);
  });

  it('throws ConfigError when the file is missing at start', () => {
    expect(() => watchConfig('/nonexistent/rundschau.yaml', { onChange() {}, onError() {} }, { env: {} })).toThrow(
      /cannot read/,
    );
  });

  it('follows a Kubernetes-style ConfigMap update (a symlinked directory swapped by rename)', async () => {
    const temp = await tempConfigDir();
    cleanups.push(temp.cleanup);
    const original = await readFile(temp.configPath, 'utf8');
    const mount = join(temp.dir, 'mount');
    await mkdir(join(mount, '..v1'), { recursive: true });
    await writeFile(join(mount, '..v1', 'rundschau.yaml'), original);
    await symlink('..v1', join(mount, '..data'));
    await symlink('..data/rundschau.yaml', join(mount, 'rundschau.yaml'));

    const changes: Config[] = [];
    const watcher = watchConfig(
      join(mount, 'rundschau.yaml'),
      { onChange: (c) => changes.push(c), onError() {} },
      { env: {} },
    );
    cleanups.push(() => watcher.close());

    await mkdir(join(mount, '..v2'));
    await writeFile(join(mount, '..v2', 'rundschau.yaml'), original.replace('concurrency: 32', 'concurrency: 12'));
    await symlink('..v2', join(mount, '..data_tmp'));
    await rename(join(mount, '..data_tmp'), join(mount, '..data'));
    await waitFor(() => changes[0]);
    expect(watcher.current().defaults.concurrency).toBe(12);
  });

  it('reports an in-place edit within 2 s', async () => {
    const { configPath, watcher, changes, errors, original } = await setup();
    expect(watcher.current().defaults.perHostGapMs).toBe(500);
    await writeFile(configPath, original.replace('perHostGapMs: 500', 'perHostGapMs: 750'));
    const changed = await waitFor(() => changes[0]);
    expect(changed.defaults.perHostGapMs).toBe(750);
    expect(watcher.current().defaults.perHostGapMs).toBe(750);
    expect(errors).toEqual([]);
  });

  it('ignores writes that do not change the content', async () => {
    const { configPath, changes, errors, original } = await setup();
    await writeFile(configPath, original);
    await sleep(600);
    expect(changes).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('keeps the last good config on a bad edit, then picks up the fix', async () => {
    const { configPath, watcher, changes, errors, original } = await setup();
    const before = watcher.current();
    const broken = original.replace('perHostGapMs: 500', 'perHostGapMs: lots');
    await writeFile(configPath, broken);
    const issues = await waitFor(() => errors[0]);
    expect(issues[0]).toMatchObject({ file: configPath, path: 'defaults.perHostGapMs' });
    expect(watcher.current()).toBe(before);
    expect(changes).toEqual([]);

    await writeFile(configPath, original.replace('perHostGapMs: 500', 'perHostGapMs: 900'));
    const fixed = await waitFor(() => changes[0]);
    expect(fixed.defaults.perHostGapMs).toBe(900);
    expect(watcher.current().defaults.perHostGapMs).toBe(900);
  });

  it('follows an editor that saves by writing a temp file and renaming it over the original', async () => {
    const { dir, configPath, watcher, changes, original } = await setup();
    const temp = join(dir, '.rundschau.yaml.swp');
    await writeFile(temp, original.replace('concurrency: 32', 'concurrency: 8'));
    await rename(temp, configPath);
    await waitFor(() => changes[0]);
    expect(watcher.current().defaults.concurrency).toBe(8);

    // A second save the same way: the watch must survive the replaced inode.
    await writeFile(temp, original.replace('concurrency: 32', 'concurrency: 4'));
    await rename(temp, configPath);
    await waitFor(() => changes[1]);
    expect(watcher.current().defaults.concurrency).toBe(4);
  });

  it('follows an editor that moves the original away and writes a new file', async () => {
    const { configPath, watcher, changes, errors, original } = await setup();
    await rename(configPath, `${configPath}~`);
    await writeFile(configPath, original.replace('concurrency: 32', 'concurrency: 16'));
    await unlink(`${configPath}~`);
    await waitFor(() => changes[0]);
    expect(watcher.current().defaults.concurrency).toBe(16);
    expect(errors).toEqual([]);
  });
});
