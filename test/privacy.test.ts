/**
 * Privacy: thousands of requests whose paths, query strings, headers and bodies carry
 * emails, passport numbers, case numbers, tokens and ids go through the HTTP instrumentation (the
 * middleware, then the zero-layer mode) and a careless request logger; none of those values may
 * reach /metrics or the log output, and the number of label sets stays bounded.
 */
import { createServer } from 'node:http';
import express from 'express';
import { METRICS } from '../contract/metric-catalog.js';
import { HttpInstrumentation, createAppMetrics, metricsHandler, BusinessRecorders } from '../exporters/instrumentation/index.js';
import { createLogger } from '../exporters/logging/logger.js';
import { LineCollector, close, listen } from './helpers/net.js';

const REQUESTS = 3000;
const FIRST = ['jane', 'omar', 'li', 'ana', 'kwame', 'sofia'];
const LAST = ['doe', 'haddad', 'wei', 'silva', 'mensah', 'rossi'];

function personal(i: number) {
  const first = FIRST[i % FIRST.length];
  const last = LAST[(i * 7) % LAST.length];
  return {
    email: `${first}.${last}${i}@example-mail.com`,
    name: `${first[0].toUpperCase()}${first.slice(1)} ${last[0].toUpperCase()}${last.slice(1)}Z${i}`,
    passport: `P${String(10_000_000 + i * 7919).slice(0, 8)}`,
    caseNumber: `IOE${String(9_000_000_000 + i * 104729)}`,
    uuid: `${(0x10000000 + i).toString(16)}-4b1d-4c2a-9f3e-${(0x100000000000 + i).toString(16)}`,
    token: `tok_${(i * 2654435761).toString(36)}secret`,
  };
}

describe('privacy', () => {
  it.each(['middleware', 'zero-layer'])('keeps personal data out of /metrics and logs, with bounded label sets (%s)', async (mode) => {
    const metrics = createAppMetrics();
    const recorders = new BusinessRecorders(metrics);
    const instr = new HttpInstrumentation(metrics, { routes: ['/api/search'] });
    const out = new LineCollector();
    const log = createLogger({ component: 'privacy-test', destination: out, level: process.env.PRIV_LEVEL ?? 'debug' });

    const app = express();
    const unsubscribe = mode === 'zero-layer' ? instr.subscribe() : undefined;
    if (mode === 'middleware') app.use(instr.express());
    app.use(express.json());
    // A careless request logger: raw URL, headers and body go to the logger, which must scrub them.
    app.use((req, _res, next) => {
      log.info({ url: req.url, headers: req.headers, body: req.body as unknown }, `request ${req.method} ${req.url}`);
      next();
    });
    app.get('/api/users/:userId/profile', (req, res) => res.json({ id: req.params.userId }));
    app.post('/api/documents/:documentId/upload', (req, res) => {
      recorders.documentUpload({ outcome: 'success', sizeBytes: 1000 });
      res.status(201).json({ ok: true });
    });
    app.put('/api/cases/:caseNumber', (req, res) => {
      log.warn(`case ${req.params.caseNumber} updated by ${(req.body as { email?: string }).email}`);
      res.status(req.params.caseNumber.endsWith('7') ? 500 : 200).end();
    });
    app.post('/api/auth/login', (req, res) => {
      recorders.unauthorizedAttempt('bad_credentials');
      log.warn({ email: (req.body as { email?: string }).email }, 'authentication failed');
      res.status(401).end();
    });
    app.get('/metrics', metricsHandler(metrics.registry));
    const { server, url } = await listen(createServer(app));

    const secrets: string[] = [];
    try {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < REQUESTS) {
          const i = next++;
          const p = personal(i);
          secrets.push(p.email, p.passport, p.caseNumber, p.uuid, p.token, p.name.split(' ')[1]);
          const headers = { 'content-type': 'application/json', authorization: `Bearer ${p.token}`, cookie: `session=${p.token}` };
          const body = JSON.stringify({ email: p.email, name: p.name, passport_number: p.passport, note: `for ${p.email} passport ${p.passport}` });
          const reqs: [string, RequestInit][] = [
            [`/api/users/${encodeURIComponent(p.email)}/profile`, { headers }],
            [`/api/documents/${p.uuid}/upload`, { method: 'POST', headers, body }],
            [`/api/cases/${p.caseNumber}`, { method: 'PUT', headers, body }],
            [`/api/auth/login`, { method: 'POST', headers, body }],
            [`/api/search?q=${encodeURIComponent(p.name)}&passport=${p.passport}`, { headers }],
            [`/u/${p.passport}/${p.email}`, { method: 'DELETE', headers }],
          ];
          const [path, init] = reqs[i % reqs.length];
          const r = await fetch(url + path, init);
          await r.arrayBuffer();
        }
      };
      await Promise.all(Array.from({ length: 20 }, worker));
      log.flush();
      await new Promise((r) => setTimeout(r, 200));

      const text = await (await fetch(`${url}/metrics`)).text();
      const logs = out.text;
      expect(out.lines.length).toBeGreaterThanOrEqual(REQUESTS);
      // Tokenise once (a substring search per secret over megabytes of logs would take seconds).
      const tokens = (t: string): Set<string> => new Set(t.split(/[^A-Za-z0-9@._%+-]+/));
      const metricTokens = tokens(text);
      const logTokens = tokens(logs);
      const parts = (s: string): string[] => s.split(' ').flatMap((x) => [x, encodeURIComponent(x)]);
      const leakedInMetrics = secrets.filter((s) => parts(s).some((x) => metricTokens.has(x)));
      const leakedInLogs = secrets.filter((s) => parts(s).some((x) => logTokens.has(x)));
      expect(leakedInMetrics).toEqual([]);
      expect(leakedInLogs).toEqual([]);
      expect(text).not.toMatch(/@example-mail\.com|%40example-mail/);
      expect(logs).not.toMatch(/@example-mail\.com|%40example-mail/);

      // Label sets: 6 routes at most (5 templates + unmatched), a handful of method/status pairs.
      const series = text.split('\n').filter((l) => l.startsWith(`${METRICS.httpRequests.name}{`));
      const routes = new Set(series.map((l) => /route="([^"]*)"/.exec(l)?.[1]));
      expect([...routes].sort()).toEqual(['/api/auth/login', '/api/cases/:caseNumber', '/api/documents/:documentId/upload', '/api/search', '/api/users/:userId/profile', 'unmatched']);
      expect(series.length).toBeLessThanOrEqual(8);
      const total = series.reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
      expect(total).toBe(REQUESTS);
    } finally {
      unsubscribe?.();
      await close(server);
    }
  });

  it('a misconfigured route source that returns raw paths still cannot leak or explode cardinality', async () => {
    const metrics = createAppMetrics({ defaultMetrics: false });
    const instr = new HttpInstrumentation(metrics, { routeOf: (req) => req.url, maxRoutes: 50 });
    for (let i = 0; i < 2000; i++) {
      const p = personal(i);
      instr.record('GET', `/api/users/${p.email}`, 200, 0.01);
      instr.record('GET', `/api/documents/${p.uuid}`, 200, 0.01);
      instr.record('GET', `/page/${i}`, 200, 0.01); // harmless but unbounded
    }
    const text = await metrics.registry.metrics();
    const series = text.split('\n').filter((l) => l.startsWith(`${METRICS.httpRequests.name}{`));
    expect(series.length).toBeLessThanOrEqual(52);
    expect(text).not.toContain('@example-mail.com');
    expect(text).not.toContain('4b1d-4c2a');
  });
});
