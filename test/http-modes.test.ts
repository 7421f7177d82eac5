/**
 * The zero-layer mode (diagnostics_channel) and the middleware record the same series for the same
 * traffic, on Express 4, Express 5, Fastify and node:http: real servers on 127.0.0.1, real requests,
 * including 404s, redirects, streamed responses, a request its client aborts mid-response, a
 * request an auth hook answers before the handler, and scrapes and probes that must not count.
 */
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import express4 from 'express';
import express5 from 'express5';
import Fastify from 'fastify';
import { METRICS } from '../contract/metric-catalog.js';
import { CLIENT_CLOSED_REQUEST, HttpInstrumentation, UNMATCHED_ROUTE, createAppMetrics, metricsHandler, setRouteTemplate } from '../exporters/instrumentation/index.js';
import { close, listen } from './helpers/net.js';

type Mode = 'middleware' | 'zero-layer';
type Express = typeof express4;
interface Running {
  url: string;
  close(): Promise<void>;
}
/** Starts one app of a framework, instrumented in `mode` by `instr`. */
type Framework = (mode: Mode, instr: HttpInstrumentation, metrics: ReturnType<typeof createAppMetrics>) => Promise<Running>;

/** Templates of the routes below, declared for node:http, which has no router. */
const TEMPLATES = ['/api/documents/:id/upload', '/api/documents/:id', '/api/users/:userId/cases/:caseId', '/old/:id', '/api/exports/:id', '/api/slow/:id', '/api/admin/:id'];

/** A response written in several chunks over several event-loop turns. */
function stream(res: ServerResponse | PassThrough): void {
  let n = 0;
  res.write('first;');
  const t = setInterval(() => {
    res.write(`chunk ${n};`);
    if (++n === 3) {
      clearInterval(t);
      res.end();
    }
  }, 5);
}

/** A response that never ends on its own: the client aborts it after the first chunk. */
function hang(res: ServerResponse | PassThrough, closed: NodeJS.EventEmitter): void {
  res.write('first;');
  const t = setInterval(() => res.write('.'), 20);
  closed.on('close', () => clearInterval(t));
}

const expressApp = (express: Express): Framework => async (mode, instr, metrics) => {
  const app = express();
  if (mode === 'middleware') app.use(instr.express());
  const docs = express.Router();
  docs.get('/:id', (_req, res) => {
    res.json({ ok: true });
  });
  docs.delete('/:id', (_req, res) => {
    res.status(500).end();
  });
  docs.post('/:id/upload', express.json(), (_req, res) => {
    res.status(201).json({ ok: true });
  });
  app.use('/api/documents', docs);
  const users = express.Router();
  users.get('/:userId/cases/:caseId', (_req, res) => {
    res.json({ ok: true });
  });
  app.use('/api/users', users);
  app.get('/old/:id', (req, res) => res.redirect(`/api/documents/${req.params.id}`));
  app.get('/api/exports/:id', (_req, res) => stream(res));
  app.get('/api/slow/:id', (_req, res) => hang(res, res));
  // An auth check that answers before the handler (route-level, so Express has matched the route).
  app.get(
    '/api/admin/:id',
    (_req, res) => {
      res.status(401).end();
    },
    (_req, res) => {
      res.end();
    },
  );
  app.get('/metrics', metricsHandler(metrics.registry));
  app.get('/healthz', (_req, res) => {
    res.end('ok');
  });
  const { server, url } = await listen(createServer(app));
  return { url, close: () => close(server) };
};

const fastifyApp: Framework = async (mode, instr, metrics) => {
  const app = Fastify();
  if (mode === 'middleware') await app.register(instr.fastify());
  // An auth hook that answers before the handler.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.url.startsWith('/api/admin/')) reply.code(401).send();
    else done();
  });
  app.get('/api/documents/:id', async () => ({ ok: true }));
  app.delete('/api/documents/:id', async (_request, reply) => reply.code(500).send());
  app.post('/api/documents/:id/upload', async (_request, reply) => reply.code(201).send({ ok: true }));
  await app.register(
    async (users) => {
      users.get('/:userId/cases/:caseId', async () => ({ ok: true }));
    },
    { prefix: '/api/users' },
  );
  app.get<{ Params: { id: string } }>('/old/:id', async (request, reply) => reply.redirect(`/api/documents/${request.params.id}`));
  app.get('/api/exports/:id', (_request, reply) => {
    const body = new PassThrough();
    reply.send(body);
    stream(body);
  });
  app.get('/api/slow/:id', (_request, reply) => {
    const body = new PassThrough();
    reply.send(body);
    hang(body, reply.raw);
  });
  app.get('/api/admin/:id', async () => ({ ok: true }));
  app.get('/metrics', (request, reply) => {
    reply.hijack();
    metricsHandler(metrics.registry)(request.raw, reply.raw);
  });
  app.get('/healthz', async () => 'ok');
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
};

const nodeHttpApp: Framework = async (mode, instr, metrics) => {
  const serveMetrics = metricsHandler(metrics.registry);
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    const p = path.split('/');
    if (path === '/metrics') serveMetrics(req, res);
    else if (path === '/healthz') res.end('ok');
    else if (p[1] === 'api' && p[2] === 'documents' && p.length === 4) {
      res.statusCode = req.method === 'DELETE' ? 500 : 200;
      res.end(req.method === 'DELETE' ? undefined : '{"ok":true}');
    } else if (p[1] === 'api' && p[2] === 'documents' && p[4] === 'upload') {
      req.resume();
      req.on('end', () => {
        res.statusCode = 201;
        res.end('{"ok":true}');
      });
    } else if (p[1] === 'api' && p[2] === 'users') res.end('{"ok":true}');
    else if (p[1] === 'old') {
      res.writeHead(302, { location: `/api/documents/${p[2]}` });
      res.end();
    } else if (p[2] === 'exports') stream(res);
    else if (p[2] === 'slow') hang(res, res);
    else if (p[2] === 'admin') {
      res.statusCode = 401;
      res.end();
    } else {
      res.statusCode = 404;
      res.end();
    }
  };
  const { server, url } = await listen(createServer(mode === 'middleware' ? instr.wrap(handler) : handler));
  return { url, close: () => close(server) };
};

/** Frameworks that route name their templates themselves: no declared templates to fall back on. */
const FRAMEWORKS: [string, Framework, readonly string[]][] = [
  ['Express 4', expressApp(express4), []],
  ['Express 5', expressApp(express5 as unknown as Express), []],
  ['Fastify 5', fastifyApp, []],
  ['node:http', nodeHttpApp, TEMPLATES],
];

/** GETs `url`, reads the first chunk of the body, then destroys the connection. */
function abortAfterFirstChunk(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve() : reject(e)));
  });
}

/** The traffic: 10 recorded requests, plus scrapes and probes that must not be. */
async function traffic(url: string): Promise<number> {
  const send = async (path: string, init?: RequestInit): Promise<void> => {
    await (await fetch(url + path, { redirect: 'manual', ...init })).arrayBuffer();
  };
  await send('/api/documents/A1234567?download=1');
  await send('/api/documents/B7654321');
  await send('/api/documents/B7654321', { method: 'DELETE' });
  await send('/api/documents/C1/upload', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"jane@doe.com"}' });
  await send('/api/users/jane@doe.com/cases/IOE0912345678');
  await send('/old/D5');
  await send('/api/exports/E9');
  await abortAfterFirstChunk(`${url}/api/slow/F3`);
  await send('/api/admin/G1');
  await send('/nope/jane@doe.com');
  await send('/metrics');
  await send('/metrics?name[]=x');
  await send('/healthz');
  return 10;
}

/** The recorded HTTP series (counters and histogram counts), sorted; durations vary and are left out. */
function seriesOf(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${METRICS.httpRequests.name}{`) || l.startsWith(`${METRICS.httpRequestDuration.name}_count{`))
    .sort();
}
const totalRequests = (text: string): number =>
  text
    .split('\n')
    .filter((l) => l.startsWith(`${METRICS.httpRequests.name}{`))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);

/** Runs the traffic against a fresh app in `mode` and returns what it recorded. */
async function recorded(framework: Framework, mode: Mode | 'both', routes: readonly string[] = []): Promise<string[]> {
  const metrics = createAppMetrics({ defaultMetrics: false });
  const instr = new HttpInstrumentation(metrics, { routes });
  const stop = mode === 'middleware' ? undefined : instr.subscribe();
  try {
    const app = await framework(mode === 'zero-layer' ? 'zero-layer' : 'middleware', instr, metrics);
    try {
      const expected = await traffic(app.url);
      // The aborted request is recorded when the server sees the connection close.
      const deadline = Date.now() + 5000;
      while (totalRequests(metrics.http.render()) < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 50)); // anything recorded twice would show by now
      return seriesOf(metrics.http.render());
    } finally {
      await app.close();
    }
  } finally {
    stop?.();
  }
}

const counter = (method: string, route: string, status: number, n: number): string =>
  `${METRICS.httpRequests.name}{method="${method}",route="${route}",status_code="${status}"} ${n}`;

/** What the traffic above must produce, in every framework and mode. */
const EXPECTED_COUNTERS = [
  counter('GET', '/api/documents/:id', 200, 2),
  counter('DELETE', '/api/documents/:id', 500, 1),
  counter('POST', '/api/documents/:id/upload', 201, 1),
  counter('GET', '/api/users/:userId/cases/:caseId', 200, 1),
  counter('GET', '/old/:id', 302, 1),
  counter('GET', '/api/exports/:id', 200, 1),
  counter('GET', '/api/slow/:id', CLIENT_CLOSED_REQUEST, 1),
  counter('GET', '/api/admin/:id', 401, 1),
  counter('GET', UNMATCHED_ROUTE, 404, 1),
].sort();

describe.each(FRAMEWORKS)('%s', (_name, framework, templates) => {
  it('the zero-layer mode records exactly the series the middleware records', async () => {
    const viaMiddleware = await recorded(framework, 'middleware', templates);
    const zeroLayer = await recorded(framework, 'zero-layer', templates);
    expect(viaMiddleware.filter((l) => l.startsWith(`${METRICS.httpRequests.name}{`))).toEqual(EXPECTED_COUNTERS);
    expect(zeroLayer).toEqual(viaMiddleware);
    // One histogram series per (method, route): 9 of them, counting the same requests.
    expect(zeroLayer.filter((l) => l.includes('_count{'))).toHaveLength(9);
    expect(zeroLayer.join('\n')).not.toMatch(/jane|A1234567|IOE0912345678|metrics|healthz/);
  });
});

describe('zero-layer mode', () => {
  it('counts a request once when a middleware is also installed', async () => {
    expect(await recorded(expressApp(express4), 'both')).toEqual(await recorded(expressApp(express4), 'middleware'));
  });

  it('is one per process, and can be turned off and on again', async () => {
    const a = new HttpInstrumentation(createAppMetrics({ defaultMetrics: false }));
    const b = new HttpInstrumentation(createAppMetrics({ defaultMetrics: false }));
    const stop = a.subscribe();
    try {
      expect(() => b.subscribe()).toThrow(/already on in this process/);
    } finally {
      stop();
    }
    b.subscribe()();
  });

  it('records only the servers `servers` selects, and stops recording when turned off', async () => {
    const metrics = createAppMetrics({ defaultMetrics: false });
    const instr = new HttpInstrumentation(metrics, { routes: ['/a'] });
    const handler = (_req: IncomingMessage, res: ServerResponse): void => {
      res.end();
    };
    const app = await listen(createServer(handler));
    const admin = await listen(createServer(handler));
    const stop = instr.subscribe({ servers: (s: Server) => s === app.server });
    try {
      await (await fetch(`${app.url}/a`)).arrayBuffer();
      await (await fetch(`${admin.url}/a`)).arrayBuffer();
      stop();
      await (await fetch(`${app.url}/a`)).arrayBuffer();
      expect(seriesOf(metrics.http.render())).toContain(counter('GET', '/a', 200, 1));
    } finally {
      stop();
      await close(app.server);
      await close(admin.server);
    }
  });

  it('takes a template any framework stamps with setRouteTemplate, and refuses raw paths', async () => {
    const metrics = createAppMetrics({ defaultMetrics: false });
    const instr = new HttpInstrumentation(metrics);
    const stop = instr.subscribe();
    const { server, url } = await listen(
      createServer((req, res) => {
        setRouteTemplate(req, req.url?.startsWith('/raw') ? req.url : '/api/cases/:caseNumber');
        res.end();
      }),
    );
    try {
      await (await fetch(`${url}/api/cases/IOE0912345678`)).arrayBuffer();
      await (await fetch(`${url}/raw/jane@doe.com`)).arrayBuffer();
      const series = seriesOf(metrics.http.render());
      expect(series).toContain(counter('GET', '/api/cases/:caseNumber', 200, 1));
      expect(series).toContain(counter('GET', UNMATCHED_ROUTE, 200, 1));
    } finally {
      stop();
      await close(server);
    }
  });

  it('times pipelined requests on one connection each, and records those still queued when it closes as 499', async () => {
    const metrics = createAppMetrics({ defaultMetrics: false });
    const instr = new HttpInstrumentation(metrics, { routes: ['/fast/:id', '/slow/:id', '/hang/:id'] });
    const stop = instr.subscribe();
    const { server, port } = await listen(
      createServer((req, res) => {
        if (req.url?.startsWith('/slow')) setTimeout(() => res.end('slow'), 30);
        else if (req.url?.startsWith('/fast')) res.end('fast');
        // /hang/: never answered
      }),
    );
    const pipeline = (paths: string[], closeAfterBytes: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`).join('')));
        let got = '';
        socket.on('data', (d: Buffer) => {
          got += d.toString();
          if (got.split('HTTP/1.1 200').length - 1 >= closeAfterBytes) socket.destroy();
        });
        socket.on('close', () => resolve());
        socket.on('error', reject);
      });
    try {
      // Three requests in one write: the slow first one holds the two others in Node's queue.
      await pipeline(['/slow/1', '/fast/2', '/fast/3'], 3);
      // One answered, two still waiting when the client leaves.
      await pipeline(['/fast/4', '/hang/5', '/fast/6'], 1);
      const deadline = Date.now() + 5000;
      while (totalRequests(metrics.http.render()) < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(seriesOf(metrics.http.render()).filter((l) => l.startsWith(`${METRICS.httpRequests.name}{`))).toEqual(
        [counter('GET', '/slow/:id', 200, 1), counter('GET', '/fast/:id', 200, 3), counter('GET', '/hang/:id', CLIENT_CLOSED_REQUEST, 1), counter('GET', '/fast/:id', CLIENT_CLOSED_REQUEST, 1)].sort(),
      );
    } finally {
      stop();
      await close(server);
    }
  });

  it.each([
    ['Express 4', express4],
    ['Express 5', express5 as unknown as Express],
  ])('never takes a parameter value from a router mount path into a label (%s)', async (_name, express) => {
    for (const mode of ['middleware', 'zero-layer'] as const) {
      for (const declared of [[], ['/api/users/:userId/cases/:caseId', '/api/documents/:id']]) {
        const metrics = createAppMetrics({ defaultMetrics: false });
        const instr = new HttpInstrumentation(metrics, { routes: declared });
        const stop = mode === 'zero-layer' ? instr.subscribe() : undefined;
        const app = express();
        if (mode === 'middleware') app.use(instr.express());
        const cases = express.Router({ mergeParams: true });
        cases.get('/cases/:caseId', (_req, res) => {
          res.end();
        });
        app.use('/api/users/:userId', cases);
        const docs = express.Router();
        docs.get('/:id', (_req, res) => {
          res.end();
        });
        app.use('/api/documents', docs);
        const { server, url } = await listen(createServer(app));
        try {
          await (await fetch(`${url}/api/users/omar.haddad/cases/IOE0912345678`)).arrayBuffer();
          await (await fetch(`${url}/api/documents/D1`)).arrayBuffer();
          const deadline = Date.now() + 2000;
          while (totalRequests(metrics.http.render()) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
          const series = seriesOf(metrics.http.render());
          expect(series.join('\n')).not.toContain('omar');
          // Declared, the templates name them. Otherwise they count as unmatched, never as the raw
          // path: in an app with a parameterized mount, mounted routers need declared templates.
          if (declared.length) {
            expect(series).toContain(counter('GET', '/api/users/:userId/cases/:caseId', 200, 1));
            expect(series).toContain(counter('GET', '/api/documents/:id', 200, 1));
          } else {
            expect(series).toContain(counter('GET', UNMATCHED_ROUTE, 200, 2));
          }
        } finally {
          stop?.();
          await close(server);
        }
      }
    }
  });
});
