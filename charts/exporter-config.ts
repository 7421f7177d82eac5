import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { EXPORTER, EXPORTER_MAINTENANCE } from '../contract/components.js';
import type { ExporterStorageConfig } from '../contract/config/index.js';
import type { ChartContext } from './lib/labels.js';
import { emit, meta } from './lib/workload.js';

export const EXPORTER_CONFIGMAP = `${EXPORTER.name}-config`;

export interface ExporterSettings {
  /** HEALTH_CHECK_INTERVAL */
  healthCheckIntervalSeconds: number;
  logLevel: 'info' | 'debug';
  /** Where the exporter pushes its own logs (Loki's push API, pino-loki), labelled job="immigration-ai"; empty: stdout only. */
  lokiUrl: string;
  /** What the storage check lists (its credentials, for S3, are in the exporter's Secret). */
  storage: ExporterStorageConfig;
  /** The maintenance toggle's value as applied (the key of the maintenance ConfigMap). */
  maintenanceMode: boolean;
}

/** The storage check's environment: STORAGE_DIR for a mounted directory, S3_* for S3, nothing for none. */
export function storageEnv(storage: ExporterStorageConfig): Record<string, string> {
  switch (storage.kind) {
    case 'directory':
      return { STORAGE_DIR: storage.directory.mountPath };
    case 's3':
      return { S3_ENDPOINT: storage.s3.endpoint, S3_BUCKETS: storage.s3.buckets.join(','), AWS_REGION: storage.s3.region };
    case 'none':
      return {};
  }
}

/** The exporter ConfigMap's data: the pods that read it carry its checksum (configChecksums). */
export function exporterConfigData(ctx: ChartContext, settings: ExporterSettings): Record<string, string> {
  return {
    PORT: String(EXPORTER.port),
    HEALTH_CHECK_INTERVAL: String(settings.healthCheckIntervalSeconds),
    LOG_LEVEL: settings.logLevel,
    MONITORING_ENVIRONMENT: ctx.environment,
    ...(settings.lokiUrl !== '' ? { LOKI_URL: settings.lokiUrl } : {}),
    MAINTENANCE_MODE_FILE: `${EXPORTER_MAINTENANCE.mountDir}/${EXPORTER_MAINTENANCE.key}`,
    ...storageEnv(settings.storage),
  };
}

/**
 * Non-secret settings of the exporter (and of the report CronJobs), read as environment variables
 * (`envFrom`), and the maintenance toggle: a ConfigMap of its own, mounted as a folder, so it can
 * be patched on its own (`kubectl patch`, docs/on-call.md) and the kubelet refreshes the file.
 */
export class ExporterConfigChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, settings: ExporterSettings) {
    super(scope, id, { disableResourceNameHashes: true });
    emit(this, 'config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(ctx, EXPORTER.name, EXPORTER_CONFIGMAP),
      data: exporterConfigData(ctx, settings),
      immutable: false,
    });
    emit(this, 'maintenance', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(ctx, EXPORTER.name, EXPORTER_MAINTENANCE.configMap),
      data: { [EXPORTER_MAINTENANCE.key]: settings.maintenanceMode ? 'on' : 'off' },
      immutable: false,
    });
  }
}
