import { describe, expect, it } from 'vitest';
import { effectiveRetention } from '../../src/config/retention.ts';
import { configSchema } from '../../src/config/schema.ts';

const defaultsOf = (raw: object) => configSchema.parse({ defaults: raw }).defaults;
const row = (over: { retentionDays?: number; retentionItems?: number; retentionMinItems?: number } = {}) => ({
  retentionDays: over.retentionDays ?? null,
  retentionItems: over.retentionItems ?? null,
  retentionMinItems: over.retentionMinItems ?? null,
});

describe('effective retention', () => {
  it('keeps 180 days and at least 50 items per source by default, also when a defaults block names only days', () => {
    expect(effectiveRetention(row(), defaultsOf({}))).toEqual({ days: 180, items: undefined, minItems: 50 });
    expect(effectiveRetention(row(), defaultsOf({ retention: { days: 30 } }))).toEqual({
      days: 30,
      items: undefined,
      minItems: 50,
    });
  });

  it("replaces the defaults' limits with a source's own, and its minimum falls back to the defaults'", () => {
    const defaults = defaultsOf({ retention: { days: 90, minItems: 20 } });
    expect(effectiveRetention(row({ retentionItems: 500 }), defaults)).toEqual({
      days: undefined,
      items: 500,
      minItems: 20,
    });
    expect(effectiveRetention(row({ retentionMinItems: 5 }), defaults)).toEqual({ days: 90, minItems: 5 });
    expect(effectiveRetention(row({ retentionMinItems: 0 }), defaults).minItems).toBe(0);
  });

  it('rejects a negative minimum', () => {
    expect(() => defaultsOf({ retention: { minItems: -1 } })).toThrow();
  });
});
