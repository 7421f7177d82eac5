/**
 * HTTP middleware recording `immigration_ai_http_requests_total` and
 * `immigration_ai_http_request_duration_seconds` by method, route template and status code, for
 * Express and for Node's own `http` server.
 *
 * Hot path: one 'close' listener, one map lookup and a few increments per request (see
 * http-metrics-store.ts); `npm run bench` measures the cost.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppMetrics } from './app-metrics.js';
import { RouteLabelBudget, RouteTemplates, normalizeMethod, normalizeStatus, DEFAULT_MAX_ROUTES } from './routes.js';

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


/** Express' request, as far as we read it (no dependency on express' types at runtime). */
interface ExpressLikeRequest extends IncomingMessage {
  route?: { path?: unknown };
  baseUrl?: string;
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

  /** The route template of a request: the framework's, else a declared template, else undefined. */
  templateOf(req: IncomingMessage): string | undefined {
    const custom = this.options.routeOf?.(req);
    if (custom !== undefined) return custom;
    const er = req as ExpressLikeRequest;
    const routePath = er.route?.path;
    if (typeof routePath === 'string') return `${er.baseUrl ?? ''}${routePath}` || '/';
    // Express puts a matched route's path under req.route; for other frameworks or 404s, fall
    // back to the declared templates. req.originalUrl keeps the mount prefix Express strips.
    const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    return this.templates.match(url);
  }

  /** Starts timing `req`; records it once the response finishes or the connection closes. */
  observe(req: IncomingMessage, res: ServerResponse): void {
    if (this.ignored.size > 0) {
      const url = req.url ?? '';
      const q = url.indexOf('?');
      if (this.ignored.has(q === -1 ? url : url.slice(0, q))) return;
    }
    const start = performance.now();
    // 'close' follows 'finish' on every response and also fires when the client goes away.
    res.on('close', () => {
      // A client that left before the response was sent got no status: 499, as nginx logs it.
      const status = res.writableFinished ? res.statusCode : 499;
      this.record(req.method ?? 'GET', this.templateOf(req) ?? '', status, (performance.now() - start) / 1000);
    });
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
}
