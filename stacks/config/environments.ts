import type { DeepPartial, EnvironmentName, MonitoringConfig } from './types.js';

/** Each environment is a small override of DEFAULT_CONFIG: sizes, retention and which channels exist. */
export const ENVIRONMENT_OVERRIDES: Record<EnvironmentName, DeepPartial<MonitoringConfig>> = {
  dev: {
    cluster: 'immigration-ai-dev',
    metricsRetentionDays: 7,
    logRetentionDays: 7,
    channels: {
      // Nobody is paged from dev: alerts go to Slack only.
      email: { enabled: false },
      heartbeat: { enabled: false },
    },
    security: { tls: { enabled: false, host: 'grafana.dev.immigrationai.com' } },
    links: { grafanaUrl: 'http://grafana.dev.immigrationai.com' },
    storage: { prometheusGi: 5, lokiGi: 5 },
  },
  staging: {
    cluster: 'immigration-ai-staging',
    metricsRetentionDays: 15,
    logRetentionDays: 15,
    channels: { heartbeat: { url: 'https://api.opsgenie.com/v2/heartbeats/immigration-ai-staging/ping' } },
    security: { tls: { host: 'grafana.staging.immigrationai.com' } },
    links: { grafanaUrl: 'https://grafana.staging.immigrationai.com' },
    storage: { prometheusGi: 20, lokiGi: 20 },
  },
  production: {
    cluster: 'immigration-ai-production',
    channels: { sms: { enabled: true }, heartbeat: { url: 'https://api.opsgenie.com/v2/heartbeats/immigration-ai-production/ping' } },
    replicas: { prometheus: 2, alertmanager: 3, grafana: 2, exporter: 2 },
    storage: { prometheusGi: 100, alertmanagerGi: 2, lokiGi: 100, grafanaGi: 2 },
  },
};
