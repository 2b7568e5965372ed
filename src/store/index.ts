import { sql } from 'drizzle-orm';
import { SqlAppPasswordStore } from './app-passwords.ts';
import { StoreContext } from './context.ts';
import { SqlCountStore } from './counts.ts';
import { openConnection, resolveDatabaseUrl } from './db.ts';
import { ItemQueries } from './item-query.ts';
import { SqlItemStore } from './items.ts';
import { SqlSearchStore } from './search.ts';
import { SqlSiteIconStore } from './site-icons.ts';
import { SqlSourceStore } from './sources.ts';
import { SqlStatsStore } from './stats.ts';
import { SqlTopicStore } from './topics.ts';
import type { Store } from './types.ts';
import { SqlWebSubStore } from './websub.ts';
import { SqlWorkerStore } from './workers.ts';

export { isPostgresUrl, resolveDatabaseUrl } from './db.ts';
export type * from './types.ts';

/** Opens (and migrates) the store at `url`: a SQLite path, `file:` URL or `:memory:`, or `postgres://…`. */
export async function openStore(url: string = resolveDatabaseUrl()): Promise<Store> {
  const ctx = new StoreContext(await openConnection(url));
  const queries = new ItemQueries(ctx);
  const items = new SqlItemStore(ctx, queries);
  const parts = [
    new SqlSourceStore(ctx),
    items,
    new SqlTopicStore(ctx, queries),
    new SqlSearchStore(ctx, items),
    new SqlCountStore(ctx),
    new SqlAppPasswordStore(ctx),
    new SqlStatsStore(ctx),
    new SqlSiteIconStore(ctx),
    new SqlWorkerStore(ctx),
    new SqlWebSubStore(ctx),
  ];
  const store: Record<string, unknown> = {
    dialect: ctx.dialect.name,
    close: () => ctx.conn.close(),
    async ping() {
      try {
        await ctx.conn.rows(sql`select 1 as one`);
        return true;
      } catch {
        return false;
      }
    },
    exclusive: <T>(fn: () => Promise<T>) => ctx.conn.exclusive(fn),
    tryExclusive: <T>(name: string, fn: () => Promise<T>) => ctx.conn.tryExclusive(name, fn),
  };
  // One object with every part's methods (bound), so the runtime holds one store and callers take the part they use.
  for (const part of parts) {
    const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(part)) as (keyof typeof part)[];
    for (const name of methods) {
      const member = part[name] as unknown;
      if (name === 'constructor' || typeof member !== 'function') continue;
      if (name in store) throw new Error(`store method ${String(name)} defined twice`);
      store[name] = member.bind(part);
    }
  }
  return store as unknown as Store;
}
