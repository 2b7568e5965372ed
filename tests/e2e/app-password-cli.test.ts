import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { checkAppPassword } from '../../src/web/api/app-passwords.ts';
import { jsonOf, runCli } from '../support/cli.ts';

describe('rundschau app-password', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rundschau-apppw-'));
  const env = { DATABASE_URL: join(dir, 'db.sqlite') };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds (plain and --json), lists without passwords, revokes; the printed password logs in', async () => {
    const plain = await runCli(['app-password', 'add', 'newsboat'], { env });
    expect(plain.code, plain.stderr).toBe(0);
    const password = plain.stdout.trim();
    expect(password).toMatch(/^[A-Za-z0-9]{24}$/);

    const json = jsonOf<{ name: string; password: string }>(
      await runCli(['app-password', 'add', 'phone', '--json'], { env }),
    );
    expect(json.name).toBe('phone');

    const again = await runCli(['app-password', 'add', 'phone'], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists; revoke it first/);

    const list = await runCli(['app-password', 'list', '--json'], { env });
    expect(jsonOf<{ name: string }[]>(list).map((e) => e.name)).toEqual(['newsboat', 'phone']);
    expect(list.stdout).not.toContain(password);
    expect(list.stdout).not.toContain(json.password);

    const store = await openStore(env.DATABASE_URL);
    try {
      expect((await checkAppPassword(store, 'newsboat', password))?.name).toBe('newsboat');
      expect((await checkAppPassword(store, 'phone', json.password))?.name).toBe('phone');
    } finally {
      await store.close();
    }

    expect((await runCli(['app-password', 'revoke', 'phone'], { env })).code).toBe(0);
    const gone = await runCli(['app-password', 'revoke', 'phone'], { env });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/no app password named "phone"/);
    const table = await runCli(['app-password', 'list'], { env });
    expect(table.stdout).toMatch(/newsboat/);
    expect(table.stdout).not.toMatch(/phone/);
  }, 180_000);
});
