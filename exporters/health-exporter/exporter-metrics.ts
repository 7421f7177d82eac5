/**
 * The exporter-owned catalog metrics (job `immigration-ai-exporter`) plus process and Node.js
 * defaults, in one registry served on /metrics and /api/metrics.
 */
import { type Gauge, Registry } from 'prom-client';
import { METRICS } from '../../contract/metric-catalog.js';
import { createGauge, createHistogram, registerDefaultMetrics } from '../metric-factory.js';
import type { BusinessMetricKey, Sample } from './business-queries.js';
import type { Component } from './check-result.js';
import type { DatabaseOutcome } from './database-check.js';
import { maintenanceOn } from './maintenance.js';
import type { StorageOutcome } from './storage-check.js';
import type { SystemOutcome } from './system-check.js';

export function createExporterMetrics(options: { version: string; maintenanceMode: boolean; maintenanceModeFile?: string }) {
  const registry = new Registry();
  registerDefaultMetrics(registry);
  const g = <K extends keyof typeof METRICS>(k: K) => createGauge(METRICS[k], registry);
  const metrics = {
    registry,
    healthStatus: g('healthStatus'),
    healthCheckDuration: g('healthCheckDuration'),
    databaseConnections: g('databaseConnections'),
    databaseLockWaits: g('databaseLockWaits'),
    databaseSize: g('databaseSize'),
    databaseQueryDuration: createHistogram(METRICS.databaseQueryDuration, registry),
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

export function recordCheck(m: ExporterMetrics, component: Component, healthy: boolean, seconds: number): void {
  m.healthStatus.set({ component }, healthy ? 1 : 0);
  m.healthCheckDuration.set({ component }, seconds);
}

export function recordDatabase(m: ExporterMetrics, o: DatabaseOutcome): void {
  for (const t of o.timings) m.databaseQueryDuration.observe({ operation: t.operation }, t.seconds);
  if (o.stats) {
    for (const [state, n] of Object.entries(o.stats.connections)) m.databaseConnections.set({ state }, n);
    m.databaseLockWaits.set(o.stats.lockWaits);
    m.databaseSize.set(o.stats.sizeBytes);
  }
  for (const b of o.business) {
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
