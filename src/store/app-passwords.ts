import { asc, eq } from 'drizzle-orm';
import type { StoreContext } from './context.ts';
import type { AppPassword, AppPasswordStore } from './types.ts';

/** App passwords for the sync APIs: hashes and Fever keys made by the caller, stored by name. */
export class SqlAppPasswordStore implements AppPasswordStore {
  constructor(private readonly ctx: StoreContext) {}

  async addAppPassword(
    entry: { name: string; passwordHash: string; feverKey: string },
    now = Date.now(),
  ): Promise<AppPassword | undefined> {
    const { appPasswords } = this.ctx.t;
    const rows = await this.ctx.write((tx) =>
      tx
        .insert(appPasswords)
        .values({ ...entry, createdAt: now })
        .onConflictDoNothing({ target: appPasswords.name })
        .returning(),
    );
    return rows[0] ? toAppPassword(rows[0]) : undefined;
  }

  async listAppPasswords(): Promise<AppPassword[]> {
    const { appPasswords } = this.ctx.t;
    return (await this.ctx.db.select().from(appPasswords).orderBy(asc(appPasswords.name))).map(toAppPassword);
  }

  async getAppPassword(name: string): Promise<AppPassword | undefined> {
    const { appPasswords } = this.ctx.t;
    const [row] = await this.ctx.db.select().from(appPasswords).where(eq(appPasswords.name, name));
    return row ? toAppPassword(row) : undefined;
  }

  async appPasswordByFeverKey(feverKey: string): Promise<AppPassword | undefined> {
    const { appPasswords } = this.ctx.t;
    const [row] = await this.ctx.db
      .select()
      .from(appPasswords)
      .where(eq(appPasswords.feverKey, feverKey.toLowerCase()));
    return row ? toAppPassword(row) : undefined;
  }

  async revokeAppPassword(name: string): Promise<boolean> {
    const { appPasswords } = this.ctx.t;
    const rows = await this.ctx.write((tx) =>
      tx.delete(appPasswords).where(eq(appPasswords.name, name)).returning({ id: appPasswords.id }),
    );
    return rows.length > 0;
  }

  async touchAppPassword(name: string, now = Date.now()): Promise<void> {
    const { appPasswords } = this.ctx.t;
    await this.ctx.write((tx) => tx.update(appPasswords).set({ lastUsedAt: now }).where(eq(appPasswords.name, name)));
  }
}

function toAppPassword(row: {
  id: number;
  name: string;
  passwordHash: string;
  feverKey: string;
  createdAt: number;
  lastUsedAt: number | null;
}): AppPassword {
  return {
    id: row.id,
    name: row.name,
    passwordHash: row.passwordHash,
    feverKey: row.feverKey,
    createdAt: Number(row.createdAt),
    lastUsedAt: row.lastUsedAt == null ? null : Number(row.lastUsedAt),
  };
}
