/**
 * HTTP middleware recording `immigration_ai_http_requests_total` and
 * `immigration_ai_http_request_duration_seconds` by method, route template and status code, for
 * Express and for Node's own `http` server.
 *
 * Hot path: label children are cached per (method, route, status), so a request costs two map
 * lookups and two increments, not a label-hash computation per metric.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Counter, Histogram } from 'prom-client';
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

type CounterChild = ReturnType<Counter<string>['labels']>;
type HistogramChild = ReturnType<Histogram<string>['labels']>;

/** Express' request, as far as we read it (no dependency on express' types at runtime). */
interface ExpressLikeRequest extends IncomingMessage {
  route?: { path?: unknown };
  baseUrl?: string;
}

export class HttpInstrumentation {
  private readonly templates: RouteTemplates;
  private readonly budget: RouteLabelBudget;
  private readonly counters = new Map<string, CounterChild>();
  private readonly histograms = new Map<string, HistogramChild>();
  private readonly ignored: Set<string>;

  constructor(
    private readonly metrics: Pick<AppMetrics, 'httpRequests' | 'httpRequestDuration'>,
    private readonly options: HttpInstrumentationOptions = {},
  ) {
    this.templates = new RouteTemplates(options.routes ?? []);
    this.budget = new RouteLabelBudget(options.maxRoutes ?? DEFAULT_MAX_ROUTES);
    this.ignored = new Set(options.ignorePaths ?? ['/metrics', '/healthz']);
  }

  /** Records one finished request. `route` must already be a template. */
  record(method: string, route: string, statusCode: number, seconds: number): void {
    const m = normalizeMethod(method);
    const r = this.budget.label(route);
    const s = normalizeStatus(statusCode);
    const hKey = `${m} ${r}`;
    const cKey = `${hKey} ${s}`;
    let c = this.counters.get(cKey);
    if (!c) {
      c = this.metrics.httpRequests.labels({ method: m, route: r, status_code: s });
      this.counters.set(cKey, c);
    }
    let h = this.histograms.get(hKey);
    if (!h) {
      h = this.metrics.httpRequestDuration.labels({ method: m, route: r });
      this.histograms.set(hKey, h);
    }
    c.inc();
    h.observe(seconds);
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
    if (this.ignored.size > 0 && this.ignored.has((req.url ?? '').split('?')[0])) return;
    const start = process.hrtime.bigint();
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      // A client that went away before a response got no status: count it as 499 like nginx.
      const status = res.writableFinished || res.headersSent ? res.statusCode : 499;
      this.record(req.method ?? 'GET', this.templateOf(req) ?? '', status, seconds);
    };
    res.once('finish', finish);
    res.once('close', finish);
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
