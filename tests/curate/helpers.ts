import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { configSchema, type TopicConfig } from '../../src/config/schema.ts';
import { sharedDir } from '../support/corpus.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const devLabelsPath = join(sharedDir, 'corpus', 'curation', 'dev.jsonl');
export const seedArticlePath = join(sharedDir, 'seed', 'alibaba-frankfurt-de.txt');
export const extraLabelsPath = fileURLToPath(new URL('./fixtures/cloud-extra.jsonl', import.meta.url));
export const unseenLabelsPath = fileURLToPath(new URL('./fixtures/cloud-unseen.jsonl', import.meta.url));
export const freshLabelsPath = fileURLToPath(new URL('./fixtures/cloud-fresh.jsonl', import.meta.url));
export const holdoutLabelsPath = fileURLToPath(new URL('./fixtures/cloud-holdout.jsonl', import.meta.url));
export const hasDevLabels = existsSync(devLabelsPath);
export const hasSeedArticle = existsSync(seedArticlePath);

/** The `cloud` topic exactly as bundled in rundschau.yaml. */
export function bundledCloudTopic(): TopicConfig {
  const config = configSchema.parse(parse(readFileSync(`${repoRoot}rundschau.yaml`, 'utf8')));
  const topic = config.topics.find((t) => t.slug === 'cloud');
  if (!topic) throw new Error('rundschau.yaml has no cloud topic');
  return topic;
}

/** The brief's keyword baseline, applied to title + summary. */
export const BASELINE = /(cloud|rechenzent|data cent(er|re)|aws|azure|hyperscaler)/i;
