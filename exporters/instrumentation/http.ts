/**
 * HTTP request metrics: `immigration_ai_http_requests_total` and
 * `immigration_ai_http_request_duration_seconds` by method, route template and status code.
 *
 * Two ways in, one hot path:
 *  - zero-layer mode, `subscribe()` (http-diagnostics.ts): Node's own HTTP server events on
 *    `diagnostics_channel`, for every server in the process; no middleware, no wrapped handler;
 *  - middleware: `express()`, `wrap()` (node:http), `fastify()`; one 'close' listener per request.
 * Both ask `isRecorded()` when a request starts and call `finish()` once it is answered (or its
 * client left), so labels, cardinality bounds and privacy rules cannot differ. `npm run bench`
 * measures the cost.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppMetrics } from './app-metrics.js';
import { RouteLabelBudget, RouteTemplates, normalizeMethod, normalizeStatus, DEFAULT_MAX_ROUTES } from './routes.js';
import { CLIENT_CLOSED_REQUEST, connectionOf, kRouteTemplate, type TrackedRequest } from './request-state.js';
import { rootHookPlugin, stampFastifyRoute, type FastifyOnRequestHook, type FastifyPlugin } from './fastify.js';
import { subscribeServers, type SubscribeOptions } from './http-diagnostics.js';
import { expressTemplate } from './express-routes.js';

export interface HttpInstrumentationOptions {
  /** Route templates (`/api/documents/:id`) for paths the framework cannot name (plain `http`, 404s). */
  routes?: readonly string[];
  /** Hard bound on distinct `route` values. */
  maxRoutes?: number;
  /** Custom template lookup; return undefined when unknown. */
  routeOf?: (req: IncomingMessage) => string | undefined;
  /** Paths not recorded (scrapes and probes are not user traffic). Default: /metrics, /healthz. */
  ignorePaths?: readonly string[];
}


export class HttpInstrumentation {
  private readonly templates: RouteTemplates;
  private readonly budget: RouteLabelBudget;
  private readonly ignored: Set<string>;

  constructor(
    private readonly metrics: Pick<AppMetrics, 'http'>,
    private readonly options: HttpInstrumentationOptions = {},
  ) {
    this.templates = new RouteTemplates(options.routes ?? []);
    this.budget = new RouteLabelBudget(options.maxRoutes ?? DEFAULT_MAX_ROUTES);
    this.ignored = new Set(options.ignorePaths ?? ['/metrics', '/healthz']);
  }

  /** Records one finished request. `route` must already be a template. */
  record(method: string, route: string, statusCode: number, seconds: number): void {
    this.metrics.http.route(normalizeMethod(method), this.budget.label(route)).observe(normalizeStatus(statusCode), seconds);
  }

  /**
   * The route template of a request: the app's `routeOf`, else the one an adapter stamped on it
   * (Fastify, `setRouteTemplate`; passed in by the caller, which knows where it is kept), else
   * Express' matched route, else a declared template.
   */
  templateOf(req: IncomingMessage, stampedTemplate?: string): string | undefined {
    const custom = this.options.routeOf?.(req);
    if (custom !== undefined) return custom;
    if (typeof stampedTemplate === 'string') return stampedTemplate;
    const express = expressTemplate(req);
    if (express !== undefined) return express;
    // req.originalUrl (Express) keeps the mount prefix Express strips from req.url.
    return this.templates.match((req as { originalUrl?: string }).originalUrl ?? req.url ?? '/');
  }

  /** False for requests not to be recorded: scrapes and probes (`ignorePaths`). */
  isRecorded(req: IncomingMessage): boolean {
    if (this.ignored.size === 0) return true;
    const u = req.url ?? '';
    const q = u.indexOf('?');
    return !this.ignored.has(q === -1 ? u : u.slice(0, q));
  }

  /**
   * The hot path both modes share: records `req` (`method`, read when it started), answered with
   * `statusCode` (499 when its client left), started at `start` (performance.now()), with the
   * template an adapter stamped, if any.
   */
  finish(req: IncomingMessage, method: string | undefined, statusCode: number, start: number, stampedTemplate?: string): void {
    this.record(method ?? 'GET', this.templateOf(req, stampedTemplate) ?? '', statusCode, (performance.now() - start) / 1000);
  }

  /**
   * Zero-layer mode: records every request of every HTTP(S) server in this process from Node's
   * diagnostics channels, and names Fastify routes of apps created afterwards. Call it once, before
   * creating the app. Returns the function that turns it off.
   */
  subscribe(options: SubscribeOptions = {}): () => void {
    return subscribeServers(this, stampFastifyRoute, options);
  }

  /**
   * Starts timing `req`; records it once the response finishes or the connection closes. Skips a
   * request the zero-layer mode already times, so the two together count it once.
   */
  observe(req: IncomingMessage, res: ServerResponse): void {
    if (!this.isRecorded(req) || connectionOf(req)?.has(req)) return;
    const method = req.method;
    const start = performance.now();
    // 'close' follows 'finish' on every response and also fires when the client goes away.
    res.on('close', () => this.finish(req, method, res.writableFinished ? res.statusCode : CLIENT_CLOSED_REQUEST, start, (req as TrackedRequest)[kRouteTemplate]));
  }

  /** Express middleware: `app.use(instrumentation.express())` before the routes. */
  express(): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
    return (req, res, next) => {
      this.observe(req, res);
      next();
    };
  }

  /** Wraps a Node `http` request handler. */
  wrap<R extends IncomingMessage, S extends ServerResponse>(handler: (req: R, res: S) => void): (req: R, res: S) => void {
    return (req, res) => {
      this.observe(req, res);
      handler(req, res);
    };
  }

  /**
   * Fastify plugin: `await app.register(instrumentation.fastify())` first, before other plugins and
   * hooks, so requests they answer early are named too. Not needed with `subscribe()` for apps
   * created after it.
   */
  fastify(): FastifyPlugin {
    const hook: FastifyOnRequestHook = (request, reply, done) => {
      this.observe(request.raw, reply.raw);
      stampFastifyRoute(request, reply, done);
    };
    return rootHookPlugin('immigration-ai-http-metrics', hook);
  }
}
