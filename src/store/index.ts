import { openConnection, resolveDatabaseUrl } from './db.ts';
import { SqlStore } from './store.ts';
import type { Store } from './types.ts';

export { isPostgresUrl, resolveDatabaseUrl } from './db.ts';
export type * from './types.ts';

/** Opens (and migrates) the store at `url`: a SQLite path, `file:` URL or `:memory:`, or `postgres://…`. */
export async function openStore(url: string = resolveDatabaseUrl()): Promise<Store> {
  return new SqlStore(await openConnection(url));
}
