import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/lib/errors.ts';

describe('describeError', () => {
  it('names the cause a wrapper hides, on one line', () => {
    const pgError = Object.assign(new Error('duplicate key value violates unique constraint "sources_config_url"'), {
      code: '23505',
    });
    const wrapped = new Error(`Failed query: insert into "sources" (${'"col", '.repeat(60)})\nparams: a,b`, {
      cause: pgError,
    });
    const line = describeError(wrapped);
    expect(line).not.toContain('\n');
    expect(line).toMatch(/^Failed query: insert into "sources" .*… — caused by: duplicate key value .* \[23505\]$/);
    expect(line.length).toBeLessThan(300);
  });

  it('prints a plain error or a thrown string as it is', () => {
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError('just text')).toBe('just text');
  });

  it('stops at a cause cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(describeError(b)).toBe('b — caused by: a');
  });
});
