import { describe, expect, it } from 'vitest';
import { changeSourceInText, removeSourceFromText } from '../../src/config/source-edit.ts';

// The sync APIs' entry edits are the reader's (config/edit.ts) behind an undefined-for-missing answer.

const FILE = `# my feeds
defaults:
  minInterval: 10m
sources:
  # tech news
  - url: https://heise.example/feed   # the big one
    title: Heise
    category: Tech
  - url: "https://cloud.example/feed"
    category: Cloud # cloudy
  - url: https://third.example/feed
topics: []
`;

describe('source entries edited in place', () => {
  it('removes one entry and keeps every other line and comment', () => {
    const next = removeSourceFromText(FILE, 'rundschau.yaml', 'https://cloud.example/feed')!;
    expect(next).toBe(FILE.replace('  - url: "https://cloud.example/feed"\n    category: Cloud # cloudy\n', ''));
    const first = removeSourceFromText(FILE, 'rundschau.yaml', 'https://HEISE.example/feed')!;
    expect(first).toContain('# tech news\n  - url: "https://cloud.example/feed"');
    expect(first).not.toContain('heise');
  });

  it('answers undefined for a feed the file does not have', () => {
    expect(removeSourceFromText(FILE, 'rundschau.yaml', 'https://nowhere.example/feed')).toBeUndefined();
    expect(changeSourceInText(FILE, 'rundschau.yaml', 'https://nowhere.example/', { title: 'x' })).toBeUndefined();
  });

  it('the last entry goes too, leaving an empty list that loads', () => {
    const one = 'sources:\n  - url: https://a.example/feed # only\n';
    expect(removeSourceFromText(one, 'rundschau.yaml', 'https://a.example/feed')).toMatch(/^sources: \[\]/);
  });

  it('renames and moves: replaces existing values, adds missing keys to the entry, comments stay', () => {
    const renamed = changeSourceInText(FILE, 'rundschau.yaml', 'https://cloud.example/feed', {
      title: 'Cloud: the blog',
      category: 'Infra',
    })!;
    expect(renamed).toBe(
      FILE.replace(
        '  - url: "https://cloud.example/feed"\n    category: Cloud # cloudy\n',
        '  - url: "https://cloud.example/feed"\n    category: Infra # cloudy\n    title: "Cloud: the blog"\n',
      ),
    );
    const moved = changeSourceInText(FILE, 'rundschau.yaml', 'https://third.example/feed', { category: 'Misc' })!;
    expect(moved).toBe(
      FILE.replace(
        '  - url: https://third.example/feed\n',
        '  - url: https://third.example/feed\n    category: Misc\n',
      ),
    );
    const heise = changeSourceInText(FILE, 'rundschau.yaml', 'https://heise.example/feed', { title: 'heise online' })!;
    expect(heise).toContain('  - url: https://heise.example/feed   # the big one\n    title: heise online\n');
  });
});
