import type { DeepPartial, EnvironmentName, MonitoringConfig } from './types.js';
import { ALERTS } from '../alerts.js';

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
  /**
   * The loopback stack (`npm run stack:local`, `npm run test:e2e`): production's rules, routes and
   * replica counts, with time compressed so a fault pages in seconds instead of minutes. The
   * stack fills in the receivers' loopback addresses at start (ports are picked at run time).
   */
  local: {
    cluster: 'immigration-ai-local',
    scrapeIntervalSeconds: 1,
    evaluationIntervalSeconds: 1,
    healthCheckIntervalSeconds: 1,
    metricsRetentionDays: 1,
    logRetentionDays: 1,
    alerting: {
      criticalForSeconds: 3,
      warningForSeconds: 20,
      // 20 s of 1 s scrapes: enough samples for a stable ratio, short enough to fire and resolve in seconds.
      rateWindowSeconds: 20,
      // group_interval must exceed (Alertmanager replicas - 1) x --cluster.peer-timeout (1 s locally),
      // or a backup replica re-checks the notification log at the same instant as the first one.
      // The half-second group_waits keep each group's flushes half an evaluation interval away from
      // the moments Prometheus sends a state change: flushing on the very instant a resolution
      // arrives, one replica's snapshot still said firing while another's said resolved, and the
      // cluster sent "resolved" then "firing" again.
      routing: { groupWaitSeconds: 3.5, criticalGroupWaitSeconds: 2.5, groupIntervalSeconds: 5, heartbeatGroupIntervalSeconds: 5 },
      // Time runs 15 times faster than in production (the 5m rate window is 20 s), so the
      // low-traffic window is 1h / 15 = 4 minutes. The counts stay: an endpoint 15 times busier
      // than in production (1 request every 4 s for production's 1 a minute) has as many requests
      // in each compressed window as production has in the real one.
      lowTraffic: { windowSeconds: 240 },
    },
    channels: {
      sms: { enabled: true },
      email: { smtpServer: 'localhost', smtpPort: 2525, requireTls: false, username: '' },
      heartbeat: { repeatIntervalSeconds: 10 },
    },
    suppression: {
      // The local stack's host is a laptop or a CI runner: its CPU, memory and disk say nothing about
      // production, and with 1 s samples they would page during every run. The rules still evaluate
      // (visible in Prometheus); only their notifications go to the null receiver. The SLO burn-rate
      // alerts too: their windows (5m to 3d) are not compressed, and in a stack minutes old every
      // window holds only those minutes, so any short spike would look like a burnt budget.
      suppressedAlertTypes: [
        ALERTS.apiAvailabilityBudgetBurn,
        ALERTS.apiLatencyBudgetBurn,
        ALERTS.diskAlmostFull,
        ALERTS.highCpuUsage,
        ALERTS.highMemoryUsage,
      ],
    },
    security: { tls: { enabled: false, host: 'localhost' } },
    links: { grafanaUrl: 'http://localhost:3000' },
    // Production's topology where it matters: two exporter replicas publishing the same shared
    // state (nothing may double, every page goes out once), two Prometheus, three Alertmanagers.
    replicas: { prometheus: 2, alertmanager: 3, grafana: 1, exporter: 2 },
    storage: { prometheusGi: 1, alertmanagerGi: 1, lokiGi: 1, grafanaGi: 1 },
  },
};
