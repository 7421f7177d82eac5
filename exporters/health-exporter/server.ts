/**
 * The exporter's HTTP API: /api/health[/database|/storage|/system] (the monitoring guide's JSON;
 * 200 when healthy or not configured, 503 when unhealthy), /metrics and /api/metrics (Prometheus
 * text), /healthz (liveness: the process serves, whatever its dependencies do). Requests re-run
 * only the cheap probes older than METRICS_MAX_AGE; the expensive checks follow
 * HEALTH_CHECK_INTERVAL (see health-monitor.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { COMPONENTS, type Component } from './check-result.js';
import type { ExporterMetrics } from './exporter-metrics.js';
import type { HealthMonitor } from './health-monitor.js';

export interface ServerDeps {
  monitor: HealthMonitor;
  metrics: ExporterMetrics;
  logger: Logger;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function createExporterServer(deps: ServerDeps): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics' || path === '/api/metrics') {
      await deps.monitor.refresh();
      const body = await deps.metrics.registry.metrics();
      res.writeHead(200, { 'Content-Type': deps.metrics.registry.contentType });
      res.end(body);
      return;
    }
    if (path === '/api/health') {
      const report = await deps.monitor.report();
      json(res, report.overall_status === 'healthy' ? 200 : 503, report);
      return;
    }
    const m = /^\/api\/health\/([a-z]+)$/.exec(path);
    if (m && (COMPONENTS as readonly string[]).includes(m[1])) {
      const result = await deps.monitor.check(m[1] as Component);
      json(res, result.status === 'unhealthy' ? 503 : 200, result);
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
      return;
    }
    json(res, 404, { error: 'not found', endpoints: ['/api/health', '/api/health/database', '/api/health/storage', '/api/health/system', '/metrics', '/api/metrics', '/healthz'] });
  };
  return createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      deps.logger.error({ err: e }, 'request handling failed with error');
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.end();
    });
  });
}
