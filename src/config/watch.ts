import { createHash } from 'node:crypto';
import { type FSWatcher, lstatSync, readFileSync, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { ConfigError, type ConfigIssue, parseConfigText } from './load.ts';
import type { Config } from './schema.ts';

export interface ConfigWatchHandlers {
  onChange(config: Config): void;
  /** Called when the file became invalid or unreadable; the last good config stays current. */
  onError(issues: ConfigIssue[]): void;
}

export interface ConfigWatchOptions {
  /** Quiet time after the last file event before the file is read (editors write in several steps). */
  debounceMs?: number;
  env?: Record<string, string | undefined>;
  /**
   * A config another process parsed from the text with this SHA-256 (a web process of `serve --web-processes N`
   * gets the primary's): taken as it is when the file still holds that text, so it is not parsed again.
   */
  known?: ParsedConfig;
}

/** A valid config and the SHA-256 of the text it was parsed from. */
export interface ParsedConfig {
  sha256: string;
  config: Config;
}

export interface ConfigWatcher {
  close(): Promise<void>;
  current(): Config;
  /**
   * Takes a text this process wrote itself (a reader edit, applied by the writer at once) as seen, so the file
   * event it causes applies nothing twice.
   */
  adopt(text: string, config: Config): void;
  /** The current config with the hash of the text it came from (not of a rejected later text). */
  parsed(): ParsedConfig;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Loads the config now (throwing ConfigError when it is invalid: a bad file must stop a start, never a running
 * instance) and reloads it whenever its content changes.
 *
 * Watches the directory, not the file: editors that save by writing a temp file and renaming it over the
 * original replace the inode, and a watch on the old inode would go silent.
 */
export function watchConfig(
  path: string,
  handlers: ConfigWatchHandlers,
  options: ConfigWatchOptions = {},
): ConfigWatcher {
  const debounceMs = options.debounceMs ?? 200;
  const env = options.env ?? process.env;

  let initialText: string;
  try {
    initialText = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([
      { file: path, line: 1, column: 1, path: '', message: `cannot read: ${(err as Error).message}` },
    ]);
  }
  // Behind a symlink (a Kubernetes ConfigMap mount swaps a `..data` link next to it), updates arrive as events
  // for other names in the directory; the content hash keeps unrelated events from doing anything.
  const followAnyName = lstatSync(path).isSymbolicLink();
  let lastSeenHash = sha256(initialText);
  let config: Config;
  if (options.known?.sha256 === lastSeenHash) {
    config = options.known.config;
  } else {
    const initial = parseConfigText(initialText, path, env);
    if (!initial.ok) throw new ConfigError(initial.errors);
    config = initial.config;
  }
  let configHash = lastSeenHash;
  let timer: NodeJS.Timeout | undefined;
  let reloading: Promise<void> = Promise.resolve();
  let closed = false;
  const name = basename(path);

  const reload = async () => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      // Between an editor's unlink and rename the file is briefly missing; the rename brings another event.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      handlers.onError([
        { file: path, line: 1, column: 1, path: '', message: `cannot read: ${(err as Error).message}` },
      ]);
      return;
    }
    const hash = sha256(text);
    if (hash === lastSeenHash || closed) return;
    lastSeenHash = hash;
    const result = parseConfigText(text, path, env);
    if (result.ok) {
      config = result.config;
      configHash = hash;
      handlers.onChange(config);
    } else {
      handlers.onError(result.errors);
    }
  };

  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      reloading = reloading.then(reload).catch((err: unknown) => {
        handlers.onError([{ file: path, line: 1, column: 1, path: '', message: `reload failed: ${String(err)}` }]);
      });
    }, debounceMs);
  };

  const watcher: FSWatcher = watch(dirname(path), { persistent: false }, (_event, filename) => {
    // Some platforms do not report the name; the content hash filters out unrelated events then.
    if (followAnyName || filename === null || filename === name) schedule();
  });
  watcher.on('error', (err) => {
    handlers.onError([{ file: path, line: 1, column: 1, path: '', message: `watching stopped: ${err.message}` }]);
  });

  return {
    current: () => config,
    parsed: () => ({ sha256: configHash, config }),
    adopt(text, next) {
      lastSeenHash = sha256(text);
      config = next;
      configHash = lastSeenHash;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      watcher.close();
      await reloading;
    },
  };
}
