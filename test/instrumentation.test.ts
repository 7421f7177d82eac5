import { createServer } from 'node:http';
import express from 'express';
import { Registry } from 'prom-client';
import { METRICS, ALL_METRICS } from '../contract/metric-catalog.js';
import { createMetric, createCounter } from '../exporters/metric-factory.js';
import {
  BusinessRecorders,
  HttpInstrumentation,
  OVERFLOW_ROUTE,
  RouteLabelBudget,
  RouteTemplates,
  UNMATCHED_ROUTE,
  createAppMetrics,
  metricsHandler,
} from '../exporters/instrumentation/index.js';
import { HttpMetricsStore } from '../exporters/instrumentation/http-metrics-store.js';
import { close, listen } from './helpers/net.js';

const sample = async (reg: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> => {
  const json = await reg.getMetricsAsJSON();
  const metric = json.find((m) => m.name === name.replace(/_(bucket|sum|count)$/, ''));
  const v = (metric?.values as { value: number; labels: Record<string, string | number>; metricName?: string }[] | undefined)?.find(
    (x) => (x.metricName ?? metric?.name) === name && Object.entries(labels).every(([k, val]) => String(x.labels[k]) === val),
  );
  return v?.value;
};

describe('metric factory', () => {
  it('creates every catalog metric with its catalog name, help, labels and buckets', async () => {
    const reg = new Registry();
    for (const def of ALL_METRICS) createMetric(def, reg);
    const json = await reg.getMetricsAsJSON();
    for (const def of ALL_METRICS) {
      const m = json.find((x) => x.name === def.name);
      expect(m?.help).toBe(def.help);
      expect(m?.type).toBe(def.type);
    }
    const text = await reg.metrics();
    expect(text).toContain(`# HELP ${METRICS.httpRequests.name} ${METRICS.httpRequests.help}`);
  });

  it('refuses a definition of another type than asked', () => {
    expect(() => createCounter(METRICS.healthStatus, new Registry())).toThrow(/is a gauge in the catalog/);
  });

  it('the app registry holds exactly the app-owned catalog metrics (plus process defaults)', async () => {
    const { registry } = createAppMetrics();
    const text = await registry.metrics();
    const names = new Set([...text.matchAll(/^# TYPE (immigration_ai_\w+) /gm)].map((m) => m[1]));
    expect([...names].sort()).toEqual(ALL_METRICS.filter((d) => d.owner === 'app').map((d) => d.name).sort());
  });
});

describe('route normalisation', () => {
  it('matches templates, specific before parametric, with trailing wildcards', () => {
    const t = new RouteTemplates(['/api/documents/upload', '/api/documents/:id', '/api/users/:id/documents/:docId', '/static/*']);
    expect(t.match('/api/documents/upload')).toBe('/api/documents/upload');
    expect(t.match('/api/documents/X12345678?x=1')).toBe('/api/documents/:id');
    expect(t.match('/api/users/jane@doe.com/documents/7')).toBe('/api/users/:id/documents/:docId');
    expect(t.match('/static/js/app.js')).toBe('/static/*');
    expect(t.match('/api/jane@doe.com')).toBeUndefined();
  });

  it('treats repeated and trailing slashes like one, and never matches a prefix as a segment', () => {
    const t = new RouteTemplates(['/api/documents/:id', '/api/docs', '/files/*']);
    expect(t.match('//api//documents/7/')).toBe('/api/documents/:id');
    expect(t.match('/api/documentsX/7')).toBeUndefined();
    expect(t.match('/api/doc')).toBeUndefined();
    expect(t.match('/api/docs?x=/a/b')).toBe('/api/docs');
    expect(t.match(`/files/${'a/'.repeat(100)}`)).toBe('/files/*');
    expect(t.match(`/${'a/'.repeat(100)}`)).toBeUndefined();
    expect(t.match('/')).toBeUndefined();
    expect(new RouteTemplates(['/']).match('/?q=1')).toBe('/');
  });

  it('bounds distinct route values however many arrive', () => {
    const b = new RouteLabelBudget(3);
    const labels = new Set(Array.from({ length: 100 }, (_, i) => b.label(`/r${i}`)));
    expect(labels).toEqual(new Set(['/r0', '/r1', '/r2', OVERFLOW_ROUTE]));
    expect(b.label(undefined)).toBe(UNMATCHED_ROUTE);
  });
});

describe('HTTP metrics store', () => {
  it('renders counters per status and cumulative histogram buckets in the text format', () => {
    const store = new HttpMetricsStore();
    const s = store.route('GET', '/a/"q"');
    s.observe('200', 0.004);
    s.observe('200', 0.3);
    s.observe('500', 20);
    const text = store.render();
    expect(text).toContain(`# TYPE ${METRICS.httpRequests.name} counter`);
    expect(text).toContain('immigration_ai_http_requests_total{method="GET",route="/a/\\"q\\"",status_code="200"} 2');
    expect(text).toContain('immigration_ai_http_request_duration_seconds_bucket{method="GET",route="/a/\\"q\\"",le="0.005"} 1');
    expect(text).toContain('immigration_ai_http_request_duration_seconds_bucket{method="GET",route="/a/\\"q\\"",le="0.5"} 2');
    expect(text).toContain('immigration_ai_http_request_duration_seconds_bucket{method="GET",route="/a/\\"q\\"",le="10"} 2');
    expect(text).toContain('immigration_ai_http_request_duration_seconds_bucket{method="GET",route="/a/\\"q\\"",le="+Inf"} 3');
    expect(text).toContain('immigration_ai_http_request_duration_seconds_sum{method="GET",route="/a/\\"q\\""} 20.304');
    expect(text).toContain('immigration_ai_http_request_duration_seconds_count{method="GET",route="/a/\\"q\\""} 3');
    expect(store.labelSets).toBe(2);
  });
});

describe('HTTP middleware', () => {
  it('records Express requests by method, route template and status, 404s as unmatched', async () => {
    const metrics = createAppMetrics({ defaultMetrics: false });
    const instr = new HttpInstrumentation(metrics);
    const app = express();
    app.use(instr.express());
    const docs = express.Router();
    docs.get('/:id', (_req, res) => res.json({ ok: true }));
    docs.delete('/:id', (_req, res) => res.status(500).end());
    app.use('/api/documents', docs);
    app.get('/metrics', metricsHandler(metrics.registry));
    const { server, url } = await listen(createServer(app));
    try {
      await fetch(`${url}/api/documents/A1234567`);
      await fetch(`${url}/api/documents/B7654321`);
      await fetch(`${url}/api/documents/B7654321`, { method: 'DELETE' });
      await fetch(`${url}/nope/jane@doe.com`);
      const text = await (await fetch(`${url}/metrics`)).text();
      expect(text).toContain('immigration_ai_http_requests_total{method="GET",route="/api/documents/:id",status_code="200"} 2');
      expect(text).toContain('immigration_ai_http_requests_total{method="DELETE",route="/api/documents/:id",status_code="500"} 1');
      expect(text).toContain(`immigration_ai_http_requests_total{method="GET",route="${UNMATCHED_ROUTE}",status_code="404"} 1`);
      expect(text).toMatch(/immigration_ai_http_request_duration_seconds_count\{method="GET",route="\/api\/documents\/:id"\} 2/);
      expect(text).not.toContain('A1234567');
    } finally {
      await close(server);
    }
  });

  it('wraps a plain node:http handler using declared templates and normalises odd methods', async () => {
    const metrics = createAppMetrics({ defaultMetrics: false });
    const instr = new HttpInstrumentation(metrics, { routes: ['/api/chat/:conversationId/messages'] });
    const server = createServer(
      instr.wrap((_req, res) => {
        res.statusCode = 201;
        res.end();
      }),
    );
    const { url } = await listen(server);
    try {
      await fetch(`${url}/api/chat/c-991/messages`, { method: 'POST', body: 'hi' });
      await fetch(`${url}/api/chat/c-991/messages`, { method: 'PROPFIND' });
      const text = await metrics.registry.metrics();
      expect(text).toContain('immigration_ai_http_requests_total{method="POST",route="/api/chat/:conversationId/messages",status_code="201"} 1');
      expect(text).toContain('immigration_ai_http_requests_total{method="OTHER",route="/api/chat/:conversationId/messages",status_code="201"} 1');
    } finally {
      await close(server);
    }
  });
});

describe('business recorders', () => {
  it('record each business event on its catalog metric with bounded labels', async () => {
    const metrics = createAppMetrics({ defaultMetrics: false });
    const rec = new BusinessRecorders(metrics, { agencies: ['agency-123', 'agency-124', 'agency-125'], maxAgencies: 2 });
    rec.documentUpload({ outcome: 'success', sizeBytes: 2_400_000, processingSeconds: 3.4 });
    rec.documentUpload({ outcome: 'failure' });
    rec.virusDetected();
    rec.chatConversationStarted();
    rec.chatResponse({ responder: 'ai', durationSeconds: 0.85 });
    rec.chatResponse({ responder: 'human', durationSeconds: 750 });
    rec.chatRating(4);
    rec.chatRating(42); // ignored
    rec.sessionEnded(1410);
    rec.userRegistered();
    rec.unauthorizedAttempt('invalid_token');
    rec.unauthorizedAttempt('jane@doe.com' as never);
    rec.caseCompleted({ agencyId: 'agency-123', durationSeconds: 45.6 * 86400 });
    rec.caseCompleted({ agencyId: 'agency-124', durationSeconds: 86400 });
    rec.caseCompleted({ agencyId: 'agency-125', durationSeconds: 86400 }); // over the cap of 2
    rec.caseCompleted({ agencyId: 'jane doe@x.com', durationSeconds: 86400 }); // not an agency
    rec.caseCompleted({ agencyId: '123-45-6789', durationSeconds: 86400 }); // id-shaped, not an agency
    const reg = metrics.registry;
    expect(await sample(reg, METRICS.documentUploads.name, { outcome: 'success' })).toBe(1);
    expect(await sample(reg, METRICS.documentUploads.name, { outcome: 'failure' })).toBe(1);
    expect(await sample(reg, `${METRICS.documentUploadSize.name}_sum`)).toBe(2_400_000);
    expect(await sample(reg, `${METRICS.chatResponseDuration.name}_count`, { responder: 'human' })).toBe(1);
    expect(await sample(reg, `${METRICS.chatSatisfactionRating.name}_count`)).toBe(1);
    expect(await sample(reg, METRICS.unauthorizedAccessAttempts.name, { reason: 'other' })).toBe(1);
    expect(await sample(reg, METRICS.agencyCasesCompleted.name, { agency_id: 'agency-123' })).toBe(1);
    expect(await sample(reg, METRICS.agencyCasesCompleted.name, { agency_id: 'other' })).toBe(1);
    expect(await sample(reg, METRICS.agencyCasesCompleted.name, { agency_id: 'unknown' })).toBe(2);
    const text = await reg.metrics();
    // Backups are the backup job's record, read by the exporter: the app publishes no backup metric.
    expect(text).not.toContain('immigration_ai_backup_');
    expect(text).not.toContain('jane');
    expect(text).not.toContain('123-45-6789');
  });

  it('agency_id: only allowed ids, a lookup in the app\'s data, or keyed-hash pseudonyms; everything else is unknown', () => {
    const metrics = () => createAppMetrics({ defaultMetrics: false });
    const hostile = ['123-45-6789', '4111111111111111', 'A123456789', 'DE89370400440532013000', '550e8400-e29b-41d4-a716-446655440000', 'agency-999', '', 'x'.repeat(300)];
    // Nothing declared: nothing is trusted.
    const none = new BusinessRecorders(metrics());
    expect(['agency-101', ...hostile].map((id) => none.agencyLabel(id))).toEqual(Array(hostile.length + 1).fill('unknown'));
    expect(none.agencyLabel(42)).toBe('unknown');
    // An allow-list, or a lookup in the app's own data.
    const listed = new BusinessRecorders(metrics(), { agencies: ['agency-101'] });
    expect(['agency-101', ...hostile].map((id) => listed.agencyLabel(id))).toEqual(['agency-101', ...Array(hostile.length).fill('unknown')]);
    const known = new Set(['agency-7']);
    const lookedUp = new BusinessRecorders(metrics(), { agencies: (id) => known.has(id) });
    expect([lookedUp.agencyLabel('agency-7'), lookedUp.agencyLabel('agency-8')]).toEqual(['agency-7', 'unknown']);
    // Pseudonyms: stable for a key, different under another key, never the id itself.
    const key = 'k'.repeat(32);
    const a = new BusinessRecorders(metrics(), { agencyPseudonymKey: key });
    const b = new BusinessRecorders(metrics(), { agencyPseudonymKey: Buffer.from(key) });
    const c = new BusinessRecorders(metrics(), { agencyPseudonymKey: 'another key, 32 bytes long......' });
    expect(a.agencyLabel('123-45-6789')).toMatch(/^a_[0-9a-f]{16}$/);
    expect(a.agencyLabel('123-45-6789')).toBe(b.agencyLabel('123-45-6789'));
    expect(a.agencyLabel('123-45-6789')).not.toBe(c.agencyLabel('123-45-6789'));
    expect(a.agencyLabel('agency-101')).not.toBe(a.agencyLabel('agency-102'));
    // Misuse is refused at construction.
    expect(() => new BusinessRecorders(metrics(), { agencyPseudonymKey: 'short' })).toThrow(/at least 16 bytes/);
    expect(() => new BusinessRecorders(metrics(), { agencies: ['ok', 'jane doe@x.com'] })).toThrow(/1 agency id/);
    expect(() => new BusinessRecorders(metrics(), { agencies: ['a'], agencyPseudonymKey: key })).toThrow(/not both/);
  });
});
