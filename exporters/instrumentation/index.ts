/**
 * The instrumentation library the Immigration AI app imports:
 *
 *   const metrics = createAppMetrics();
 *   const http = new HttpInstrumentation(metrics, { routes: ['/api/documents/:id'] });
 *   http.subscribe();          // zero-layer: every HTTP server in the process, Express and Fastify
 *                              // (or the middleware: app.use(http.express()), app.register(http.fastify()))
 *   const record = new BusinessRecorders(metrics, { agencies: ['agency-101', 'agency-102'] });
 *   app.get('/metrics', metricsHandler(metrics.registry));
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export { createAppMetrics, AppRegistry, type AppMetrics } from './app-metrics.js';
export { HttpMetricsStore } from './http-metrics-store.js';
export { HttpInstrumentation, type HttpInstrumentationOptions } from './http.js';
export { type SubscribeOptions } from './http-diagnostics.js';
export { setRouteTemplate, CLIENT_CLOSED_REQUEST } from './request-state.js';
export { type FastifyPlugin } from './fastify.js';
export { BusinessRecorders, type BusinessRecordersOptions, UNKNOWN_AGENCY, OTHER_AGENCY, UNAUTHORIZED_REASONS, type UnauthorizedReason, type Responder, type UploadOutcome } from './recorders.js';
export { RouteTemplates, RouteLabelBudget, UNMATCHED_ROUTE, OVERFLOW_ROUTE } from './routes.js';

/** A request handler serving `registry` in the Prometheus text format. */
export function metricsHandler(registry: Registry): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    registry.metrics().then(
      (body) => {
        res.statusCode = 200;
        res.setHeader('Content-Type', registry.contentType);
        res.end(body);
      },
      (err: Error) => {
        res.statusCode = 500;
        res.end(`metrics collection failed: ${err.message}\n`);
      },
    );
  };
}
