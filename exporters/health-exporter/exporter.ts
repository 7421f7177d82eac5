/** Wires config -> checks -> monitor -> server. Separate from main.ts so tests start it in-process. */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { createLogger } from '../logging/logger.js';
import { loadBusinessQueries } from './business-queries.js';
import type { ExporterConfig } from './config.js';
import { DatabaseCheck } from './database-check.js';
import { createExporterMetrics, type ExporterMetrics } from './exporter-metrics.js';
import { HealthMonitor } from './health-monitor.js';
import { createExporterServer } from './server.js';
import { StorageCheck } from './storage-check.js';
import { SystemCheck } from './system-check.js';
import { packageVersion } from './version.js';

export interface Exporter {
  server: Server;
  monitor: HealthMonitor;
  metrics: ExporterMetrics;
  logger: Logger;
  /** Port actually bound (useful with PORT=0). */
  port: number;
  stop(): Promise<void>;
}

export async function startExporter(config: ExporterConfig, options: { logger?: Logger; background?: boolean } = {}): Promise<Exporter> {
  const logger = options.logger ?? createLogger({ component: 'exporter', level: config.logLevel, lokiUrl: config.lokiUrl, lokiBasicAuth: config.lokiBasicAuth, lokiLabels: { environment: config.environment } });
  const queries = config.businessMetricsEnabled && config.databaseUrl ? loadBusinessQueries(config.businessQueriesFile) : [];
  const metrics = createExporterMetrics({ version: packageVersion(), maintenanceMode: config.maintenanceMode, maintenanceModeFile: config.maintenanceModeFile });
  // Every configured query's failure count starts at 0, so the first failure shows in increase().
  for (const q of queries) metrics.businessQueryFailures.inc({ query: q.key }, 0);
  const monitor = new HealthMonitor({
    database: new DatabaseCheck(config.databaseUrl, config.checkTimeoutMs, queries),
    storage: new StorageCheck(config.storage),
    system: new SystemCheck(config.diskPaths, config.unhealthy, config.systemWindowSeconds),
    metrics,
    logger,
    timeoutMs: config.checkTimeoutMs,
    slowDatabaseMs: config.slowDatabaseMs,
    probeMaxAgeSeconds: config.metricsMaxAgeSeconds,
    intervalSeconds: config.healthCheckIntervalSeconds,
  });
  const server = createExporterServer({ monitor, metrics, logger });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (options.background ?? true) monitor.start();
  logger.info({ port, interval_seconds: config.healthCheckIntervalSeconds, storage: config.storage?.kind ?? 'none', database: Boolean(config.databaseUrl) }, 'exporter started');
  return {
    server,
    monitor,
    metrics,
    logger,
    port,
    async stop() {
      monitor.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
