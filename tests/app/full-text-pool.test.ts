/**
 * The per-page time budget: extraction is synchronous DOM work, so a page that overruns ends its worker. Only that
 * job fails; the feeds queued on the same worker are parsed by its replacement.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ParsePool } from '../../src/app/pool.ts';
import { rss } from '../support/feeds.ts';

const pool = new ParsePool(1);
afterAll(() => pool.close());

/** Heavy but within the shape budget: ~30 000 elements take the DOM and Readability a second or more. */
const heavy = `<html><body><article>${'<p>Some words in a paragraph of a long page.</p>'.repeat(30_000)}</article></body></html>`;
const feed = (n: number) => Buffer.from(rss(`Feed ${n}`, [{ id: `i${n}`, title: `Item ${n}` }]));

describe('extraction in the worker pool', () => {
  it('a page over its time budget fails as timeout; jobs queued behind it on that worker still finish', async () => {
    const page = { body: Buffer.from(heavy), contentType: 'text/html', url: 'https://x.example/' };
    const slow = pool.extract(page, 50);
    const parses = [1, 2, 3].map((n) =>
      pool.run({ body: feed(n), url: `https://x.example/${n}.xml`, identity: 'auto', now: Date.now() }),
    );
    expect(await slow).toMatchObject({ ok: false, reason: 'timeout' });
    for (const parsed of await Promise.all(parses)) expect(parsed).toMatchObject({ ok: true });
    // The replacement worker extracts normally.
    const ok = await pool.extract({ ...page, body: Buffer.from(heavy.replace(/(<p>.*?<\/p>){29000}/, '')) }, 30_000);
    expect(ok).toMatchObject({ ok: true });
  }, 60_000);
});
