import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ParsePool } from '../../src/app/pool.ts';
import { loadConfigFile } from '../../src/config/load.ts';

function rss(items: number, seed: number): Buffer {
  const entries = Array.from(
    { length: items },
    (_, i) =>
      `<item><guid>https://example.com/${seed}/${i}</guid><title>Cloud region ${seed}-${i} opens in Frankfurt</title>` +
      `<description><![CDATA[<p>${'Ein neues Rechenzentrum für die Cloud, mit Servern und Speicher. '.repeat(20)}</p>]]></description></item>`,
  );
  return Buffer.from(`<rss version="2.0"><channel><title>Feed ${seed}</title>${entries.join('')}</channel></rss>`);
}

const job = (seed: number) => ({
  body: rss(40, seed),
  url: `https://example.com/${seed}`,
  identity: 'auto' as const,
  now: 0,
});

describe('parse worker pool', () => {
  let pool: ParsePool | undefined;
  afterEach(async () => {
    await pool?.close();
  });

  it('runs a scoring job before parse jobs that were queued earlier', async () => {
    const loaded = await loadConfigFile('rundschau.yaml');
    if (!loaded.ok) throw new Error('bundled config invalid');
    const topic = { config: loaded.config.topics[0]!, model: null, version: 'v1' };
    pool = new ParsePool(1);
    await pool.run(job(0)); // the worker is up and warm
    const done: string[] = [];
    const parses = Array.from({ length: 8 }, (_, i) =>
      pool!.run(job(i + 1)).then((r) => {
        expect(r.ok).toBe(true);
        done.push(`parse ${i + 1}`);
      }),
    );
    const item = {
      id: 1,
      publishedAt: 0,
      title: 'AWS opens a cloud region',
      summary: '',
      contentHtml: '',
      language: 'en',
    };
    const score = pool.score([topic], [item]).then((scores) => {
      expect(scores.cloud?.[0]?.itemId).toBe(1);
      expect(JSON.parse(scores.cloud![0]!.evidenceJson).threshold).toBeGreaterThan(0);
      done.push('score');
    });
    await Promise.all([...parses, score]);
    // Four parses were already with the worker; the score job overtook the four still waiting here.
    expect(done.indexOf('score')).toBeLessThan(done.indexOf('parse 8'));
    expect(done.indexOf('score')).toBeLessThanOrEqual(4);
    expect(done.filter((d) => d.startsWith('parse'))).toEqual(Array.from({ length: 8 }, (_, i) => `parse ${i + 1}`));
  });

  it('fails waiting jobs with a clear error when closed', async () => {
    pool = new ParsePool(1);
    const jobs = Array.from({ length: 6 }, (_, i) => pool!.run(job(i)));
    await pool.close();
    const results = await Promise.all(jobs);
    // run() turns a failed job into a parse failure of its source, never an exception
    expect(results.some((r) => !r.ok && /closed|terminated|crashed/.test(r.message))).toBe(true);
  });

  it('a worker that dies fails only its own job and is replaced', async () => {
    // Dies without an error event (as process.exit in a dependency would) when a URL says so, answers otherwise.
    const script = join(mkdtempSync(join(tmpdir(), 'rundschau-pool-')), 'worker.mjs');
    writeFileSync(
      script,
      `import { parentPort } from 'node:worker_threads';
parentPort.on('message', ({ id, job }) => {
  if (job.input.url.includes('die')) process.exit(3);
  parentPort.postMessage({ id, result: { ok: true, meta: { format: 'rss', encoding: 'utf-8' }, items: [], warnings: [] } });
});`,
    );
    pool = new ParsePool(1, script);
    const first = await pool.run({ ...job(1), url: 'https://example.com/die' });
    expect(first.ok).toBe(false);
    expect(!first.ok && first.message).toMatch(/worker crashed: worker exited with code 3/);
    const next = await pool.run(job(2));
    expect(next.ok).toBe(true);
  });
});
