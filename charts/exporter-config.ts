import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import type { MonitoringConfig } from '../contract/config/index.js';
import { componentLabels } from './labels.js';

export const EXPORTER_NAME = 'immigration-ai-exporter';
export const EXPORTER_CONFIGMAP = `${EXPORTER_NAME}-config`;
/** The Secret an operator creates with DATABASE_URL (and S3 credentials, if used). */
export const EXPORTER_SECRET = `${EXPORTER_NAME}-secrets`;

/** Non-secret settings of the exporter, read as environment variables (`envFrom`). */
export class ExporterConfigChart extends Chart {
  constructor(scope: Construct, id: string, config: MonitoringConfig) {
    super(scope, id, { namespace: config.namespace, disableResourceNameHashes: true });
    new kplus.ConfigMap(this, 'config', {
      metadata: { name: EXPORTER_CONFIGMAP, labels: componentLabels(config, EXPORTER_NAME) },
      data: {
        PORT: '8080',
        HEALTH_CHECK_INTERVAL: String(config.healthCheckIntervalSeconds),
        LOG_LEVEL: config.environment === 'production' ? 'info' : 'debug',
        MONITORING_ENVIRONMENT: config.environment,
        // The exporter ships its own logs to Loki (pino-loki), labelled job="immigration-ai".
        LOKI_URL: `http://loki.${config.namespace}.svc:3100`,
      },
    });
  }
}
