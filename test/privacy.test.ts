/**
 * Privacy fuzz: more than 10,000 requests carrying every class of personal data (names, emails,
 * phone numbers, SSNs, A-numbers, passport and case numbers, IBANs, card numbers, IP addresses,
 * dates of birth, UUIDs), raw, percent-encoded, double-encoded and full-width, in paths, query
 * strings, identifying headers, JSON bodies, malformed bodies, bad charsets and bad percent-encoding,
 * go through the instrumentation library (middleware and zero-layer mode) behind a careless request
 * logger, the demo app, and the exporter. None of those values may reach /metrics or the logs in
 * any form, agency_id values are only the allowed ones or `unknown`, and label sets stay bounded.
 */
import { createServer } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { METRICS } from '../contract/metric-catalog.js';
import { BusinessRecorders, HttpInstrumentation, createAppMetrics, metricsHandler } from '../exporters/instrumentation/index.js';
import { createLogger } from '../exporters/logging/logger.js';
import { loadExporterConfig } from '../exporters/health-exporter/config.js';
import { startExporter } from '../exporters/health-exporter/exporter.js';
import { DEMO_AGENCIES, createDemoApp } from './demo-app/app.js';
import { LineCollector, close, listen } from './helpers/net.js';
import { ENCODINGS, PERSONAL_CLASSES, encode, leaks, personalValue, type Encoding, type PersonalClass } from './helpers/personal-data.js';

const ALLOWED_AGENCY = 'agency-101';

/** A value, and how it goes over the wire. */
interface Carried {
  raw: string;
  sent: string;
}

function carried(cls: PersonalClass, i: number, e: Encoding): Carried {
  const raw = personalValue(cls, i);
  return { raw, sent: encode(raw, e) };
}

/** Header values must be Latin-1: anything else goes percent-encoded. */
const headerSafe = (s: string): string => (/^[\x20-\x7e]*$/.test(s) ? s : encodeURIComponent(s));

/** The i-th fuzz request against an app: path, init, and the raw values it carries. */
function appRequest(i: number): { path: string; init: RequestInit; values: string[] } {
  const pick = (k: number) => PERSONAL_CLASSES[(i * (2 * k + 1) + k * 5) % PERSONAL_CLASSES.length];
  const enc = (k: number) => ENCODINGS[(i + k * 3 + Math.floor(i / 12)) % ENCODINGS.length];
  const a = carried(pick(0), i, enc(0));
  const b = carried(pick(1), i + 1, enc(1));
  const c = carried(pick(2), i + 2, enc(2));
  const ip = carried('ip', i, 'raw');
  const name = carried('name', i + 3, 'raw');
  const email = carried('email', i + 4, 'raw');
  const dob = carried('dob', i + 5, 'raw');
  const values = [a, b, c, ip, name, email, dob].map((v) => v.raw);
  const headers: Record<string, string> = {
    'x-forwarded-for': `${ip.raw}, 10.0.0.1`,
    'user-agent': headerSafe(`Mozilla/5.0 (${name.raw}; ${dob.raw})`),
    referer: `https://app.example.com/applicants/${encodeURIComponent(email.raw)}?dob=${encodeURIComponent(dob.raw)}`,
    cookie: `session=${encodeURIComponent(c.sent)}`,
    authorization: `Bearer ${headerSafe(b.sent)}`,
    'x-note': headerSafe(`applicant ${c.sent}`),
  };
  const json = { 'content-type': 'application/json', ...headers };
  const seg = (s: string) => s.replace(/[/?#]/g, encodeURIComponent);
  const body = JSON.stringify({ agencyId: a.sent, name: name.raw, email: email.raw, dateOfBirth: dob.raw, note: `for ${name.raw}, born ${dob.raw}: ${b.sent} ${c.sent}`, [c.sent]: b.sent });
  const shapes: { path: string; init: RequestInit }[] = [
    { path: `/api/users/${seg(a.sent)}/profile?q=${encodeURIComponent(b.sent)}&dob=${encodeURIComponent(dob.raw)}`, init: { headers } },
    { path: `/api/cases/${seg(b.sent)}/complete`, init: { method: 'POST', headers: json, body } },
    { path: `/api/documents/${seg(c.sent)}`, init: { method: 'PUT', headers: json, body } },
    { path: '/api/auth/login', init: { method: 'POST', headers: json, body } },
    // Malformed JSON that quotes a value: the parser's error message would too.
    { path: `/api/cases/${i}/complete`, init: { method: 'POST', headers: json, body: `{"agencyId": "${a.sent}", "note": ${b.sent}` } },
    // An unknown charset named after a value (body-parser quotes it in its error).
    { path: '/api/auth/login', init: { method: 'POST', headers: { ...headers, 'content-type': `application/json; charset=${headerSafe(a.sent).replace(/[\s;,"]/g, '-')}` }, body } },
    // A path parameter that is not valid percent-encoding (Express quotes it in its error).
    { path: `/api/users/%E0%A4%A${encodeURIComponent(a.raw)}/profile`, init: { headers } },
    { path: `/u/${seg(a.sent)}/${seg(b.sent)}`, init: { method: 'DELETE', headers } },
    { path: `/api/search?q=${encodeURIComponent(name.raw)}&ssn=${encodeURIComponent(c.sent)}`, init: { headers } },
    { path: '/api/auth/login', init: { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(email.raw)}&name=${encodeURIComponent(name.raw)}` } },
  ];
  return { ...shapes[i % shapes.length], values };
}

/** Sends `count` requests built by `build`, 16 at a time; returns the raw values sent and the statuses. */
async function fuzz(url: string, count: number, offset: number, build: (i: number) => { path: string; init: RequestInit; values: string[] }) {
  const values = new Set<string>();
  const statuses: Record<number, number> = {};
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const r = build(offset + next++);
      for (const v of r.values) values.add(v);
      const res = await fetch(url + r.path, r.init);
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return { values, statuses };
}

/** Personal values found in /metrics and in the log lines, and the agency_id values exposed. */
async function inspect(metricsUrl: string, out: LineCollector, values: Set<string>) {
  await new Promise((r) => setTimeout(r, 100));
  const metrics = await (await fetch(metricsUrl)).text();
  const agencies = new Set([...metrics.matchAll(/agency_id="([^"]*)"/g)].map((m) => m[1]));
  return { inMetrics: leaks(values, metrics), inLogs: leaks(values, out.text), agencies: [...agencies].sort(), metrics };
}

const totals = { requests: 0, values: new Set<string>(), found: 0 };
afterAll(() => {
  process.stdout.write(`privacy fuzz: ${totals.requests} requests, ${totals.values.size} distinct personal values, ${totals.found} found in /metrics and logs\n`);
});

function record(count: number, values: Set<string>, found: number): void {
  totals.requests += count;
  for (const v of values) totals.values.add(v);
  totals.found += found;
}

describe('privacy fuzz', () => {
  it.each([['middleware', 3500, 0], ['zero-layer', 3500, 100_000]] as const)('library (%s) behind a careless request logger: 0 personal values in /metrics and logs', async (mode, count, offset) => {
    const metrics = createAppMetrics();
    const recorders = new BusinessRecorders(metrics, { agencies: [ALLOWED_AGENCY] });
    const instr = new HttpInstrumentation(metrics, { routes: ['/api/search'] });
    const out = new LineCollector();
    const log = createLogger({ component: 'privacy-test', destination: out, level: 'debug' });
    const app = express();
    const unsubscribe = mode === 'zero-layer' ? instr.subscribe() : undefined;
    if (mode === 'middleware') app.use(instr.express());
    app.use(express.json());
    // A careless request logger: raw URL, every header and the body go to the logger, which must scrub them.
    app.use((req, _res, next) => {
      log.info({ url: req.url, headers: req.headers, body: req.body as unknown }, `request ${req.method} ${req.url}`);
      next();
    });
    app.get('/api/users/:userId/profile', (req, res) => {
      log.debug(`profile of ${req.params.userId} read`);
      res.json({ ok: true });
    });
    app.post('/api/cases/:caseId/complete', (req, res) => {
      const agencyId = (req.body as { agencyId?: string }).agencyId ?? '';
      recorders.caseCompleted({ agencyId, durationSeconds: 86400 });
      log.info(`case ${req.params.caseId} completed for agency ${agencyId}`);
      res.status(204).end();
    });
    app.put('/api/documents/:documentId', (_req, res) => res.status(200).end());
    app.post('/api/auth/login', (req, res) => {
      recorders.unauthorizedAttempt('bad_credentials');
      log.warn({ email: (req.body as { email?: string }).email }, 'authentication failed');
      res.status(401).end();
    });
    app.get('/api/search', (_req, res) => res.json([]));
    app.get('/metrics', metricsHandler(metrics.registry));
    app.use((err: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
      log.error({ err }, 'request failed with error');
      res.status(err.status ?? 500).end();
    });
    const { server, url } = await listen(createServer(app));
    try {
      const { values, statuses } = await fuzz(url, count, offset, appRequest);
      log.flush();
      const r = await inspect(`${url}/metrics`, out, values);
      record(count, values, r.inMetrics.length + r.inLogs.length);
      expect(out.lines.length).toBeGreaterThanOrEqual(count);
      expect(values.size).toBeGreaterThan(count);
      expect({ inMetrics: r.inMetrics.slice(0, 5), inLogs: r.inLogs.slice(0, 5) }).toEqual({ inMetrics: [], inLogs: [] });
      expect(r.agencies).toEqual(['unknown']);
      // Bounded label sets: the templates, `unmatched`, a few methods and statuses.
      const series = r.metrics.split('\n').filter((l) => l.startsWith(`${METRICS.httpRequests.name}{`));
      const routes = new Set(series.map((l) => /route="([^"]*)"/.exec(l)?.[1]));
      expect([...routes].sort()).toEqual(['/api/auth/login', '/api/cases/:caseId/complete', '/api/documents/:documentId', '/api/search', '/api/users/:userId/profile', 'unmatched']);
      expect(series.length).toBeLessThanOrEqual(20);
      expect(series.reduce((sum, l) => sum + Number(l.split(' ').pop()), 0)).toBe(count);
      expect(statuses[400]).toBeGreaterThan(0);
    } finally {
      unsubscribe?.();
      await close(server);
    }
  });

  it('the demo app: 0 personal values in /metrics and logs, client errors answered 4xx', async () => {
    const count = 3000;
    const out = new LineCollector();
    const demo = createDemoApp(createLogger({ component: 'demo-app', destination: out, level: 'debug' }));
    const { server, url } = await listen(createServer(demo.app));
    try {
      // The demo app's own agencies, and hostile ones in its route shapes.
      const build = (i: number) => {
        const r = appRequest(i);
        return i % 10 === 1 ? { ...r, path: `/api/cases/${i}/complete` } : r;
      };
      const { values, statuses } = await fuzz(url, count, 200_000, build);
      const r = await inspect(`${url}/metrics`, out, values);
      record(count, values, r.inMetrics.length + r.inLogs.length);
      expect({ inMetrics: r.inMetrics.slice(0, 5), inLogs: r.inLogs.slice(0, 5) }).toEqual({ inMetrics: [], inLogs: [] });
      expect(r.agencies.every((a) => a === 'unknown' || DEMO_AGENCIES.includes(a))).toBe(true);
      expect(Object.keys(statuses).filter((s) => Number(s) >= 500)).toEqual([]);
      expect(statuses[415]).toBeGreaterThan(0);
      expect(statuses[400]).toBeGreaterThan(0);
    } finally {
      await close(server);
    }
  });

  it('the exporter: 0 personal values in /metrics and logs', async () => {
    const count = 1000;
    const out = new LineCollector();
    const exporter = await startExporter(loadExporterConfig({ PORT: '0', HOST: '127.0.0.1', METRICS_MAX_AGE: '0', DISK_PATHS: '/' }), {
      logger: createLogger({ component: 'exporter', destination: out, level: 'trace' }),
      background: false,
    });
    const url = `http://127.0.0.1:${exporter.port}`;
    try {
      const build = (i: number) => {
        const r = appRequest(i);
        const paths = [`/api/health/${encodeURIComponent(r.values[0])}`, `/metrics?q=${encodeURIComponent(r.values[1])}`, r.path, `/api/health?dob=${encodeURIComponent(r.values[6])}`];
        return { ...r, path: paths[i % paths.length], init: { ...r.init, method: i % 5 === 0 ? 'POST' : 'GET', body: i % 5 === 0 ? r.init.body : undefined } };
      };
      const { values } = await fuzz(url, count, 300_000, build);
      exporter.logger.flush();
      const r = await inspect(`${url}/metrics`, out, values);
      record(count, values, r.inMetrics.length + r.inLogs.length);
      expect({ inMetrics: r.inMetrics.slice(0, 5), inLogs: r.inLogs.slice(0, 5) }).toEqual({ inMetrics: [], inLogs: [] });
    } finally {
      await exporter.stop();
    }
  });

  it('the leak finder finds values in every encoding (the assertions above can fail)', () => {
    for (const cls of PERSONAL_CLASSES) {
      const v = personalValue(cls, 12345);
      for (const e of ENCODINGS) expect({ cls, e, found: leaks([v], `line {"x":"before ${encode(v, e)} after"}`) }).toEqual({ cls, e, found: [v] });
      expect(leaks([v], `line {"x":"nothing"}`)).toEqual([]);
    }
  });

  it('a misconfigured route source that returns raw paths still cannot leak or explode cardinality', async () => {
    const metrics = createAppMetrics({ defaultMetrics: false });
    const instr = new HttpInstrumentation(metrics, { routeOf: (req) => req.url, maxRoutes: 50 });
    const values = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const email = personalValue('email', i);
      const uuid = personalValue('uuid', i);
      values.add(email).add(uuid);
      instr.record('GET', `/api/users/${email}`, 200, 0.01);
      instr.record('GET', `/api/documents/${uuid}`, 200, 0.01);
      instr.record('GET', `/page/${i}`, 200, 0.01); // harmless but unbounded
    }
    const text = await metrics.registry.metrics();
    const series = text.split('\n').filter((l) => l.startsWith(`${METRICS.httpRequests.name}{`));
    expect(series.length).toBeLessThanOrEqual(52);
    expect(leaks(values, text)).toEqual([]);
  });
});
