import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeItem } from '../support/items.ts';
import { waitFor } from '../support/wait.ts';
import { Client } from '../support/web.ts';
import { type ManagedApp, managedApp } from './managed-app.ts';

let env: ManagedApp | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const DAY = 86_400_000;

async function setup() {
  env = await managedApp(
    (srv) => `# topics kept by hand
sources:
  - url: ${srv.url('/one.xml')}
    title: One
    category: Tech
topics:
  - slug: cloud
    title: Cloud
    languages: [de, en]
    labels: labels.jsonl   # precision/recall in the rule editor
    rules:
      threshold: 1
      terms:
        any:
          cloud: 1    # the word itself
`,
  );
  await writeFile(
    join(env.rt.dir, 'labels.jsonl'),
    [
      { id: 'l1', lang: 'en', title: 'Cloud prices rise', summary: '', label: 'cloud' },
      { id: 'l2', lang: 'en', title: 'Kubernetes on AWS', summary: '', label: 'cloud' },
      { id: 'l3', lang: 'en', title: 'Weather: clouds tomorrow', summary: '', label: 'other' },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n'),
  );
  const store = env.rt.runtime.store;
  const [source] = await store.listSources();
  const now = Date.now();
  const { inserted } = await store.upsertItems(
    source!.id,
    [
      makeItem({ uid: 'a', title: 'Cloud market grows', language: 'en', publishedAt: now - 1 * DAY }),
      makeItem({ uid: 'b', title: 'AWS opens a region', language: 'en', publishedAt: now - 2 * DAY }),
      makeItem({ uid: 'c', title: 'Neue Cloud-Preise', language: 'de', publishedAt: now - 2 * DAY }),
      makeItem({ uid: 'd', title: 'A recipe for soup', language: 'en', publishedAt: now - 3 * DAY }),
    ],
    now,
  );
  await env.rt.runtime.curator.scoreItems(inserted, source!);
  const client = new Client(env.app);
  const csrf = await client.csrf('/topics/cloud/rules');
  const id = (uid: string) => inserted.find((i) => i.uid === uid)!.id;
  return { client, csrf, path: env.rt.configPath, id, store };
}

describe('editing a topic’s rules from the reader', () => {
  it('shows the rules block as written, and a dry run with the items that would enter and leave, and why', async () => {
    const { client, csrf, path, id } = await setup();
    const { html } = await client.get('/topics/cloud/rules');
    expect(html).toContain('cloud: 1    # the word itself');
    const before = await readFile(path, 'utf8');
    const res = await client.post('/topics/cloud/rules', {
      _csrf: csrf,
      action: 'dry-run',
      rules: 'threshold: 1\nterms:\n  any:\n    aws: 2   # the provider\n',
    });
    expect(res.status).toBe(200);
    const page = await res.text();
    const section = (cls: string) =>
      page.slice(page.indexOf(`dry-run ${cls}`), page.indexOf('</section>', page.indexOf(`dry-run ${cls}`)));
    expect(section('enter')).toContain(`data-item="${id('b')}"`);
    expect(section('enter')).toMatch(/score 3\.00 \(threshold 1\)/);
    expect(section('leave')).toContain(`data-item="${id('a')}"`);
    expect(section('leave')).toContain(`data-item="${id('c')}"`);
    expect(page).not.toContain(`data-item="${id('d')}"`);
    expect(page).toMatch(/Of the newest 4 items: 1 would enter, 2 would leave, 0 stay in\./);
    // Labels: the old rules find the cloud-price item, the new ones the AWS one.
    expect(page).toMatch(/On the labels \(labels\.jsonl\): precision 100\.0 %, recall 50\.0 %/);
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('refuses rules check-config would refuse, with file:line:col, and writes nothing', async () => {
    const { client, csrf, path } = await setup();
    const before = await readFile(path, 'utf8');
    const res = await client.post('/topics/cloud/rules', { _csrf: csrf, action: 'save', rules: 'threshold: high\n' });
    expect(res.status).toBe(422);
    expect(await res.text()).toMatch(/rundschau\.yaml:\d+:\d+<\/code> <code>topics\[0\]\.rules\.threshold<\/code>/);
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('saves: the file gets the new block (comments kept), stored items are re-scored', async () => {
    const { client, csrf, path, id, store } = await setup();
    const res = await client.post('/topics/cloud/rules', {
      _csrf: csrf,
      action: 'save',
      rules: 'threshold: 1\nterms:\n  any:\n    aws: 2   # the provider\n',
    });
    expect(res.headers.get('location')).toBe('/topics/cloud?done=rules');
    const text = await readFile(path, 'utf8');
    expect(text).toContain(
      '    rules:\n      threshold: 1\n      terms:\n        any:\n          aws: 2   # the provider\n',
    );
    expect(text).toContain('labels: labels.jsonl   # precision/recall in the rule editor');
    const items = (await store.listTopicItems('cloud', 10)).items.map((i) => i.id);
    expect(items).toEqual([id('b')]);
  });

  it('pins an item the scorer never stored, and the topic page pictures the decision', async () => {
    const { client, csrf, id, store } = await setup();
    const soup = id('d');
    expect((await store.itemTopics(soup)).find((t) => t.slug === 'cloud')?.included ?? false).toBe(false);
    const { html } = await client.get(`/items/${soup}`);
    expect(html).toContain(`action="/items/${soup}/topics/cloud"`);
    await client.post(`/items/${soup}/topics/cloud`, { _csrf: csrf, decision: 'pinned' });
    expect((await store.listTopicItems('cloud', 10)).items.map((i) => i.id)).toContain(soup);
    const topic = (await client.get('/topics/cloud')).html;
    expect(topic).toMatch(/class="chart share topic-decisions"[^>]*data-total="3"/);
    expect(topic).toMatch(/<path class="lang-1" d="[^"]+" data-v="1"\/>/);
    expect(topic).toContain('Of 3 items: 2 by score, 1 pinned, 0 excluded by editors');
    // One item a day: English on two days (the pinned one and a), German on one.
    const perDay = topic.slice(topic.indexOf('topic-per-day'), topic.indexOf('</svg>', topic.indexOf('topic-per-day')));
    expect(perDay).toMatch(/data-max="1"/);
    expect(/<path class="lang-0" d="([^"]+)"/.exec(perDay)![1]!.match(/M/g)).toHaveLength(2);
    expect(/<path class="lang-1" d="([^"]+)"/.exec(perDay)![1]!.match(/M/g)).toHaveLength(1);
  });

  it('answers the live dry run as a fragment while the rules are typed: no save, CSRF-checked, editors only', async () => {
    const { client, csrf, path, id } = await setup();
    const before = await readFile(path, 'utf8');
    const rules = 'threshold: 1\nterms:\n  any:\n    aws: 2\n';
    const res = await client.post('/topics/cloud/rules/dry-run', { _csrf: csrf, rules });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const fragment = await res.text();
    expect(fragment.startsWith('<section class="dry-run-result" data-dry-run="">')).toBe(true);
    expect(fragment).not.toContain('<html');
    expect(fragment).toMatch(/Of the newest 4 items: 1 would enter, 2 would leave, 0 stay in\./);
    expect(fragment).toContain(`data-item="${id('b')}"`);
    expect(fragment).toMatch(/On the labels \(labels\.jsonl\): precision 100\.0 %, recall 50\.0 %/);
    // The same result as the form's "Dry run" button (without JavaScript).
    const page = await (await client.post('/topics/cloud/rules', { _csrf: csrf, action: 'dry-run', rules })).text();
    expect(page).toContain(fragment);
    // Half-typed rules: check-config's words, still nothing written.
    const bad = await client.post('/topics/cloud/rules/dry-run', { _csrf: csrf, rules: 'threshold: [\n' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toMatch(/^<div class="notice notice-error form-problems" role="alert">/);
    // No token: refused.
    expect((await client.post('/topics/cloud/rules/dry-run', { rules })).status).toBe(403);
    // The page carries the endpoint for app.js.
    expect((await client.get('/topics/cloud/rules')).html).toContain(
      'data-dry-run-url="/topics/cloud/rules/dry-run" aria-live="polite"',
    );
    expect(await readFile(path, 'utf8')).toBe(before);

    // With a password, an anonymous visitor gets no dry run.
    const { hashPassword } = await import('../../src/web/auth.ts');
    await writeFile(
      path,
      before.replace('topics:\n', `server:\n  passwordHash: "${await hashPassword('pw')}"\ntopics:\n`),
    );
    await waitFor(() => Boolean(env!.rt.runtime.config().server.passwordHash));
    const anonymous = new Client(env!.app);
    const denied = await anonymous.post('/topics/cloud/rules/dry-run', {
      _csrf: await anonymous.csrf('/topics'),
      rules,
    });
    expect(denied.status).toBe(303);
    expect(denied.headers.get('location')).toMatch(/^\/login/);
  });
});
