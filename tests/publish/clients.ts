/**
 * Real feed readers for publish tests: python3-feedparser (Debian, importable from /usr/bin/python3 only) and
 * newsboat run headless. Each is optional: tests skip with `feedparserSkip` / `newsboatSkip` as the reason.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';

function probe(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export const feedparserSkip = probe(PYTHON, ['-c', 'import feedparser'])
  ? ''
  : 'python3-feedparser is not installed (apt-get install python3-feedparser; it must import from /usr/bin/python3)';
export const newsboatSkip = probe('newsboat', ['-v']) ? '' : 'newsboat is not installed (apt-get install newsboat)';

const VALIDATOR = process.env.RUNDSCHAU_FEED_VALIDATOR ?? '/work/shared/tools/validate-feed';
export const validatorSkip = existsSync(VALIDATOR)
  ? ''
  : `the W3C feed validator is not at ${VALIDATOR} (set RUNDSCHAU_FEED_VALIDATOR to its validate-feed script)`;

/** The W3C Feed Validation Service code run offline on a document: its errors (empty when valid) and full report. */
export async function validateFeed(xml: string, contentType: string): Promise<{ valid: boolean; report: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'rundschau-validate-'));
  try {
    const file = join(dir, 'feed.xml');
    writeFileSync(file, xml);
    try {
      const { stdout } = await run(VALIDATOR, ['--content-type', contentType, file], { timeout: 60_000 });
      return { valid: true, report: stdout };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      if (failed.code === 1) return { valid: false, report: failed.stdout ?? '' };
      throw new Error(`validate-feed failed (${failed.code}): ${failed.stderr ?? ''}${failed.stdout ?? ''}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ParsedFeed {
  bozo: boolean;
  bozoException: string | null;
  version: string;
  status: number | null;
  feed: { title: string; updated?: string; language?: string; links: { rel: string; href: string }[] };
  entries: {
    id: string;
    title: string;
    titleType: string;
    link: string;
    published?: string;
    updated?: string;
    publishedIso?: string;
    updatedIso?: string;
    author?: string;
    tags: string[];
    summary?: string;
    content: string[];
    source?: { title?: string; href?: string; id?: string };
  }[];
}

const FEEDPARSER_SCRIPT = `
import calendar, json, sys, feedparser
feedparser.api.PREFERRED_XML_PARSERS = []  # expat: reports bozo instead of raising
d = feedparser.parse(sys.stdin.buffer.read() if sys.argv[1] == '-' else sys.argv[1])
def iso(t):
    return None if not t else __import__('datetime').datetime.fromtimestamp(calendar.timegm(t), __import__('datetime').timezone.utc).isoformat()
out = {
  'bozo': bool(d.bozo), 'bozoException': str(d.get('bozo_exception')) if d.bozo else None,
  'version': d.version, 'status': d.get('status'),
  'feed': {'title': d.feed.get('title'), 'updated': d.feed.get('updated'), 'language': d.feed.get('language'),
           'links': [{'rel': l.get('rel'), 'href': l.get('href')} for l in d.feed.get('links', [])]},
  'entries': [{
    'id': e.get('id'), 'title': e.get('title'), 'titleType': e.get('title_detail', {}).get('type'), 'link': e.get('link'),
    'published': e.get('published'), 'updated': e.get('updated'),
    'publishedIso': iso(e.get('published_parsed')), 'updatedIso': iso(e.get('updated_parsed')),
    'author': e.get('author'), 'tags': [t.get('term') for t in e.get('tags', [])], 'summary': e.get('summary'),
    'content': [c.get('value') for c in e.get('content', [])],
    'source': {k: v for k, v in e.get('source', {}).items() if k in ('title', 'href', 'id')} or None,
  } for e in d.entries],
}
print(json.dumps(out))
`;

/** feedparser fetches `url` itself (a real HTTP client) and reports what it understood. */
export async function feedparserParse(url: string): Promise<ParsedFeed> {
  const { stdout } = await run(PYTHON, ['-c', FEEDPARSER_SCRIPT, url], { timeout: 30_000, maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as ParsedFeed;
}

/** feedparser on a document in memory. */
export async function feedparserParseText(xml: string): Promise<ParsedFeed> {
  const child = execFile(PYTHON, ['-c', FEEDPARSER_SCRIPT, '-'], { timeout: 30_000, maxBuffer: 64 << 20 });
  const output = new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`feedparser exited ${code}`))));
  });
  child.stdin?.end(xml);
  return JSON.parse(await output) as ParsedFeed;
}

export interface NewsboatItem {
  guid: string;
  title: string;
  author: string;
  url: string;
  feedurl: string;
  pubDate: number;
  content: string;
}

/**
 * Reloads `urls` once with a throw-away HOME, config and cache, then reads the cache's `rss_item` table. newsboat
 * exits 0 even when a feed fails, so its log is returned for the caller to check.
 */
export async function newsboatRead(urls: string[]): Promise<{ items: NewsboatItem[]; log: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'rundschau-newsboat-'));
  try {
    writeFileSync(join(dir, 'urls'), urls.map((u) => `${u}\n`).join(''));
    writeFileSync(join(dir, 'config'), 'reload-threads 4\n');
    const args = ['-x', 'reload', 'print-unread', '-u', join(dir, 'urls'), '-c', join(dir, 'cache.db')];
    args.push('-C', join(dir, 'config'), '-l', '4', '-d', join(dir, 'log'));
    await run('newsboat', args, { timeout: 60_000, env: { ...process.env, HOME: dir } });
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
    const db = new Database(join(dir, 'cache.db'), { readonly: true });
    try {
      const items = db
        .prepare('SELECT guid, title, author, url, feedurl, pubDate, content FROM rss_item ORDER BY pubDate DESC')
        .all() as NewsboatItem[];
      return { items, log };
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Lines of a newsboat log that report a failed download or parse. */
export function newsboatErrors(log: string): string[] {
  return log.split('\n').filter((line) => /\b(USER)?ERROR:/.test(line));
}
