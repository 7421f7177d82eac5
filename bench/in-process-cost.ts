/**
 * What the instrumentation adds per request, measured in process, without the network: real
 * `IncomingMessage`/`ServerResponse` objects go through the framework's own request handling
 * (Express' `app.handle`, a node:http handler), with the two diagnostics-channel events published
 * around it exactly as Node's HTTP server publishes them (zero-layer mode), or with the middleware
 * (its 'close' event emitted after the handler). Variants alternate in batches of 200 requests,
 * hundreds of times; the added cost is the median of the paired batch differences.
 *
 * Why: on a shared virtual machine the end-to-end figures (http-overhead.ts) carry a noise floor of
 * several µs per request, more than a no-op Express layer costs, so the Express target cannot be
 * decided from them alone. Caveat: a tight loop keeps caches warm, so absolute figures are lower than
 * in a server; the comparison between variants is what this measures.
 */
import { channel } from 'node:diagnostics_channel';
import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import { Socket } from 'node:net';
import express4 from 'express';
import express5 from 'express5';
import { HttpInstrumentation, createAppMetrics } from '../exporters/instrumentation/index.js';
import { REQUEST_START_CHANNEL, RESPONSE_FINISH_CHANNEL } from '../exporters/instrumentation/http-diagnostics.js';
import { median, round } from './stats.js';

type Handler = (req: IncomingMessage, res: ServerResponse, done: () => void) => void;
const noop = (): void => undefined;
const OTHER_ROUTES = ['/api/auth/login', '/api/users/:id', '/api/chat/:id/messages', '/api/cases/:caseNumber', '/api/agencies/:id/clients'];

function expressHandler(express: typeof express4, layer?: (app: express4.Express) => void): Handler {
  const app = express();
  layer?.(app);
  for (const r of OTHER_ROUTES) app.get(r, (_req, res) => res.json({ ok: true }));
  app.get('/api/documents/:id', (_req, res) => res.json({ ok: true }));
  return (req, res, done) => (app as unknown as { handle: Handler }).handle(req, res, done);
}

const nodeHandler: Handler = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end('{"ok":true}');
};

export async function inProcessCost(framework: 'express4' | 'express5' | 'node-http', options: { batches: number }) {
  const express = framework === 'express5' ? (express5 as unknown as typeof express4) : express4;
  const instr = new HttpInstrumentation(createAppMetrics({ defaultMetrics: false }), { routes: ['/api/documents/:id'] });
  const isExpress = framework !== 'node-http';
  const bare = isExpress ? expressHandler(express) : nodeHandler;
  const handlers: Record<string, Handler> = { bare };
  if (isExpress) {
    handlers['noop-layer'] = expressHandler(express, (app) => app.use((_req, _res, next) => next()));
    handlers.middleware = expressHandler(express, (app) => app.use(instr.express()));
  } else {
    const wrapped = instr.wrap((req: IncomingMessage, res: ServerResponse) => nodeHandler(req, res, noop));
    handlers.middleware = (req, res) => wrapped(req, res);
  }
  const socket = new Socket();
  const server = createServer();
  const start = channel(REQUEST_START_CHANNEL);
  const finish = channel(RESPONSE_FINISH_CHANNEL);
  const one = (handler: Handler, zeroLayer: boolean, emitClose: boolean): void => {
    const req = new IncomingMessage(socket);
    req.method = 'GET';
    req.url = '/api/documents/123';
    const res = new ServerResponse(req);
    if (zeroLayer) start.publish({ request: req, response: res, socket, server });
    handler(req, res, noop);
    if (zeroLayer) finish.publish({ request: req, response: res, socket, server });
    if (emitClose) res.emit('close');
  };
  const variants: [string, () => void][] = Object.entries(handlers).map(([name, h]) => [name, () => one(h, false, name === 'middleware')]);
  variants.push(['zero-layer', () => one(bare, true, false)]);
  const batch = (f: () => void, n: number): number => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) f();
    return Number(process.hrtime.bigint() - t) / n;
  };
  // The zero-layer mode is process-wide: on only for this measurement.
  const stop = instr.subscribe();
  try {
    for (const [, f] of variants) batch(f, 20_000); // JIT warm-up
    const ns = new Map<string, number[]>(variants.map(([n]) => [n, []]));
    for (let k = 0; k < options.batches; k++) {
      for (let j = 0; j < variants.length; j++) {
        const [name, f] = variants[(j + k) % variants.length];
        ns.get(name)?.push(batch(f, 200));
      }
      if (k % 50 === 49) await new Promise((r) => setImmediate(r)); // let the event loop breathe
    }
    const base = ns.get('bare') ?? [];
    const out: Record<string, { nanosPerRequest: number; addedNanos?: number; fastestBatchNanos: number; addedNanosFastest?: number }> = {};
    const fastest = (xs: number[]): number => Math.min(...xs);
    for (const [name, xs] of ns) {
      out[name] = { nanosPerRequest: round(median(xs), 0), fastestBatchNanos: round(fastest(xs), 0) };
      if (name !== 'bare') {
        out[name].addedNanos = round(median(xs.map((x, i) => x - base[i])), 0);
        out[name].addedNanosFastest = round(fastest(xs) - fastest(base), 0);
      }
    }
    return out;
  } finally {
    stop();
  }
}
