/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { raw } from 'hono/html';
import type { TermEvidence } from '../src/curate/score.ts';
import { paths, withQuery } from '../src/lib/links.ts';
import { sourceName } from '../src/lib/source-name.ts';
import type { FullText, ItemWithSource, TopicDecision } from '../src/store/types.ts';
import { safeHref, type ViewCtx } from './context.ts';
import { Layout } from './layout.tsx';
import { PostForm, ReadToggle, StarToggle, TimeAgo } from './parts.tsx';

export interface ItemTopic {
  slug: string;
  title: string;
  score: number;
  evidence: unknown;
  decision: TopicDecision;
  included: boolean;
}

/** Evidence is whatever curate/ recorded: shown as a readable tree, every value escaped by JSX. */
function Evidence({ value, depth = 0 }: { value: unknown; depth?: number }) {
  if (value === null || value === undefined) return <span class="muted">—</span>;
  if (typeof value !== 'object') {
    return <span>{typeof value === 'number' ? String(Math.round(value * 1000) / 1000) : String(value)}</span>;
  }
  if (depth > 3) return <code>{JSON.stringify(value)}</code>;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) return <span>{value.map(String).join(', ')}</span>;
    return (
      <ul class="evidence-list">
        {value.slice(0, 50).map((v) => (
          <li>
            <Evidence value={v} depth={depth + 1} />
          </li>
        ))}
      </ul>
    );
  }
  const entries = Object.entries(value as Record<string, unknown>).slice(0, 50);
  return (
    <dl class="evidence">
      {entries.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>
            <Evidence value={v} depth={depth + 1} />
          </dd>
        </>
      ))}
    </dl>
  );
}

/** Stored evidence is JSON of curate's Evidence; an older or hand-edited record may lack a part: check, then show. */
function isMatchedTerm(v: unknown): v is TermEvidence {
  const m = v as TermEvidence;
  return typeof m?.term === 'string' && Array.isArray(m.fields) && typeof m.contribution === 'number';
}

/** The terms that decided, in words: "rechenzentrum (title, summary) +3.75". The full record stays below it. */
export function EvidenceSummary({ ctx, evidence }: { ctx: ViewCtx; evidence: unknown }) {
  const terms = (evidence as { terms?: unknown[] })?.terms;
  if (!Array.isArray(terms)) return null;
  const matched = terms.filter(isMatchedTerm).slice(0, 12);
  if (matched.length === 0) return null;
  return (
    <p class="evidence-terms">
      {ctx.t('matchedTerms')}:{' '}
      {matched.map((m, i) => (
        <>
          {i > 0 && ', '}
          <span class={m.contribution < 0 ? 'term term-negative' : 'term'}>
            {m.term} ({m.fields.map((f) => ctx.t(FIELD_KEY[f] ?? 'fieldContent')).join(', ')}){' '}
            {m.contribution > 0 ? '+' : ''}
            {m.contribution.toFixed(2)}
          </span>
        </>
      ))}
    </p>
  );
}

const FIELD_KEY = { title: 'fieldTitle', summary: 'fieldSummary', content: 'fieldContent' } as const;

const DECISION_KEY = { auto: 'decisionAuto', pinned: 'decisionPinned', excluded: 'decisionExcluded' } as const;

function TopicEvidence({ ctx, item, topic }: { ctx: ViewCtx; item: ItemWithSource; topic: ItemTopic }) {
  const { t } = ctx;
  return (
    <section class="topic-evidence" aria-labelledby={`topic-${topic.slug}`}>
      <h3 id={`topic-${topic.slug}`}>
        <a href={paths.topic(topic.slug)}>{topic.title}</a>{' '}
        <span class={topic.included ? 'badge badge-ok' : 'badge badge-new'}>
          {topic.included ? t('included') : t('notIncluded')}
        </span>
      </h3>
      <p class="entry-meta">
        {t('topicScore')}: <strong>{topic.score.toFixed(2)}</strong> · {t('decision')}:{' '}
        {t(DECISION_KEY[topic.decision])}
      </p>
      <EvidenceSummary ctx={ctx} evidence={topic.evidence} />
      <details>
        <summary>{t('evidence')}</summary>
        <Evidence value={topic.evidence} />
      </details>
      {ctx.canEdit && (
        <div class="entry-actions">
          {topic.decision !== 'pinned' && (
            <PostForm ctx={ctx} action={paths.itemTopicDecision(item.id, topic.slug)} fields={{ decision: 'pinned' }}>
              <button type="submit" class="btn btn-small">
                {t('pin')}
              </button>
            </PostForm>
          )}
          {topic.decision !== 'excluded' && (
            <PostForm ctx={ctx} action={paths.itemTopicDecision(item.id, topic.slug)} fields={{ decision: 'excluded' }}>
              <button type="submit" class="btn btn-small">
                {t('exclude')}
              </button>
            </PostForm>
          )}
          {topic.decision !== 'auto' && (
            <PostForm ctx={ctx} action={paths.itemTopicDecision(item.id, topic.slug)} fields={{ decision: 'auto' }}>
              <button type="submit" class="btn btn-small btn-quiet">
                {t('resetDecision')}
              </button>
            </PostForm>
          )}
        </div>
      )}
    </section>
  );
}

/** The item's full-text extraction as the page shows it. */
export interface ItemFullText {
  state: FullText | undefined;
  /** The source's `fullText` setting. */
  mode: 'auto' | 'always' | 'never';
  /** Whether this server can load the article on request (the button). */
  canLoad: boolean;
  /** `?content=feed`: the feed's own content although there is an article. */
  showFeedVersion: boolean;
}

/** The extracted article when there is one, and what the reader can do about it (switch versions, load it). */
function FullTextBar({ ctx, item, fullText }: { ctx: ViewCtx; item: ItemWithSource; fullText: ItemFullText }) {
  const { t } = ctx;
  const { state } = fullText;
  if (state?.status === 'done') {
    return (
      <p class="full-text-note muted">
        {fullText.showFeedVersion ? t('fullTextFeedShown') : t('fullTextShown')}{' '}
        <a href={withQuery(ctx.here, { content: fullText.showFeedVersion ? undefined : 'feed' })}>
          {fullText.showFeedVersion ? t('fullTextShowArticle') : t('fullTextShowFeed')}
        </a>
      </p>
    );
  }
  const queued = state?.status === 'pending' && !state.reason;
  const button = ctx.canEdit && fullText.canLoad && safeHref(item.link) && !queued;
  if (!state && !button) return null;
  return (
    <div class="full-text-note muted">
      {queued && <p>{t('fullTextQueued')}</p>}
      {state?.reason && <p>{t('fullTextFailed', { reason: state.reason })}</p>}
      {button && (
        <PostForm ctx={ctx} action={paths.itemFullText(item.id)}>
          <button type="submit" class="btn btn-small">
            {t('loadFullText')}
          </button>
        </PostForm>
      )}
    </div>
  );
}

export function ItemPage({
  ctx,
  item,
  topics,
  fullText,
  newer,
  older,
}: {
  ctx: ViewCtx;
  item: ItemWithSource;
  topics: ItemTopic[];
  fullText?: ItemFullText;
  /** Links to the neighbouring items of the list the reader came from (j/k follow them too). */
  newer?: string;
  older?: string;
}) {
  const { t } = ctx;
  const article = fullText?.state?.status === 'done' ? fullText.state.contentHtml || undefined : undefined;
  return (
    <Layout ctx={ctx} title={item.title || sourceName({ title: item.sourceTitle })}>
      <article class="item" data-id={String(item.id)} lang={item.language ?? undefined}>
        <header class="item-header">
          <p class="entry-meta">
            <a href={paths.source(item.sourceId)}>{item.sourceTitle}</a>
            <span aria-hidden="true"> · </span>
            <a href={paths.category(item.sourceCategory)}>{item.sourceCategory}</a>
          </p>
          <h1 class="item-title">{item.title || '—'}</h1>
          <p class="entry-meta">
            {item.author && (
              <>
                {t('by', { author: item.author })}
                <span aria-hidden="true"> · </span>
              </>
            )}
            {t('published')} <TimeAgo ctx={ctx} at={item.publishedAt} estimated={item.dateEstimated} />
            {item.updatedAt && item.updatedAt > item.publishedAt + 60_000 && (
              <>
                <span aria-hidden="true"> · </span>
                {t('updated')} <TimeAgo ctx={ctx} at={item.updatedAt} />
              </>
            )}
          </p>
          <div class="entry-actions">
            {safeHref(item.link) && (
              <a
                href={safeHref(item.link)}
                class="btn btn-primary"
                rel="noopener noreferrer"
                target="_blank"
                data-original=""
              >
                {t('openOriginal')} ↗
              </a>
            )}
            {ctx.canEdit && (
              // Without JavaScript the form redirects back here: `keep=unread` stops that visit marking it read again.
              <ReadToggle
                ctx={ctx}
                id={item.id}
                read={item.read}
                back={withQuery(ctx.here, { keep: item.read ? 'unread' : undefined })}
              />
            )}
            {ctx.canEdit && <StarToggle ctx={ctx} id={item.id} starred={item.starred} />}
          </div>
        </header>
        {fullText && <FullTextBar ctx={ctx} item={item} fullText={fullText} />}
        <div class="item-content">
          {article && !fullText?.showFeedVersion ? (
            raw(ctx.proxyMedia(article))
          ) : item.contentHtml ? (
            raw(ctx.proxyMedia(item.contentHtml))
          ) : (
            <p>{item.summary || t('noContent')}</p>
          )}
        </div>
        {item.enclosures.length > 0 && (
          <section class="item-section">
            <h2>{t('enclosures')}</h2>
            <ul>
              {item.enclosures.map((e) => (
                <li>
                  <a href={safeHref(e.url)} rel="noopener noreferrer">
                    {e.url.split('/').pop() || e.url}
                  </a>
                  {e.type && <span class="muted"> ({e.type})</span>}
                </li>
              ))}
            </ul>
          </section>
        )}
        {item.categories.length > 0 && (
          <section class="item-section">
            <h2>{t('categories')}</h2>
            <ul class="tags">
              {item.categories.map((c) => (
                <li class="tag">{c}</li>
              ))}
            </ul>
          </section>
        )}
        {topics.length > 0 && (
          <section class="item-section">
            <h2>{t('whyHere')}</h2>
            {topics.map((topic) => (
              <TopicEvidence ctx={ctx} item={item} topic={topic} />
            ))}
          </section>
        )}
      </article>
      {(newer || older) && (
        <nav class="pager item-pager" aria-label={t('pageOf')}>
          {newer && (
            <a href={newer} class="btn" rel="prev">
              ← {t('newerItem')}
            </a>
          )}
          {older && (
            <a href={older} class="btn" rel="next">
              {t('olderItem')} →
            </a>
          )}
        </nav>
      )}
    </Layout>
  );
}
