/** The demo app and traffic generator the end-to-end tests drive, run as the compiled process. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { requireTool } from './helpers/tools.js';
import { join } from 'node:path';
import { ALL_METRICS, seriesNames } from '../contract/metric-catalog.js';
import { runTraffic } from './demo-app/traffic.js';
import { FaultTable, parseFault } from './demo-app/faults.js';
import { REPO_ROOT } from './helpers/dist.js';
import { waitFor } from './helpers/net.js';
import { freePort } from './helpers/postgres.js';

describe('fault table', () => {
  it('fails exactly the requested share of requests, spread evenly', () => {
    const t = new FaultTable();
    t.set(parseFault({ route: '/api/documents/:id', errorRatio: 0.12 }) as never);
    const fails = Array.from({ length: 1000 }, () => t.decide('/api/documents/:id', 'GET')?.failWith).filter((s) => s === 500).length;
    expect(fails).toBe(120);
    expect(t.decide('/api/other', 'GET')).toBeUndefined();
    expect(parseFault({ route: '/x', errorRatio: 2 })).toMatch(/errorRatio/);
  });
});

describe('demo app', () => {
  let proc: ChildProcess | undefined;
  let app = '';
  let admin = '';

  beforeAll(async () => {
    const [port, adminPort] = [await freePort(), await freePort()];
    proc = spawn(process.execPath, [join(REPO_ROOT, 'build', 'test', 'demo-app', 'main.js')], {
      env: { PATH: process.env.PATH, PORT: String(port), ADMIN_PORT: String(adminPort), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    app = `http://127.0.0.1:${port}`;
    admin = `http://127.0.0.1:${adminPort}`;
    await waitFor(async () => (await fetch(`${app}/healthz`)).ok, 15_000, 100);
  });

  afterAll(() => {
    proc?.kill('SIGTERM');
  });

  it('traffic gives every app metric of the catalog data, at a bounded rate', async () => {
    const stats = await runTraffic({ baseUrl: app, ratePerSecond: 100, durationSeconds: 2 });
    expect(stats.errors).toBe(0);
    expect(stats.sent).toBeGreaterThan(150);
    expect(stats.sent).toBeLessThan(260); // 15 warm-up + ~200
    expect(stats.byStatus['401']).toBeGreaterThan(0);
    expect(stats.byStatus['404']).toBeGreaterThan(0);
    const text = await (await fetch(`${app}/metrics`)).text();
    const samples = text.split('\n').filter((l) => l && !l.startsWith('#'));
    for (const def of ALL_METRICS.filter((d) => d.owner === 'app')) {
      const series = seriesNames(def).at(-1) as string; // the counter itself, or the histogram's _count
      const withData = samples.filter((l) => l.startsWith(`${series}{`) || l.startsWith(`${series} `)).filter((l) => Number(l.split(' ').pop()) > 0);
      expect({ metric: def.name, hasData: withData.length > 0 }).toEqual({ metric: def.name, hasData: true });
    }
    expect(text).toContain('immigration_ai_unauthorized_access_attempts_total{reason="bad_credentials"}');
    expect(text).toContain('route="unmatched"');
    const lint = spawnSync(requireTool('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
  });

  it('answers client errors with 4xx, never 500: malformed JSON 400, bad percent-encoding 400, wrong type or charset 415, too large 413', async () => {
    const post = async (path: string, body: string | Buffer, contentType?: string) =>
      (await fetch(`${app}${path}`, { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body })).status;
    const statuses = {
      malformed: await post('/api/cases/1/complete', '{"agencyId": "123-45-', 'application/json'),
      form: await post('/api/cases/1/complete', 'agencyId=agency-101', 'application/x-www-form-urlencoded'),
      text: await post('/api/auth/login', 'hello', 'text/plain'),
      charset: await post('/api/auth/login', '{"email":"a"}', 'application/json; charset=klingon'),
      large: await post('/api/documents/upload', Buffer.alloc(2 * 1024 * 1024, 0x20), 'application/json'),
      badEncoding: (await fetch(`${app}/api/documents/%E0%A4%A`)).status,
      noBody: (await fetch(`${app}/api/auth/logout`, { method: 'POST' })).status,
      jsonArray: await post('/api/chat/conversations/1/rating', '[1,2]', 'application/json'),
    };
    expect(statuses).toEqual({ malformed: 400, form: 415, text: 415, charset: 415, large: 413, badEncoding: 400, noBody: 204, jsonArray: 204 });
    const text = await (await fetch(`${app}/metrics`)).text();
    expect(text).not.toMatch(/status_code="5\d\d"/);
  });

  it('injects per-route errors and latency from the admin port, and clears them', async () => {
    const set = await fetch(`${admin}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ route: '/api/documents/:id', errorRatio: 0.25 }) });
    expect(set.status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await fetch(`${app}/api/documents/${i}`)).status);
    expect(statuses.filter((s) => s === 500)).toHaveLength(10);
    expect((await fetch(`${app}/api/documents`)).status).toBe(200); // other routes untouched
    const text = await (await fetch(`${app}/metrics`)).text();
    expect(text).toMatch(/immigration_ai_http_requests_total\{method="GET",route="\/api\/documents\/:id",status_code="500"\} 10/);

    await fetch(`${admin}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ route: '/api/documents/:id', latencyMs: 400 }) });
    let t = Date.now();
    expect((await fetch(`${app}/api/documents/1`)).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(390);

    expect((await fetch(`${admin}/admin/faults`, { method: 'DELETE' })).status).toBe(204);
    expect(await (await fetch(`${admin}/admin/faults`)).json()).toEqual([]);
    t = Date.now();
    expect((await fetch(`${app}/api/documents/1`)).status).toBe(200);
    expect(Date.now() - t).toBeLessThan(300);
    expect((await fetch(`${admin}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"route":""}' })).status).toBe(400);
  });
});
