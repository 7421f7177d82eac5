/**
 * The exporter-owned catalog metrics (job `immigration-ai-exporter`) plus process and Node.js
 * defaults, in one registry served on /metrics and /api/metrics.
 */
import { type Gauge, Registry } from 'prom-client';
import { METRICS } from '../../contract/metric-catalog.js';
import { createCounter, createGauge, createHistogram, registerDefaultMetrics } from '../metric-factory.js';
import type { BusinessMetricKey, Sample } from './business-queries.js';
import type { CheckResult, Component } from './check-result.js';
import type { DatabaseContentOutcome, DatabaseProbeOutcome } from './database-check.js';
import { maintenanceOn } from './maintenance.js';
import type { StorageOutcome } from './storage-check.js';
import type { SystemOutcome } from './system-check.js';

/** Seconds since each check last completed, per check name; filled in by the health monitor. */
export type ResultAges = () => Record<string, number>;

export function createExporterMetrics(options: { version: string; maintenanceMode: boolean; maintenanceModeFile?: string }) {
  const registry = new Registry();
  const ages: { source?: ResultAges } = {};
  registerDefaultMetrics(registry);
  const g = <K extends keyof typeof METRICS>(k: K) => createGauge(METRICS[k], registry);
  const metrics = {
    registry,
    healthStatus: g('healthStatus'),
    healthCheckDuration: g('healthCheckDuration'),
    healthCheckResultAge: createGauge(METRICS.healthCheckResultAge, registry, {
      collect() {
        this.reset();
        for (const [check, seconds] of Object.entries(ages.source?.() ?? {})) this.set({ check }, seconds);
      },
    }),
    /** The health monitor tells the age gauge where to read its values (it is created after the metrics). */
    setResultAges(source: ResultAges): void {
      ages.source = source;
    },
    databaseConnections: g('databaseConnections'),
    databaseLockWaits: g('databaseLockWaits'),
    databaseSize: g('databaseSize'),
    databaseQueryDuration: createHistogram(METRICS.databaseQueryDuration, registry),
    businessQueryFailures: createCounter(METRICS.businessQueryFailures, registry),
    storageBucketsAvailable: g('storageBucketsAvailable'),
    storageObjects: g('storageObjects'),
    storageUsed: g('storageUsed'),
    systemCpuUsage: g('systemCpuUsage'),
    systemMemoryUsage: g('systemMemoryUsage'),
    systemMemoryAvailable: g('systemMemoryAvailable'),
    systemDiskUsage: g('systemDiskUsage'),
    systemDiskFree: g('systemDiskFree'),
    systemUptime: g('systemUptime'),
    activeUsers: g('activeUsers'),
    agencyActiveClients: g('agencyActiveClients'),
    agencyPendingDocumentReviews: g('agencyPendingDocumentReviews'),
    agencyClientSatisfaction: g('agencyClientSatisfaction'),
    backupLastSuccess: g('backupLastSuccess'),
    backupLastFailure: g('backupLastFailure'),
    maintenanceMode: createGauge(METRICS.maintenanceMode, registry, {
      collect() {
        this.set(maintenanceOn(options.maintenanceMode, options.maintenanceModeFile) ? 1 : 0);
      },
    }),
    exporterBuildInfo: g('exporterBuildInfo'),
  };
  metrics.exporterBuildInfo.set({ version: options.version }, 1);
  return metrics;
}

export type ExporterMetrics = ReturnType<typeof createExporterMetrics>;

/** Health status and check duration of a component; a not-configured check publishes neither. */
export function recordCheck(m: ExporterMetrics, component: Component, result: CheckResult): void {
  if (result.status === 'not_configured') {
    m.healthStatus.remove({ component });
    m.healthCheckDuration.remove({ component });
    return;
  }
  m.healthStatus.set({ component }, result.status === 'healthy' ? 1 : 0);
  m.healthCheckDuration.set({ component }, result.response_time_ms / 1000);
}

function recordTimings(m: ExporterMetrics, timings: readonly { operation: string; seconds: number }[]): void {
  for (const t of timings) m.databaseQueryDuration.observe({ operation: t.operation }, t.seconds);
}

export function recordDatabaseProbe(m: ExporterMetrics, o: DatabaseProbeOutcome): void {
  recordTimings(m, o.timings);
  if (o.stats) {
    for (const [state, n] of Object.entries(o.stats.connections)) m.databaseConnections.set({ state }, n);
    m.databaseLockWaits.set(o.stats.lockWaits);
  }
}

/** Size, business gauges and backup record; a query that failed empties its gauge, a run that could not connect keeps the last values. */
export function recordDatabaseContent(m: ExporterMetrics, o: DatabaseContentOutcome): void {
  recordTimings(m, o.timings);
  if (o.sizeBytes !== undefined) m.databaseSize.set(o.sizeBytes);
  for (const b of o.business) {
    if (b.error !== undefined) {
      // A failed query keeps its gauges at their last values: a backup timestamp that goes on
      // ageing still fires the backup alert, where an absent series would silence it. The
      // failure is counted and logged instead.
      m.businessQueryFailures.inc({ query: b.query.key });
      continue;
    }
    const gauge = m[b.query.key as BusinessMetricKey] as Gauge<string>;
    gauge.reset();
    for (const s of b.samples ?? ([] as Sample[])) gauge.set(s.labels, s.value);
  }
}

export function recordStorage(m: ExporterMetrics, o: StorageOutcome): void {
  m.storageBucketsAvailable.set(o.result.buckets_available);
  m.storageObjects.reset();
  m.storageUsed.reset();
  for (const b of o.buckets) {
    m.storageObjects.set({ bucket: b.bucket }, b.objects);
    m.storageUsed.set({ bucket: b.bucket }, b.bytes);
  }
}

export function recordSystem(m: ExporterMetrics, o: SystemOutcome): void {
  m.systemCpuUsage.set(o.cpuRatio);
  m.systemMemoryUsage.set(o.memoryRatio);
  m.systemMemoryAvailable.set(o.memoryAvailableBytes);
  m.systemUptime.set(o.uptimeSeconds);
  for (const d of o.disks) {
    m.systemDiskUsage.set({ mountpoint: d.mountpoint }, d.usageRatio);
    m.systemDiskFree.set({ mountpoint: d.mountpoint }, d.freeBytes);
  }
}
