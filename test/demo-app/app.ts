/**
 * A stand-in for the Immigration AI app, instrumented exactly as the real app should be: the HTTP
 * middleware, the business recorders, /metrics (job `immigration-ai`) and scrubbed pino logs.
 * Its routes mimic the product (auth, users, documents, chat, cases, agencies); a
 * separate admin listener injects faults per route.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { BusinessRecorders, HttpInstrumentation, createAppMetrics, metricsHandler, type AppMetrics } from '../../exporters/instrumentation/index.js';
import { FaultTable, parseFault } from './faults.js';

export const DEMO_TOKEN = 'demo-token';
export const DEMO_AGENCIES = ['agency-101', 'agency-102', 'agency-103', 'agency-123'];

export interface DemoApp {
  app: express.Express;
  admin: express.Express;
  faults: FaultTable;
  metrics: AppMetrics;
  recorders: BusinessRecorders;
}

type Handler = (req: Request, res: Response) => void | Promise<void>;
const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

export function createDemoApp(logger: Logger): DemoApp {
  const metrics = createAppMetrics();
  // The agencies the demo knows (the real app lists them from its agencies table).
  const recorders = new BusinessRecorders(metrics, { agencies: DEMO_AGENCIES });
  const http = new HttpInstrumentation(metrics);
  const faults = new FaultTable();
  const app = express();
  app.disable('x-powered-by');
  app.use(http.express());
  // A body the app cannot read is the client's mistake: 415 for a type other than JSON (an API
  // client sending form data), then body-parser's own 400 (malformed), 413 (too large) and 415
  // (charset or encoding), answered by the error handler below. The availability SLO counts 5xx
  // only, so these never burn it.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is('application/json')) {
      res.status(415).json({ error: 'send application/json' });
      return;
    }
    next();
  });
  app.use(express.json({ limit: '1mb' }));
  // No body (or a JSON array) reads as an empty object: handlers never dereference undefined.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) req.body = {};
    next();
  });

  /** Registers a route behind the fault injector, which knows the route template. */
  const route = (method: 'get' | 'post' | 'put' | 'delete', path: string, handler: Handler): void => {
    const inject = (req: Request, res: Response, next: NextFunction): void => {
      const d = faults.decide(path, req.method);
      if (!d) return next();
      setTimeout(() => {
        if (d.failWith !== undefined) res.status(d.failWith).json({ error: 'injected fault' });
        else next();
      }, d.latencyMs);
    };
    app[method](path, inject, (req, res, next) => {
      Promise.resolve(handler(req, res)).catch(next);
    });
  };

  const authorized = (req: Request, res: Response): boolean => {
    const auth = req.headers.authorization;
    if (auth === `Bearer ${DEMO_TOKEN}`) return true;
    recorders.unauthorizedAttempt(auth ? 'invalid_token' : 'forbidden');
    logger.warn({ route: req.route?.path as string }, 'authentication failed: missing or invalid token');
    res.status(401).json({ error: 'unauthorized' });
    return false;
  };

  route('post', '/api/auth/register', (_req, res) => {
    recorders.userRegistered();
    res.status(201).json({ ok: true });
  });
  route('post', '/api/auth/login', (req, res) => {
    const body = req.body as { email?: string; password?: string };
    if (body.password === 'wrong') {
      recorders.unauthorizedAttempt('bad_credentials');
      logger.warn({ email: body.email }, 'authentication failed: bad credentials');
      res.status(401).json({ error: 'bad credentials' });
      return;
    }
    res.json({ token: DEMO_TOKEN });
  });
  route('post', '/api/auth/logout', (req, res) => {
    recorders.sessionEnded(num((req.body as { sessionSeconds?: unknown }).sessionSeconds, 1410));
    res.status(204).end();
  });
  route('get', '/api/users/:id', (req, res) => {
    if (authorized(req, res)) res.json({ id: 'redacted' });
  });
  route('get', '/api/documents', (_req, res) => {
    res.json({ documents: [] });
  });
  route('get', '/api/documents/:id', (_req, res) => {
    res.json({ status: 'reviewed' });
  });
  route('delete', '/api/documents/:id', (_req, res) => {
    res.status(204).end();
  });
  route('post', '/api/documents/upload', (req, res) => {
    const b = req.body as { sizeBytes?: unknown; processingSeconds?: unknown; virus?: boolean; fail?: boolean };
    const sizeBytes = num(b.sizeBytes, 2_400_000);
    if (b.virus) {
      recorders.virusDetected();
      recorders.documentUpload({ outcome: 'failure', sizeBytes });
      logger.warn('document rejected by the virus scanner');
      res.status(422).json({ error: 'virus detected' });
      return;
    }
    if (b.fail) {
      recorders.documentUpload({ outcome: 'failure', sizeBytes });
      res.status(422).json({ error: 'unreadable document' });
      return;
    }
    recorders.documentUpload({ outcome: 'success', sizeBytes, processingSeconds: num(b.processingSeconds, 3.4) });
    res.status(201).json({ ok: true });
  });
  route('post', '/api/chat/conversations', (_req, res) => {
    recorders.chatConversationStarted();
    res.status(201).json({ id: 'c1' });
  });
  route('post', '/api/chat/conversations/:id/messages', (req, res) => {
    const b = req.body as { responder?: string; responseSeconds?: unknown };
    const responder = b.responder === 'human' ? 'human' : 'ai';
    recorders.chatResponse({ responder, durationSeconds: num(b.responseSeconds, responder === 'ai' ? 0.85 : 750) });
    res.status(201).json({ ok: true });
  });
  route('post', '/api/chat/conversations/:id/rating', (req, res) => {
    recorders.chatRating(num((req.body as { rating?: unknown }).rating, 4));
    res.status(204).end();
  });
  route('post', '/api/cases/:id/complete', (req, res) => {
    const b = req.body as { agencyId?: string; durationDays?: unknown };
    recorders.caseCompleted({ agencyId: b.agencyId ?? 'agency-123', durationSeconds: num(b.durationDays, 45.6) * 86400 });
    res.status(204).end();
  });
  // Submitting a completed case file to the authorities: a few a day per agency, the kind of
  // low-traffic endpoint the per-endpoint alerts must still watch.
  route('post', '/api/cases/:id/submit', (_req, res) => {
    res.status(202).json({ ok: true });
  });
  route('get', '/api/agencies/:id/dashboard', (_req, res) => {
    res.json({ ok: true });
  });
  // The health endpoint and /metrics fail only for a fault that names them (a `*` fault is about
  // the product's routes): deployment verification's "unhealthy" and "metrics missing" cases.
  const own = (path: string) => (_req: Request, res: Response, next: NextFunction): void => {
    const d = faults.list().some((f) => f.route === path) ? faults.decide(path, 'GET') : undefined;
    if (d?.failWith !== undefined) res.status(d.failWith).json({ error: 'injected fault' });
    else next();
  };
  app.get('/metrics', own('/metrics'), metricsHandler(metrics.registry));
  app.get('/healthz', own('/healthz'), (_req, res) => {
    res.send('ok\n');
  });
  app.use((err: Error & { status?: unknown; statusCode?: unknown }, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof err.status === 'number' ? err.status : typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 400 && status < 500) {
      // body-parser and Express set the status of client errors; their messages quote the input,
      // so the log line gets only the logger's summary of the error, and the client a fixed text.
      logger.info({ err, status }, 'request refused: client error');
      res.status(status).json({ error: status === 413 ? 'body too large' : status === 415 ? 'unsupported content' : 'bad request' });
      return;
    }
    logger.error({ err }, 'request failed with error');
    res.status(500).json({ error: 'internal error' });
  });

  const admin = express();
  admin.use(express.json());
  admin.get('/admin/faults', (_req, res) => {
    res.json(faults.list());
  });
  admin.post('/admin/faults', (req, res) => {
    const f = parseFault(req.body);
    if (typeof f === 'string') {
      res.status(400).json({ error: f });
      return;
    }
    faults.set(f);
    logger.info({ fault: f }, 'fault injected');
    res.status(201).json(f);
  });
  admin.delete('/admin/faults', (req, res) => {
    const route = typeof req.query.route === 'string' ? req.query.route : (req.body as { route?: string } | undefined)?.route;
    faults.clear(route);
    logger.info({ route: route ?? '*' }, 'faults cleared');
    res.status(204).end();
  });
  return { app, admin, faults, metrics, recorders };
}
