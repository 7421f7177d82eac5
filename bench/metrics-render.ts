/**
 * /metrics render cost at 200 routes x 4 methods x 5 status codes (4,000 label sets): our HTTP
 * metrics store against prom-client's own renderer holding the same two metrics with the same
 * observations, timed alternately in the same loop; plus the whole app registry (process defaults
 * included) as the app serves it, and the in-process cost of the shared recording hot path.
 */
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { Counter, Histogram, Registry } from 'prom-client';
import { METRICS } from '../contract/metric-catalog.js';
import { HttpInstrumentation, createAppMetrics } from '../exporters/instrumentation/index.js';
import { median, round } from './stats.js';

const ROUTES = Array.from({ length: 200 }, (_, i) => `/api/resource${i}/:id`);
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const STATUSES = [200, 201, 400, 404, 500];
const seconds = (status: number): number => 0.003 * (1 + (status % 7));

/** Milliseconds of one call of `f`, `n` times after `warmup` calls. */
async function timings(f: () => unknown, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await f();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

export async function metricsRender() {
  // Ours: the app registry, HTTP metrics filled through the instrumentation.
  const metrics = createAppMetrics();
  const instr = new HttpInstrumentation(metrics, { routes: ROUTES, maxRoutes: 500 });
  // prom-client: the same two metrics (names, labels, buckets) in a registry of their own.
  const registry = new Registry();
  const requests = new Counter({ name: METRICS.httpRequests.name, help: METRICS.httpRequests.help, labelNames: ['method', 'route', 'status_code'], registers: [registry] });
  const duration = new Histogram({
    name: METRICS.httpRequestDuration.name,
    help: METRICS.httpRequestDuration.help,
    labelNames: ['method', 'route'],
    buckets: [...(METRICS.httpRequestDuration.buckets ?? [])],
    registers: [registry],
  });
  for (const r of ROUTES) {
    for (const m of METHODS) {
      for (const s of STATUSES) {
        instr.record(m, r, s, seconds(s));
        requests.inc({ method: m, route: r, status_code: s });
        duration.observe({ method: m, route: r }, seconds(s));
      }
    }
  }
  // Byte length: the server writes the text out, which flattens V8's string ropes; count that too.
  const ours = (): number => Buffer.byteLength(metrics.http.render());
  const theirs = async (): Promise<number> => Buffer.byteLength(await registry.metrics());
  const sampleLines = (t: string): number => t.split('\n').filter((l) => l && !l.startsWith('#')).length;
  const oursSamples = sampleLines(metrics.http.render());
  const theirsSamples = sampleLines(await registry.metrics());
  if (oursSamples !== theirsSamples) throw new Error(`bench: renderers disagree on the sample count (${oursSamples} vs ${theirsSamples})`);

  await timings(ours, 20);
  await timings(theirs, 20);
  const oursMs: number[] = [];
  const theirsMs: number[] = [];
  for (let i = 0; i < 100; i++) {
    oursMs.push(...(await timings(ours, 1)));
    theirsMs.push(...(await timings(theirs, 1)));
  }
  // The floor both pay: allocating a flat string of this size (on a VM, mostly page faults).
  const bytes = Buffer.byteLength(metrics.http.render());
  const floor = (): number => Buffer.byteLength('x'.repeat(bytes - 1) + '\n');
  await timings(floor, 10);
  const floorMs = await timings(floor, 50);
  const full = async () => Buffer.byteLength(await metrics.registry.metrics());
  await timings(full, 20);
  const fullMs = await timings(full, 100);
  const fullText = await metrics.registry.metrics();
  const speedup = median(theirsMs) / median(oursMs);
  return {
    labelSets: ROUTES.length * METHODS.length * STATUSES.length,
    httpSamples: oursSamples,
    oursMedianMs: round(median(oursMs)),
    promClientMedianMs: round(median(theirsMs)),
    speedupOverPromClient: round(speedup),
    targetSpeedup: 4,
    flatStringOfThatSizeMs: round(median(floorMs)),
    appRegistry: {
      note: 'the whole /metrics body the app serves: HTTP metrics plus process and Node.js defaults',
      exposedSamples: sampleLines(fullText),
      bytes: Buffer.byteLength(fullText),
      medianMs: round(median(fullMs)),
      p95Ms: round([...fullMs].sort((a, b) => a - b)[94]),
      targetMs: 10,
    },
  };
}

/** In-process cost of the shared hot path per request (ignore check, template lookup, recording), in ns. */
export function hotPathNanos(): number {
  const metrics = createAppMetrics({ defaultMetrics: false });
  const instr = new HttpInstrumentation(metrics, { routes: ['/api/documents/:id', '/api/users/:id', '/api/chat/:id/messages'] });
  const req = new IncomingMessage(new Socket());
  req.method = 'GET';
  req.url = '/api/documents/123?x=1';
  const run = (n: number): number => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) if (instr.isRecorded(req)) instr.finish(req, req.method, 200, performance.now());
    return Number(process.hrtime.bigint() - t) / n;
  };
  run(200_000);
  return round(median([run(500_000), run(500_000), run(500_000)]), 0);
}
