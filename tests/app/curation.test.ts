import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle } from '../../src/app/cycle.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import type { TopicConfig } from '../../src/config/schema.ts';
import { silentLogger } from '../../src/lib/log.ts';
import { createMetrics } from '../../src/lib/metrics.ts';
import { createApp } from '../../src/web/app.ts';
import { rss } from '../support/feeds.ts';
import { type FixtureServer, serveBody, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults, type TestRuntime, testRuntime } from '../support/runtime.ts';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

/** The bundled cloud topic, as shipped in rundschau.yaml. */
async function bundledCloudTopic(): Promise<TopicConfig> {
  const loaded = await loadConfigFile(new URL('../../rundschau.yaml', import.meta.url).pathname);
  if (!loaded.ok) throw new Error('bundled config invalid');
  return loaded.config.topics.find((t) => t.slug === 'cloud')!;
}

describe('curated topic through the real pipeline', () => {
  let server: FixtureServer;
  let t: TestRuntime;
  let cloud: TopicConfig;
  const config = (topic: TopicConfig) => ({
    defaults: fastDefaults,
    sources: [
      { url: server.url('/heise.xml'), title: 'heise', category: 'Tech (de)', language: 'de' },
      { url: server.url('/golem.xml'), title: 'Golem', category: 'Tech (de)', language: 'de' },
    ],
    topics: [topic],
  });

  beforeAll(async () => {
    cloud = await bundledCloudTopic();
    server = await startFixtureServer();
    server.route(
      '/heise.xml',
      serveBody(
        rss('heise', [
          {
            id: 'h1',
            title: 'Alibaba eröffnet Rechenzentrum in Frankfurt',
            html: '<p>Der chinesische Cloud-Anbieter Alibaba baut sein Cloud-Geschäft in Europa aus und tritt gegen AWS, Microsoft Azure und Google an.</p>',
            date: hoursAgo(6),
          },
          {
            id: 'h2',
            title: 'Wetter: Dichte Wolken über Frankfurt',
            html: '<p>Am Wochenende bleibt es grau, der Regen lässt erst am Montag nach.</p>',
            date: hoursAgo(5),
          },
        ]),
      ),
    );
    server.route(
      '/golem.xml',
      serveBody(
        rss('Golem', [
          {
            id: 'g1',
            title: 'Alibaba Cloud: Rechenzentrum in Frankfurt eröffnet',
            html: '<p>Alibaba eröffnet in Frankfurt sein erstes europäisches Rechenzentrum für sein Cloud-Geschäft gegen AWS und Microsoft.</p>',
            date: hoursAgo(4),
          },
        ]),
      ),
    );
    t = await testRuntime(config(cloud));
  });
  afterAll(async () => {
    await t?.cleanup();
    await server?.close();
  });

  it('scores at ingest with evidence, groups one story from two sources, publishes it once', async () => {
    await runCycle(t.runtime, { force: true, sourceUrls: undefined });
    const page = await t.runtime.store.listTopicItems('cloud', 50);
    expect(page.items.map((i) => i.guid).sort()).toEqual(['g1', 'h1']);
    const evidence = page.items[0]!.evidence as { terms: { term: string }[] };
    expect(evidence.terms.map((x) => x.term)).toContain('rechenzentrum');
    expect(page.items[0]!.storyKey).toBeTruthy();
    expect(page.items[0]!.storyKey).toBe(page.items[1]!.storyKey);

    const app = createApp({
      store: t.runtime.store,
      config: t.runtime.config,
      metrics: createMetrics(false),
      log: silentLogger,
    });
    const res = await app.request('http://reader.test/feeds/cloud.json');
    expect(res.status).toBe(200);
    const feed = (await res.json()) as { items: { title: string; _source: { also?: unknown[] } }[] };
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]!.title).toContain('Alibaba');
    expect(feed.items[0]!._source.also).toHaveLength(1);
  });

  it('keeps an editor pin over re-scoring after the topic rules change', async () => {
    const weather = (await t.runtime.store.listItems({}, 50)).items.find((i) => i.guid === 'h2')!;
    await t.runtime.store.setTopicDecision('cloud', weather.id, 'pinned');
    const stricter: TopicConfig = { ...cloud, rules: { ...cloud.rules, threshold: 1000 } };
    await t.runtime.applyConfig({ ...t.runtime.config(), topics: [stricter] });
    const page = await t.runtime.store.listTopicItems('cloud', 50);
    expect(page.items.map((i) => i.guid)).toEqual(['h2']);
    await t.runtime.applyConfig({ ...t.runtime.config(), topics: [cloud] });
    expect((await t.runtime.store.listTopicItems('cloud', 50)).items.map((i) => i.guid).sort()).toEqual([
      'g1',
      'h1',
      'h2',
    ]);
  });
});
