/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */

import type { Evidence } from '../src/curate/score.ts';
import { paths } from '../src/lib/links.ts';
import { sourceName } from '../src/lib/source-name.ts';
import { shareBar, stackedBars } from './charts.ts';
import type { ViewCtx } from './context.ts';
import { EvidenceSummary } from './item.tsx';
import { Layout } from './layout.tsx';
import { PostForm } from './parts.tsx';
import { type FormProblems, IssueList } from './sources.tsx';

export interface DryRunItem {
  id: number;
  title: string;
  sourceTitle: string;
  score: number;
  evidence: Evidence;
}

export interface DryRun {
  scanned: number;
  enter: DryRunItem[];
  leave: DryRunItem[];
  stay: number;
  labels?: {
    file: string;
    before: { precision: number; recall: number; f1: number };
    after: { precision: number; recall: number; f1: number };
  };
}

/** Why an item is in or out, in a few words: the filter or rule that decided, else its score against the threshold. */
function why(ctx: ViewCtx, e: Evidence, score: number): string {
  const parts: string[] = [];
  if (!e.filters.language) parts.push('language filter');
  if (!e.filters.source) parts.push('source filter');
  if (!e.filters.category) parts.push('category filter');
  if (!e.required.ok) parts.push(`required: none of ${e.required.terms.join(', ')}`);
  if (e.excluded.hits.length > 0 && !e.excluded.overriddenBy) parts.push(`excluded: ${e.excluded.hits.join(', ')}`);
  for (const c of e.context) parts.push(`${c.rule} ${c.contribution > 0 ? '+' : ''}${c.contribution.toFixed(2)}`);
  parts.unshift(ctx.t('whyScore', { s: score.toFixed(2), th: e.threshold }));
  return parts.join(' · ');
}

function DryRunList({ ctx, title, items, cls }: { ctx: ViewCtx; title: string; items: DryRunItem[]; cls: string }) {
  return (
    <section class={`dry-run ${cls}`}>
      <h3>
        {title} ({String(items.length)})
      </h3>
      <ul>
        {items.map((item) => (
          <li data-item={String(item.id)}>
            <a href={paths.item(item.id)}>{item.title || '—'}</a>{' '}
            <span class="muted small">{sourceName({ title: item.sourceTitle })}</span>
            <div class="small">{why(ctx, item.evidence, item.score)}</div>
            <EvidenceSummary ctx={ctx} evidence={item.evidence} />
          </li>
        ))}
      </ul>
    </section>
  );
}

const pct = (n: number) => `${(n * 100).toFixed(1)} %`;

/** Which of the newest items a rule change lets in and out, and why; P/R on the labels when there are labels. */
export function DryRunResult({ ctx, dryRun }: { ctx: ViewCtx; dryRun: DryRun }) {
  const { t } = ctx;
  return (
    <section class="dry-run-result" data-dry-run="">
      <h2>{t('dryRun')}</h2>
      <p>
        {t('dryRunSummary', {
          n: dryRun.scanned,
          enter: dryRun.enter.length,
          leave: dryRun.leave.length,
          stay: dryRun.stay,
        })}
      </p>
      {dryRun.labels && (
        <p class="labels-score">
          {t('labelsScore', {
            file: dryRun.labels.file,
            p: pct(dryRun.labels.after.precision),
            r: pct(dryRun.labels.after.recall),
            f: pct(dryRun.labels.after.f1),
            p0: pct(dryRun.labels.before.precision),
            r0: pct(dryRun.labels.before.recall),
          })}
        </p>
      )}
      {dryRun.enter.length + dryRun.leave.length === 0 && <p class="muted">{t('noChange')}</p>}
      {dryRun.enter.length > 0 && <DryRunList ctx={ctx} title={t('wouldEnter')} items={dryRun.enter} cls="enter" />}
      {dryRun.leave.length > 0 && <DryRunList ctx={ctx} title={t('wouldLeave')} items={dryRun.leave} cls="leave" />}
    </section>
  );
}

export function TopicRulesPage({
  ctx,
  slug,
  title,
  rules,
  problems,
  dryRun,
}: {
  ctx: ViewCtx;
  slug: string;
  title: string;
  rules: string;
  problems?: FormProblems;
  dryRun?: DryRun;
}) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t('rulesTitle', { topic: title })}>
      <p>
        <a href={paths.topic(slug)}>← {title}</a>
      </p>
      <h1>{t('rulesTitle', { topic: title })}</h1>
      <p class="muted">{t('rulesHint')}</p>
      <IssueList ctx={ctx} problems={problems} />
      <div id="dry-run" class="dry-run-live" data-dry-run-url={paths.topicRulesDryRun(slug)} aria-live="polite">
        {dryRun && <DryRunResult ctx={ctx} dryRun={dryRun} />}
      </div>
      <PostForm ctx={ctx} action={paths.topicRules(slug)} class="rules-form source-form" back={paths.topicRules(slug)}>
        <div class="field">
          <label for="f-rules">{t('rulesYaml')}</label>
          <p class="muted small js-only">{t('dryRunLive')}</p>
          <textarea id="f-rules" name="rules" spellcheck={false} rows={24} data-dry-run-source="">
            {rules}
          </textarea>
        </div>
        <div class="action-row">
          <button type="submit" name="action" value="dry-run" class="btn">
            {t('dryRun')}
          </button>
          <button type="submit" name="action" value="save" class="btn btn-primary">
            {t('saveRules')}
          </button>
        </div>
      </PostForm>
    </Layout>
  );
}

export interface TopicPicturesData {
  days: number;
  /** Items entering per day, per language (oldest first). */
  byLanguage: { language: string; values: number[] }[];
  decisions: { auto: number; pinned: number; excluded: number };
}

/** The topic page's pictures: what enters per day by language, and how much of it editors decided. */
export function TopicPictures({ ctx, slug, data }: { ctx: ViewCtx; slug: string; data: TopicPicturesData }) {
  const { t } = ctx;
  const { auto, pinned, excluded } = data.decisions;
  const n = auto + pinned + excluded;
  return (
    <section class="topic-pictures">
      <h2>{t('topicPerDay')}</h2>
      {stackedBars(
        data.byLanguage.map((l, i) => ({ name: l.language, cls: `lang-${Math.min(i, 2)}`, values: l.values })),
        { width: 600, height: 80, label: t('topicPerDay'), cls: 'chart-large topic-per-day' },
      )}
      <p class="legend muted small">
        {data.byLanguage.map((l, i) => (
          <>
            <span class={`key key-lang-${Math.min(i, 2)}`} /> {l.language || '?'}{' '}
          </>
        ))}
      </p>
      {shareBar(
        [
          { cls: 'ok', value: auto },
          { cls: 'lang-1', value: pinned },
          { cls: 'all', value: excluded },
        ],
        { width: 600, height: 12, label: t('topicDecisions', { n, auto, pinned, excluded }), cls: 'topic-decisions' },
      )}
      <p class="muted small">
        {t('topicDecisions', { n, auto, pinned, excluded })}
        {ctx.canEdit && (
          <>
            {' · '}
            <a href={paths.topicRules(slug)}>{t('editRules')}</a>
          </>
        )}
      </p>
    </section>
  );
}

export function MessageNotice({ text }: { text: string }) {
  return (
    <p class="notice" role="status">
      {text}
    </p>
  );
}
