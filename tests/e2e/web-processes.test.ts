/**
 * `rundschau serve --web-processes 2` as real processes on one SQLite file: two web processes answer on one port
 * (two pids in /healthz), what one of them writes (star, mark read) the other shows, a login made through one is
 * good in the other, the login throttle is one for both, exactly one scheduler fetches (a loopback feed is asked
 * for once per due time, not once per process), a killed web process is replaced, and SIGTERM ends them all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/web/auth.ts';
import { createWorkspace, logLines, type SpawnedCli, spawnCli, type Workspace, waitFor } from '../support/cli.ts';
import { dialects, type TestDatabase } from '../support/databases.ts';
import { entries, rss } from '../support/feeds.ts';
import { type FixtureServer, startFixtureServer } from '../support/fixture-server.ts';
import { fastDefaults } from '../support/runtime.ts';

interface Health {
  status: string;
  role?: string;
  pid?: number;
}

const PASSWORD = 'correct horse battery staple';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

for (const dialect of dialects) {
  describe.skipIf(dialect.skip !== '')(
    `rundschau serve --web-processes 2 (real processes, ${dialect.name}) ${dialect.skip}`,
    () => {
      let database: TestDatabase | undefined;
      let server: FixtureServer;
      let ws: Workspace;
      let serve: SpawnedCli;
      let baseUrl: string;
      let feedRequests = 0;
      const diagnostics = () => `serve stderr:\n${serve?.stderr.slice(-4000)}`;

      /** Asks /healthz on fresh connections until `n` distinct web pids have answered. */
      async function webPids(n: number): Promise<Set<number>> {
        const pids = new Set<number>();
        await waitFor(
          async () => {
            const health = (await (
              await fetch(`${baseUrl}/healthz`, { headers: { connection: 'close' } })
            ).json()) as Health;
            expect(health.role).toBe('web');
            pids.add(health.pid!);
            return pids.size >= n;
          },
          { timeoutMs: 20_000, what: () => `${n} distinct web pids (saw ${[...pids]}); ${diagnostics()}` },
        );
        return pids;
      }

      /**
       * The same request on `n` fresh connections: node:cluster hands new connections to the web processes in turn, so
       * these reach both (webPids shows that fresh connections do).
       */
      async function onFreshConnections(path: string, headers: Record<string, string> = {}, n = 6) {
        const answers: { status: number; text: string }[] = [];
        for (let i = 0; i < n; i++) {
          const res = await fetch(`${baseUrl}${path}`, {
            redirect: 'manual',
            headers: { ...headers, connection: 'close' },
          });
          answers.push({ status: res.status, text: await res.text() });
        }
        return answers;
      }

      /** A form POST as the reader's pages send it (same origin, CSRF token). */
      const post = (path: string, cookie: string, form: Record<string, string>) =>
        fetch(`${baseUrl}${path}`, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            cookie,
            origin: baseUrl,
            'content-type': 'application/x-www-form-urlencoded',
            connection: 'close',
          },
          body: new URLSearchParams(form).toString(),
        });
      const cookiesOf = (res: Response) =>
        res.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; ');
      const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
      let anon = '';
      let anonToken = '';
      let cookie = '';

      beforeAll(async () => {
        server = await startFixtureServer();
        server.route('/farm.xml', (_req, res) => {
          feedRequests++;
          res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss('Farm', entries('farm', 3)));
        });
        ws = createWorkspace({
          // minInterval 60 s: after the first fetch the feed is not due again within this test.
          defaults: { ...fastDefaults, minInterval: 60 },
          // Private reading: a page without the login's cookie sends to the login page.
          server: { passwordHash: await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 }), reading: 'private' },
          sources: [{ url: server.url('/farm.xml'), category: 'Farm' }],
          topics: [],
        });
        database = await dialect.create();
        serve = spawnCli(
          ['serve', '--web-processes', '2', '--config', ws.configPath, '--host', '127.0.0.1', '--port', '0'],
          {
            env: {
              ...ws.env,
              DATABASE_URL: dialect.name === 'pg' ? database.url : ws.databasePath,
              LOG_FORMAT: 'json',
              LOG_LEVEL: 'info',
              RUNDSCHAU_TICK: '*/1 * * * * *',
            },
          },
        );
        const serving = await waitFor(() => logLines(serve).find((l) => l.msg === 'rundschau is serving'), {
          timeoutMs: 60_000,
          what: () => `the "rundschau is serving" log line; ${diagnostics()}`,
        });
        baseUrl = String(serving.url).replace(/\/$/, '');
      }, 90_000);

      afterAll(async () => {
        if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
        await server?.close();
        ws?.cleanup();
        await database?.drop();
      });

      it('answers from two web processes, and one scheduler fetches the feed once', async () => {
        const pids = await webPids(2);
        expect(pids.has(serve.child.pid!)).toBe(false);
        await waitFor(() => feedRequests >= 1, { timeoutMs: 20_000, what: diagnostics });
        // Ticks every second in every process that would schedule: three more seconds, still one fetch.
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        expect(feedRequests).toBe(1);
      });

      it('/metrics answers for all processes: the primary fetches, every web process requests', async () => {
        // From loopback, no token needed. Fetches happen in the primary only; healths above went to both web processes.
        const metricsOf = async () =>
          (await (await fetch(`${baseUrl}/metrics`, { headers: { connection: 'close' } })).text()).split('\n');
        const sum = (lines: string[], prefix: string) =>
          lines.filter((l) => l.startsWith(prefix)).reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
        const lines = await metricsOf();
        expect(sum(lines, 'rundschau_fetches_total{'), lines.join('\n').slice(0, 2000)).toBe(1);
        // A gauge read from the database: counted once, not once per process.
        expect(sum(lines, 'rundschau_sources{')).toBe(1);
        // Six requests on fresh connections, three to each web process: all six in the next scrape (plus the scrape
        // before), from whichever process answers it; one process's own counters would show three or four.
        for (let i = 0; i < 6; i++) await fetch(`${baseUrl}/healthz`, { headers: { connection: 'close' } });
        const after = await metricsOf();
        const requests = (l: string[]) => sum(l, 'rundschau_http_requests_total{');
        expect(requests(after) - requests(lines)).toBe(7);
      });

      it('a login made through one process is good in the other', async () => {
        // The login page sets the anonymous session (CSRF token) cookie.
        const page = await fetch(`${baseUrl}/login`, { headers: { connection: 'close' } });
        anon = cookiesOf(page);
        anonToken = csrfOf(await page.text())!;
        expect(anonToken, 'CSRF token on the login page').toBeTruthy();
        const login = await post('/login', anon, { password: PASSWORD, _csrf: anonToken, next: '/' });
        expect(login.status, await login.clone().text()).toBe(303);
        cookie = cookiesOf(login);
        // The river with the login's cookie, from both processes: both know the session; without it, the login page.
        for (const res of await onFreshConnections('/', { cookie })) expect(res.status).toBe(200);
        for (const res of await onFreshConnections('/')) expect(res.status).toBe(303);
      });

      it('a star and a mark-read made through one process show in the other', async () => {
        const river = await (await fetch(`${baseUrl}/`, { headers: { cookie, connection: 'close' } })).text();
        const ids = [...river.matchAll(/id="item-(\d+)"/g)].map((m) => m[1]!);
        const csrf = csrfOf(river);
        expect(ids.length, 'items on the river').toBeGreaterThan(1);
        const [starred, read] = [ids[0]!, ids.find((id) => id !== ids[0])!];
        const star = await post(`/items/${starred}/star`, cookie, { _csrf: csrf!, starred: '1', next: '/' });
        expect(star.status, await star.clone().text()).toBeLessThan(400);
        const mark = await post(`/items/${read}/read`, cookie, { _csrf: csrf!, read: '1', next: '/' });
        expect(mark.status, await mark.clone().text()).toBeLessThan(400);
        for (const res of await onFreshConnections('/starred', { cookie })) {
          expect(res.status).toBe(200);
          expect(res.text).toContain(`id="item-${starred}"`);
        }
        for (const res of await onFreshConnections('/', { cookie })) {
          expect(res.status).toBe(200);
          expect(res.text).not.toContain(`id="item-${read}"`);
        }
      });

      it('"refresh" pressed in a web process fetches the source once (in the primary) and reports the outcome', async () => {
        const river = await (await fetch(`${baseUrl}/`, { headers: { cookie, connection: 'close' } })).text();
        const sourceId = /href="\/sources\/(\d+)"/.exec(river)?.[1];
        const csrf = csrfOf(river);
        expect(sourceId, 'a source link on the river').toBeTruthy();
        const before = feedRequests;
        const res = await post(`/sources/${sourceId}/refresh`, cookie, { _csrf: csrf! });
        expect(res.status, await res.clone().text()).toBe(303);
        expect(res.headers.get('location')).toMatch(/done=refreshed&outcome=ok/);
        expect(feedRequests).toBe(before + 1);
      });

      it('the login throttle is one for both processes', async () => {
        // Wrong passwords on fresh connections (so spread over both): 5 a minute in all, not 5 each. The good login
        // above was this address's first attempt.
        const statuses: number[] = [];
        for (let i = 0; i < 7; i++) {
          statuses.push((await post('/login', anon, { password: 'wrong', _csrf: anonToken, next: '/' })).status);
        }
        expect(statuses).toEqual([401, 401, 401, 401, 429, 429, 429]);
      });

      it('a killed web process is replaced; SIGTERM ends every process', async () => {
        const before = await webPids(2);
        const victim = [...before][0]!;
        process.kill(victim, 'SIGKILL');
        await waitFor(() => !alive(victim), { timeoutMs: 5_000, what: 'the killed process gone' });
        const after = await webPids(2);
        expect(after.has(victim)).toBe(false);
        await waitFor(() => logLines(serve).some((l) => l.msg === 'web process ended: restarting it'), {
          timeoutMs: 5_000,
          what: diagnostics,
        });

        const started = Date.now();
        serve.child.kill('SIGTERM');
        await waitFor(() => serve.child.exitCode !== null, { timeoutMs: 10_000, what: diagnostics });
        expect(serve.child.exitCode).toBe(0);
        for (const pid of after)
          await waitFor(() => !alive(pid), { timeoutMs: 5_000, what: `web process ${pid} gone` });
        expect(Date.now() - started).toBeLessThan(10_000);
      });
    },
  );
}

describe('rundschau serve --web-processes 2 without a password or session secret', () => {
  let server: FixtureServer;
  let ws: Workspace;
  let serve: SpawnedCli;
  let baseUrl: string;
  const diagnostics = () => `serve stderr:\n${serve?.stderr.slice(-4000)}`;

  beforeAll(async () => {
    server = await startFixtureServer();
    server.route('/one.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss('One', entries('one', 2)));
    });
    ws = createWorkspace({ defaults: fastDefaults, sources: [{ url: server.url('/one.xml') }], topics: [] });
    serve = spawnCli(
      ['serve', '--web-processes', '2', '--config', ws.configPath, '--host', '127.0.0.1', '--port', '0'],
      { env: { ...ws.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info', RUNDSCHAU_TICK: '*/1 * * * * *' } },
    );
    const serving = await waitFor(() => logLines(serve).find((l) => l.msg === 'rundschau is serving'), {
      timeoutMs: 60_000,
      what: () => `the "rundschau is serving" log line; ${diagnostics()}`,
    });
    baseUrl = String(serving.url).replace(/\/$/, '');
  }, 90_000);

  afterAll(async () => {
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
    await server?.close();
    ws?.cleanup();
  });

  it("the session (CSRF token) one process made is good in the other: they share the primary's secret", async () => {
    let page = '';
    await waitFor(
      async () => {
        page = await (await fetch(`${baseUrl}/`, { headers: { connection: 'close' } })).text();
        return /id="item-\d+"/.test(page);
      },
      { timeoutMs: 20_000, what: diagnostics },
    );
    const first = await fetch(`${baseUrl}/`, { headers: { connection: 'close' } });
    const cookie = first.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const html = await first.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    const id = /id="item-(\d+)"/.exec(html)?.[1];
    expect(csrf && id, 'a CSRF token and an item').toBeTruthy();
    // Fresh connections alternate between the two processes (the healths show it): every one takes the token.
    const pids = new Set<number>();
    for (let i = 0; i < 4; i++) {
      const health = (await (await fetch(`${baseUrl}/healthz`, { headers: { connection: 'close' } })).json()) as Health;
      pids.add(health.pid!);
    }
    expect(pids.size).toBe(2);
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${baseUrl}/items/${id}/star`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          cookie,
          origin: baseUrl,
          'content-type': 'application/x-www-form-urlencoded',
          connection: 'close',
        },
        body: new URLSearchParams({ _csrf: csrf!, starred: i % 2 ? '0' : '1', next: '/' }).toString(),
      });
      expect(res.status, await res.text()).toBe(303);
    }
  });
});
