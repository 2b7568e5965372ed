import { describe, expect, it } from 'vitest';
import { checkAppPassword, createAppPassword, feverKeyOf } from '../../src/web/api/app-passwords.ts';
import { dialects } from '../support/databases.ts';

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== '')(`app passwords on ${dialect.name} ${dialect.skip}`, () => {
    it('stores a hash and the Fever key, checks, lists, refuses a second of one name, revokes', async () => {
      const database = await dialect.create();
      const store = await database.open();
      try {
        const { password } = await createAppPassword(store, 'phone', 1_000);
        expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
        const [entry] = await store.listAppPasswords();
        expect(entry).toMatchObject({ name: 'phone', createdAt: 1_000, lastUsedAt: null });
        // Hashed, never the password itself; the Fever key is md5("name:password").
        expect(entry!.passwordHash).toMatch(/^scrypt\$/);
        expect(entry!.passwordHash).not.toContain(password);
        expect(entry!.feverKey).toBe(feverKeyOf('phone', password));
        expect((await store.appPasswordByFeverKey(feverKeyOf('phone', password).toUpperCase()))?.name).toBe('phone');
        expect(await store.appPasswordByFeverKey(feverKeyOf('phone', 'wrong'))).toBeUndefined();

        expect((await checkAppPassword(store, 'phone', password))?.name).toBe('phone');
        expect(await checkAppPassword(store, 'phone', `${password}x`)).toBeUndefined();
        expect(await checkAppPassword(store, 'tablet', password)).toBeUndefined();

        await expect(createAppPassword(store, 'phone')).rejects.toThrow(/exists; revoke it first/);
        await expect(createAppPassword(store, 'bad name')).rejects.toThrow(/invalid name/);
        await store.touchAppPassword('phone', 2_000);
        expect((await store.getAppPassword('phone'))?.lastUsedAt).toBe(2_000);

        expect(await store.revokeAppPassword('phone')).toBe(true);
        expect(await store.revokeAppPassword('phone')).toBe(false);
        expect(await checkAppPassword(store, 'phone', password)).toBeUndefined();
        expect(await store.listAppPasswords()).toEqual([]);
      } finally {
        await store.close();
        await database.drop();
      }
    });
  });
}
