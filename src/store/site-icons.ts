import { eq } from 'drizzle-orm';
import type { StoreContext } from './context.ts';
import type { SiteIconRow, SiteIconStore } from './types.ts';

/** Site icons by origin (web/favicons.ts fetches them): kept in the database, so restarts and replicas share them. */
export class SqlSiteIconStore implements SiteIconStore {
  constructor(private readonly ctx: StoreContext) {}

  async siteIcon(origin: string): Promise<SiteIconRow | undefined> {
    const { siteIcons } = this.ctx.t;
    const [row] = await this.ctx.db.select().from(siteIcons).where(eq(siteIcons.origin, origin));
    if (!row) return undefined;
    return {
      origin: row.origin,
      contentType: row.contentType,
      body: row.contentType ? new Uint8Array(Buffer.from(row.body, 'base64')) : null,
      fetchedAt: Number(row.fetchedAt),
    };
  }

  async saveSiteIcon(origin: string, icon: { contentType: string; body: Uint8Array } | null, now = Date.now()) {
    const { siteIcons } = this.ctx.t;
    const values = {
      contentType: icon?.contentType ?? null,
      body: icon ? Buffer.from(icon.body).toString('base64') : '',
      fetchedAt: now,
    };
    await this.ctx.write((tx) =>
      tx
        .insert(siteIcons)
        .values({ origin, ...values })
        .onConflictDoUpdate({ target: siteIcons.origin, set: values }),
    );
  }
}
