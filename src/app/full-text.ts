import pLimit from 'p-limit';
import { PAGE_MAX_BYTES, PAGE_TIME_BUDGET_MS } from '../extract/budget.ts';
import { siteRuleFor } from '../extract/site-rules.ts';
import { fullTextModeOf, wantsFullText } from '../extract/truncation.ts';
import { fetchFeed } from '../fetch/http.ts';
import { collapseWhitespace, htmlToText } from '../lib/html-text.ts';
import { hostOf } from '../lib/url.ts';
import type { FullTextOutcome, ItemWithSource, SourceRow, StoredItem } from '../store/types.ts';
import { withArticle } from './curator.ts';
import type { IngestContext } from './ingest-context.ts';

/** Extractions one cycle takes on; the rest wait for the next cycle (the scheduler's next tick). */
export const FULL_TEXTS_PER_CYCLE = 2000;
/** A claimed extraction is free for others again after this long (a crashed process's claims lapse). */
const CLAIM_LEASE_MS = 10 * 60_000;
/** Attempts before giving up on a page that keeps failing for reasons that may pass (timeouts, 5xx, …). */
export const MAX_FULL_TEXT_ATTEMPTS = 4;
/** Wait after the n-th failed attempt: 15 min, 1 h, 4 h. */
const RETRY_BASE_MS = 15 * 60_000;
/** Failures that another attempt will not change: the item keeps its feed content at once. */
const FINAL_REASONS = new Set([
  'not_found',
  'gone',
  'blocked',
  'not_html',
  'too_large',
  'too_complex',
  'no_article',
  'bad_redirect',
]);
const PAGE_ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1';

export interface FullTextSummary {
  done: number;
  retrying: number;
  failed: number;
  durationMs: number;
}

/** At ingest: queues the new items whose content wants the linked page (once per item; never on a re-fetch). */
export async function queueFullTexts(ctx: IngestContext, source: SourceRow, inserted: StoredItem[]): Promise<void> {
  const mode = fullTextModeOf(ctx.config(), source.configUrl);
  if (mode === 'never' || inserted.length === 0) return;
  const wanted = inserted.filter((item) => wantsFullText(mode, item)).map((item) => item.id);
  if (wanted.length > 0) await ctx.store.queueFullTexts(wanted, (ctx.now ?? Date.now)());
}

/**
 * After a cycle's feeds are stored: works off the due extractions, politely per host like feeds, the CPU part in the
 * worker pool. A failure keeps the feed's content and records why; one that may pass is retried with backoff.
 */
export async function runFullTexts(
  ctx: IngestContext,
  opts: { limit?: number; signal?: AbortSignal } = {},
): Promise<FullTextSummary> {
  const t0 = performance.now();
  const now = ctx.now ?? Date.now;
  const summary: FullTextSummary = { done: 0, retrying: 0, failed: 0, durationMs: 0 };
  const claimed = await ctx.store.claimFullTexts(opts.limit ?? FULL_TEXTS_PER_CYCLE, CLAIM_LEASE_MS, now());
  if (claimed.length === 0) return summary;
  const attempts = new Map(claimed.map((c) => [c.itemId, c.attempts]));
  const sources = new Map((await ctx.store.listSources()).map((s) => [s.id, s]));
  const limit = pLimit(Math.max(4, ctx.config().defaults.concurrency));
  // Items are read in small groups: a group's bodies are all that is held at once.
  const ids = claimed.map((c) => c.itemId);
  for (let i = 0; i < ids.length; i += 200) {
    if (opts.signal?.aborted) break;
    const items = await ctx.store.getItemsByIds(ids.slice(i, i + 200));
    const extracted = new Map<number, StoredItem[]>();
    await Promise.all(
      items.map((item) =>
        limit(async () => {
          const source = sources.get(item.sourceId);
          const outcome = await extractItem(ctx, item, source, attempts.get(item.id) ?? 0, false);
          if (outcome.status === 'done') {
            summary.done++;
            const list = extracted.get(item.sourceId) ?? [];
            list.push(withArticle(item, outcome.contentHtml));
            extracted.set(item.sourceId, list);
          } else if (outcome.status === 'pending') summary.retrying++;
          else summary.failed++;
        }),
      ),
    );
    // Topic scores follow the articles, one scoring job per source of the group rather than one per page.
    for (const [sourceId, list] of extracted) {
      const source = sources.get(sourceId);
      if (source) await rescore(ctx, list, source);
    }
  }
  summary.durationMs = Math.round(performance.now() - t0);
  return summary;
}

/** One item: fetch its page, extract, store the outcome; re-scores the item for topics when it got an article. */
export async function extractItem(
  ctx: IngestContext,
  item: ItemWithSource,
  source: SourceRow | undefined,
  attemptsBefore: number,
  score = true,
): Promise<FullTextOutcome> {
  const now = ctx.now ?? Date.now;
  let outcome: FullTextOutcome;
  try {
    outcome = await attempt(ctx, item, source);
  } catch (error) {
    outcome = { status: 'pending', reason: 'internal', error: error instanceof Error ? error.message : String(error) };
  }
  if (outcome.status !== 'done') {
    const attempts = attemptsBefore + 1;
    const final = FINAL_REASONS.has(outcome.reason) || attempts >= MAX_FULL_TEXT_ATTEMPTS;
    outcome = final
      ? { ...outcome, status: 'failed' }
      : { ...outcome, status: 'pending', nextAttemptAt: now() + RETRY_BASE_MS * 4 ** (attempts - 1) };
  }
  await ctx.store.finishFullText(item.id, outcome, now());
  ctx.metrics.fullTexts.inc({
    outcome: outcome.status === 'done' ? 'done' : outcome.status === 'pending' ? 'retry' : 'failed',
    reason: outcome.status === 'done' ? '' : outcome.reason,
  });
  if (score && outcome.status === 'done' && source)
    await rescore(ctx, [withArticle(item, outcome.contentHtml)], source);
  return outcome;
}

/** Topic scoring judges the article from now on (body weight bounded as for feed content, curate/score.ts). */
async function rescore(ctx: IngestContext, items: StoredItem[], source: SourceRow): Promise<void> {
  try {
    await ctx.curator.scoreItems(items, source);
  } catch (error) {
    ctx.log.warn({ err: error, items: items.length }, 're-scoring items after extraction failed');
  }
}

async function attempt(
  ctx: IngestContext,
  item: ItemWithSource,
  source: SourceRow | undefined,
): Promise<FullTextOutcome> {
  if (!item.link) return { status: 'failed', reason: 'no_link', error: 'the item has no link' };
  const defaults = ctx.config().defaults;
  const base = ctx.fetchOptions();
  // A feed chooses its links: only the feed's own host (the operator chose it, loopback included) is reached as the
  // feed is; every other private or special address is refused, on the link, its redirects and its DNS answers.
  const feedHost = source ? safeHostname(source.fetchUrl) : undefined;
  const fetched = await ctx.limiter.run(hostOf(item.link), () =>
    fetchFeed(
      { url: item.link! },
      {
        ...base,
        accept: PAGE_ACCEPT,
        maxBodyBytes: Math.min(defaults.maxBodyBytes, PAGE_MAX_BYTES),
        publicOnly: true,
        trustedHost: feedHost,
      },
    ),
  );
  if (fetched.kind === 'error') return { status: 'pending', reason: fetched.reason, error: fetched.message };
  // Validators are not sent (an item's page is extracted once), so a 304 is a server's mistake: try again later.
  if (fetched.kind === 'not_modified') return { status: 'pending', reason: 'http_error', error: 'HTTP 304 unasked' };
  const result = await ctx.pool.extract(
    {
      body: fetched.body,
      contentType: fetched.contentType,
      url: fetched.finalUrl,
      rule: siteRuleFor(fetched.finalUrl, ctx.config().sites),
      feedTextLength: collapseWhitespace(htmlToText(item.contentHtml)).length,
    },
    PAGE_TIME_BUDGET_MS,
  );
  if (!result.ok) return { status: 'pending', reason: result.reason, error: result.message };
  return { status: 'done', contentHtml: result.html };
}

function safeHostname(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/**
 * "Load full article" on the item page: this item's page now (queued again first, so a failure is recorded as at
 * ingest). Undefined when there is no such item.
 */
export async function extractNow(ctx: IngestContext, itemId: number): Promise<FullTextOutcome | undefined> {
  const item = await ctx.store.getItem(itemId);
  if (!item) return undefined;
  await ctx.store.queueFullTexts([itemId], (ctx.now ?? Date.now)(), true);
  return extractItem(ctx, item, await ctx.store.getSource(item.sourceId), 0);
}
