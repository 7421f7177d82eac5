import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { EXPORTER } from '../contract/components.js';
import type { ChartContext } from './lib/labels.js';
import { emit, meta } from './lib/workload.js';

export const EXPORTER_CONFIGMAP = `${EXPORTER.name}-config`;

export interface ExporterSettings {
  /** HEALTH_CHECK_INTERVAL */
  healthCheckIntervalSeconds: number;
  logLevel: 'info' | 'debug';
  /** Where the exporter pushes its own logs (Loki's push API, pino-loki), labelled job="immigration-ai"; empty: stdout only. */
  lokiUrl: string;
}

/** The exporter ConfigMap's data: the pods that read it carry its checksum (configChecksums). */
export function exporterConfigData(ctx: ChartContext, settings: ExporterSettings): Record<string, string> {
  return {
    PORT: String(EXPORTER.port),
    HEALTH_CHECK_INTERVAL: String(settings.healthCheckIntervalSeconds),
    LOG_LEVEL: settings.logLevel,
    MONITORING_ENVIRONMENT: ctx.environment,
    ...(settings.lokiUrl !== '' ? { LOKI_URL: settings.lokiUrl } : {}),
  };
}

/** Non-secret settings of the exporter (and of the report CronJobs), read as environment variables (`envFrom`). */
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
  }
}
