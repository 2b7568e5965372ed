import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Hono } from 'hono';
import { type FormProblems, IssueList } from '../../../views/sources.tsx';
import {
  type DryRun,
  type DryRunItem,
  DryRunResult,
  type TopicPicturesData,
  TopicRulesPage,
} from '../../../views/topic-rules.tsx';
import { setTopicRulesInText, topicRulesText } from '../../config/edit.ts';
import { ConfigError, parseConfigText } from '../../config/load.ts';
import type { TopicConfig } from '../../config/schema.ts';
import { evaluateTopic } from '../../curate/eval.ts';
import { type LearnedModel, modelReady, trainModel } from '../../curate/model.ts';
import { compileTopic, type Evidence, SCORED_BODY_CHARS, scoreItem } from '../../curate/score.ts';
import { htmlToText } from '../../lib/html-text.ts';
import { paths, withQuery } from '../../lib/links.ts';
import type { StatsStore } from '../../store/types.ts';
import type { AppDeps } from '../deps.ts';
import { renderPage, type ViewCtxFactory, type WebContext, type WebEnv } from '../request-context.ts';
import { requireEditor } from './actions.ts';
import { notFoundPage } from './errors.ts';

/** How many of the newest items a dry run scores. */
export const DRY_RUN_ITEMS = 300;

/**
 * Editing a topic's rules from the reader: the `rules:` block as YAML, a dry run over the newest items (who would
 * enter, who would leave, and why — curate's evidence; precision/recall on the topic's labels file when it names
 * one), and saving, which is an edit of rundschau.yaml: the new rules hash re-scores the stored items as any config
 * edit does.
 */
export function topicRoutes(deps: AppDeps, viewCtx: ViewCtxFactory): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const editor = requireEditor();

  const configured = (slug: string) => deps.config().topics.find((t) => t.slug === slug);

  async function fileText(): Promise<string | undefined> {
    if (!deps.manager) return undefined;
    return readFile(deps.manager.configPath, 'utf8').catch(() => undefined);
  }

  app.get('/topics/:slug/rules', editor, async (c) => {
    const topic = configured(c.req.param('slug'));
    if (!topic) return notFoundPage(c, viewCtx);
    const text = await fileText();
    const rules = (text && topicRulesText(text, topic.slug)) ?? '';
    return renderPage(c, TopicRulesPage({ ctx: viewCtx(c, 'topics'), slug: topic.slug, title: topic.title, rules }));
  });

  /** The rules as posted, checked as check-config checks the file (file:line:col), without writing anything. */
  async function candidateOf(current: TopicConfig, rules: string, configPath: string): Promise<TopicConfig> {
    const text = (await fileText()) ?? '';
    const next = setTopicRulesInText(text, configPath, current.slug, rules);
    const parsed = parseConfigText(next, configPath);
    if (!parsed.ok) throw new ConfigError(parsed.errors);
    return parsed.config.topics.find((t) => t.slug === current.slug)!;
  }

  const rulesOf = (body: Record<string, unknown>) =>
    typeof body.rules === 'string' ? body.rules.replace(/\r\n/g, '\n') : '';

  app.post('/topics/:slug/rules', editor, async (c) => {
    const m = deps.manager;
    if (!m) return c.text('editing the config is not available here (serve runs it)', 501);
    const current = configured(c.req.param('slug'));
    if (!current) return notFoundPage(c, viewCtx);
    const body = await c.req.parseBody();
    const rules = rulesOf(body);
    const page = (extra: { problems?: FormProblems; dryRun?: DryRun }, status = 200) =>
      renderPage(
        c as WebContext,
        TopicRulesPage({ ctx: viewCtx(c, 'topics'), slug: current.slug, title: current.title, rules, ...extra }),
        status as 200,
      );

    let candidate: TopicConfig;
    try {
      candidate = await candidateOf(current, rules, m.configPath);
    } catch (error) {
      return page({ problems: problemsOf(error) }, 422);
    }

    if (body.action === 'save') {
      try {
        await m.edit((text) => setTopicRulesInText(text, m.configPath, current.slug, rules));
      } catch (error) {
        return page({ problems: problemsOf(error) }, 422);
      }
      return c.redirect(withQuery(paths.topic(current.slug), { done: 'rules' }), 303);
    }
    return page({ dryRun: await dryRun(deps, current, candidate, m.configPath) });
  });

  // The live dry run: the same result as the "Dry run" button, as an HTML fragment for app.js to put in place while
  // the editor types (nothing is saved). Editors only, a POST behind the CSRF guard like every change.
  app.post('/topics/:slug/rules/dry-run', editor, async (c) => {
    const m = deps.manager;
    if (!m) return c.text('editing the config is not available here (serve runs it)', 501);
    const current = configured(c.req.param('slug'));
    if (!current) return c.text('no such topic', 404);
    const rules = rulesOf(await c.req.parseBody());
    const ctx = viewCtx(c, 'topics');
    let fragment: unknown;
    let status = 200;
    try {
      const candidate = await candidateOf(current, rules, m.configPath);
      fragment = DryRunResult({ ctx, dryRun: await dryRun(deps, current, candidate, m.configPath) });
    } catch (error) {
      fragment = IssueList({ ctx, problems: problemsOf(error) });
      status = 422;
    }
    c.header('Cache-Control', 'no-store');
    return c.html(String(await fragment), status as 200);
  });

  return app;
}

function problemsOf(error: unknown): FormProblems {
  if (error instanceof ConfigError) return { fields: {}, issues: error.issues };
  return { fields: {}, issues: [], message: (error as Error).message };
}

/**
 * Scores the newest items with the current and the candidate rules (and the model learned from editors' decisions,
 * as the curator does); an editor's pin or exclusion decides either way. Labels: precision/recall before and after.
 */
export async function dryRun(
  deps: AppDeps,
  current: TopicConfig,
  candidate: TopicConfig,
  configPath: string,
): Promise<DryRun> {
  const [page, decisions] = await Promise.all([
    deps.store.listItems({}, DRY_RUN_ITEMS, undefined, { content: true }),
    deps.store.topicDecisions(current.slug),
  ]);
  const decided = new Map(decisions.map((d) => [d.item.id, d.decision]));
  const trained = trainModel(
    decisions.map(({ item, decision }) => ({
      title: item.title,
      summary: item.summary,
      language: item.language,
      label: decision === 'pinned',
    })),
  );
  const model: LearnedModel | null = modelReady(trained) ? trained : null;
  const before = compileTopic(current);
  const after = compileTopic(candidate);
  const result: DryRun = { scanned: page.items.length, enter: [], leave: [], stay: 0 };
  for (const item of page.items) {
    const input = {
      title: item.title,
      summary: item.summary,
      contentText: htmlToText(item.contentHtml, SCORED_BODY_CHARS * 5).slice(0, SCORED_BODY_CHARS),
      language: item.language,
      sourceUrl: item.sourceUrl,
      category: item.sourceCategory,
    };
    const decision = decided.get(item.id);
    const was = decision ? decision === 'pinned' : scoreItem(before, input, model).included;
    const scored = scoreItem(after, input, model);
    const now = decision ? decision === 'pinned' : scored.included;
    const row: DryRunItem = {
      id: item.id,
      title: item.title,
      sourceTitle: item.sourceTitle,
      score: scored.score,
      evidence: scored.evidence as Evidence,
    };
    if (now && !was) result.enter.push(row);
    else if (was && !now) result.leave.push(row);
    else if (now) result.stay++;
  }
  if (candidate.labels) {
    const file = resolve(dirname(configPath), candidate.labels);
    const labels = await readFile(file, 'utf8').catch(() => undefined);
    if (labels !== undefined) {
      const b = evaluateTopic(current, labels);
      const a = evaluateTopic(candidate, labels);
      result.labels = {
        file: candidate.labels,
        before: { precision: b.precision, recall: b.recall, f1: b.f1 },
        after: { precision: a.precision, recall: a.recall, f1: a.f1 },
      };
    }
  }
  return result;
}

const DAY_MS = 86_400_000;
const TOPIC_DAYS = 30;

/** The topic page's pictures: items entering per day by language (30 days), and the editors' share. */
export async function topicPictures(
  deps: Pick<AppDeps, 'now'> & { store: Pick<StatsStore, 'topicItemsPerDay' | 'topicDecisionCounts'> },
  slug: string,
): Promise<TopicPicturesData> {
  const today = Math.floor((deps.now?.() ?? Date.now()) / DAY_MS);
  const first = today - TOPIC_DAYS + 1;
  const [rows, decisions] = await Promise.all([
    deps.store.topicItemsPerDay(slug, first * DAY_MS),
    deps.store.topicDecisionCounts(slug),
  ]);
  const byLanguage = new Map<string, number[]>();
  for (const r of rows) {
    if (r.day < first || r.day > today) continue;
    let values = byLanguage.get(r.language);
    if (!values) {
      values = new Array(TOPIC_DAYS).fill(0);
      byLanguage.set(r.language, values);
    }
    values[r.day - first]! += r.n;
  }
  // Most frequent language first: it gets the first colour.
  const languages = [...byLanguage]
    .map(([language, values]) => ({ language, values }))
    .sort((a, b) => b.values.reduce((x, y) => x + y, 0) - a.values.reduce((x, y) => x + y, 0));
  return { days: TOPIC_DAYS, byLanguage: languages, decisions };
}
