/**
 * Child process of the benchmark: one HTTP server, `<framework> <variant>` (argv), serving
 * GET /api/documents/:id with a trivial JSON body. One process per variant, so its CPU time per
 * request is the variant's alone and the zero-layer mode (process-wide) touches nothing else.
 * Over IPC it reports its port, then answers 'cpu' (its CPU time so far) and 'check' (what it
 * recorded, so the benchmark can refuse a variant that silently records nothing).
 *
 * Every variant carries the same app registry with Node's default metrics (what a real app has),
 * so only the request path differs between them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express4 from 'express';
import express5 from 'express5';
import Fastify from 'fastify';
import promBundle from 'express-prom-bundle';
import { Counter, Histogram, Registry } from 'prom-client';
import { METRICS } from '../contract/metric-catalog.js';
import { HttpInstrumentation, UNMATCHED_ROUTE, createAppMetrics } from '../exporters/instrumentation/index.js';

export const FRAMEWORKS = ['express4', 'express5', 'fastify', 'node-http'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** What each variant puts on the request path. */
export const VARIANTS = {
  bare: 'no instrumentation',
  control: 'no instrumentation, a second process (A/A control: the noise floor)',
  'noop-layer': 'one no-op layer: app.use((req, res, next) => next()) on Express, an onRequest hook calling done() on Fastify',
  middleware: "this library's middleware: app.use(http.express()), app.register(http.fastify()), http.wrap(handler)",
  'zero-layer': "this library's zero-layer mode: http.subscribe(), nothing on the request path (plus one onRequest hook on Fastify)",
  'express-prom-bundle': 'express-prom-bundle with includeMethod and includePath, its defaults otherwise',
  'prom-client': 'a minimal hand-written prom-client middleware: a counter and a histogram by method, route template, status code',
} as const;
export type Variant = keyof typeof VARIANTS;

/** The combinations that exist; the others are reported as not applicable, with the reason. */
export const NOT_APPLICABLE: Partial<Record<Framework, Partial<Record<Variant, string>>>> = {
  fastify: { 'express-prom-bundle': 'an Express middleware; Fastify has its own plugins (fastify-metrics), not part of this comparison' },
  'node-http': {
    'express-prom-bundle': 'an Express middleware (it reads Express request fields)',
    'noop-layer': 'node:http has no layers: the middleware is a wrapping function, measured as "middleware"',
  },
};

export const BENCH_PATH = '/api/documents/123';
const TEMPLATE = '/api/documents/:id';
/** Routes registered before the measured one, so the router does some matching, as in a real app. */
const OTHER_ROUTES = ['/api/auth/login', '/api/users/:id', '/api/chat/:id/messages', '/api/cases/:caseNumber', '/api/agencies/:id/clients'];

/** A minimal prom-client recorder, written as most apps would. */
function promClientRecorder() {
  const registry = new Registry();
  const labelNames = ['method', 'route', 'status_code'];
  const requests = new Counter({ name: 'http_requests_total', help: 'requests', labelNames, registers: [registry] });
  const duration = new Histogram({ name: 'http_request_duration_seconds', help: 'duration', labelNames, buckets: [...(METRICS.httpRequestDuration.buckets ?? [])], registers: [registry] });
  const record = (method: string | undefined, route: string, statusCode: number, end: (labels: Record<string, string | number>) => number): void => {
    const labels = { method: method ?? 'GET', route, status_code: statusCode };
    requests.inc(labels);
    end(labels);
  };
  return { registry, duration, record };
}

function main(): void {
  const framework = process.argv[2] as Framework;
  const variant = process.argv[3] as Variant;
  if (!FRAMEWORKS.includes(framework) || !(variant in VARIANTS) || NOT_APPLICABLE[framework]?.[variant]) {
    throw new Error(`http-targets: unknown or not applicable combination ${framework} ${variant}`);
  }
  const metrics = createAppMetrics();
  const instr = new HttpInstrumentation(metrics, { routes: [TEMPLATE] });
  if (variant === 'zero-layer') instr.subscribe();
  const prom = variant === 'prom-client' ? promClientRecorder() : undefined;
  let bundleRegistry: Registry | undefined;

  const reply = (port: number): void => {
    process.send?.({ port });
  };

  if (framework === 'express4' || framework === 'express5') {
    const express = (framework === 'express4' ? express4 : express5) as typeof express4;
    const app = express();
    if (variant === 'noop-layer') app.use((_req, _res, next) => next());
    if (variant === 'middleware') app.use(instr.express());
    if (variant === 'express-prom-bundle') {
      bundleRegistry = new Registry();
      // Typed against Express 5's types; the function is the same connect-style middleware.
      app.use(promBundle({ includeMethod: true, includePath: true, promRegistry: bundleRegistry }) as unknown as express4.RequestHandler);
    }
    if (prom) {
      app.use((req, res, next) => {
        const end = prom.duration.startTimer();
        res.on('finish', () => {
          prom.record(req.method, req.route ? `${req.baseUrl}${req.route.path as string}` : UNMATCHED_ROUTE, res.statusCode, end);
        });
        next();
      });
    }
    for (const r of OTHER_ROUTES) app.get(r, (_req, res) => res.json({ ok: true }));
    app.get(TEMPLATE, (_req, res) => res.json({ ok: true }));
    const server = createServer(app);
    server.keepAliveTimeout = 60_000;
    server.listen(0, '127.0.0.1', () => reply((server.address() as AddressInfo).port));
  } else if (framework === 'fastify') {
    const app = Fastify();
    if (variant === 'noop-layer') app.addHook('onRequest', (_request, _reply, done) => done());
    if (variant === 'middleware') void app.register(instr.fastify());
    if (prom) {
      const ends = new WeakMap<object, (labels: Record<string, string | number>) => number>();
      app.addHook('onRequest', (request, _reply, done) => {
        ends.set(request, prom.duration.startTimer());
        done();
      });
      app.addHook('onResponse', (request, reply, done) => {
        const end = ends.get(request);
        if (end) prom.record(request.method, request.routeOptions.url ?? UNMATCHED_ROUTE, reply.statusCode, end);
        done();
      });
    }
    for (const r of OTHER_ROUTES) app.get(r, async () => ({ ok: true }));
    app.get(TEMPLATE, async () => ({ ok: true }));
    app.listen({ port: 0, host: '127.0.0.1' }).then(
      () => reply((app.server.address() as AddressInfo).port),
      (e: Error) => {
        throw e;
      },
    );
  } else {
    const handler = (_req: IncomingMessage, res: ServerResponse): void => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    };
    let serve: (req: IncomingMessage, res: ServerResponse) => void = handler;
    if (variant === 'middleware') serve = instr.wrap(handler);
    if (prom) {
      serve = (req, res) => {
        const end = prom.duration.startTimer();
        res.on('finish', () => prom.record(req.method, req.url?.startsWith('/api/documents/') ? TEMPLATE : UNMATCHED_ROUTE, res.statusCode, end));
        handler(req, res);
      };
    }
    const server = createServer(serve);
    server.keepAliveTimeout = 60_000;
    server.listen(0, '127.0.0.1', () => reply((server.address() as AddressInfo).port));
  }

  process.on('message', (m: unknown) => {
    if (m === 'cpu') {
      const u = process.cpuUsage();
      process.send?.({ cpuMicros: u.user + u.system });
    } else if (m === 'check') {
      // How many requests this variant recorded under the template (0 for bare and the no-op layer).
      if (prom) void prom.registry.metrics().then((t) => sendCheck(t, 'http_requests_total{'));
      else if (bundleRegistry) void bundleRegistry.metrics().then((t) => sendCheck(t, 'http_request_duration_seconds_count{'));
      else sendCheck(metrics.http.render(), `${METRICS.httpRequests.name}{`);
    }
  });
  process.on('SIGTERM', () => process.exit(0));
}

/**
 * Sums the request counts (lines starting with `counter`) labelled with the measured route: its
 * template, or express-prom-bundle's normalised path.
 */
function sendCheck(text: string, counter: string): void {
  let recorded = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(counter) && /(route|path)="\/api\/documents\/(:id|#val)"/.test(line)) recorded += Number(line.split(' ').pop());
  }
  process.send?.({ recorded });
}

if (require.main === module) main();
