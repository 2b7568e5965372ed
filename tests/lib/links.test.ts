import { describe, expect, it } from 'vitest';
import { safeLocalPath } from '../../src/lib/links.ts';

describe('safeLocalPath', () => {
  it('keeps local paths and replaces everything that could leave the site', () => {
    expect(safeLocalPath('/all?show=unread')).toBe('/all?show=unread');
    for (const bad of ['https://evil.example/', '//evil.example', '/\\evil.example', 'all', '/a\nb', 42]) {
      expect(safeLocalPath(bad)).toBe('/');
    }
  });
});
