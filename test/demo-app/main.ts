/**
 * `npm run demo-app`: the instrumented demo app. PORT (default 3000) serves the app and /metrics;
 * ADMIN_PORT (default 3001) serves POST/GET/DELETE /admin/faults. DEMO_TRAFFIC_RATE > 0 makes it
 * send itself that many requests per second (handy for a local stack).
 */
import type { Server } from 'node:http';
import { createLogger } from '../../exporters/logging/logger.js';
import { ConfigError, parseHost, parseLogLevel, parseNumber } from '../../exporters/health-exporter/config.js';
import { failStart } from '../../exporters/startup.js';
import { createDemoApp } from './app.js';
import { runTraffic } from './traffic.js';

const problems: string[] = [];
const port = parseNumber(process.env, 'PORT', 3000, problems, { min: 0, max: 65535, integer: true });
const adminPort = parseNumber(process.env, 'ADMIN_PORT', 3001, problems, { min: 0, max: 65535, integer: true });
const rate = parseNumber(process.env, 'DEMO_TRAFFIC_RATE', 0, problems, { min: 0, max: 1000 });
const host = parseHost(process.env, problems);
const level = parseLogLevel(process.env, problems);
if (problems.length > 0) failStart('demo-app', new ConfigError(problems));
const logger = createLogger({ component: 'demo-app', level, lokiUrl: process.env.LOKI_URL || undefined });
const demo = createDemoApp(logger);
const ac = new AbortController();

const listen = (app: typeof demo.app, p: number): Promise<Server> =>
  new Promise((resolve, reject) => {
    const s = app.listen(p, host);
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });

(async () => {
  const appServer = await listen(demo.app, port);
  const adminServer = await listen(demo.admin, adminPort);
  const bound = (s: Server): number => (s.address() as { port: number }).port;
  logger.info({ port: bound(appServer), admin_port: bound(adminServer) }, 'demo app started');
  if (rate > 0) void runTraffic({ baseUrl: `http://127.0.0.1:${bound(appServer)}`, ratePerSecond: rate, signal: ac.signal });
  const stop = (): void => {
    ac.abort();
    for (const s of [appServer, adminServer]) {
      s.closeAllConnections();
      s.close();
    }
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
})().catch((e: Error) => failStart('demo-app', e, { host, port }));
