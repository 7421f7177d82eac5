import type { MonitoringConfig } from './types.js';

/**
 * The product spec's defaults (docs/requirements.md), shared by every environment.
 * Images are pinned here and only here.
 */
export const DEFAULT_CONFIG: Omit<MonitoringConfig, 'environment'> = {
  monitoringEnabled: true,
  namespace: 'immigration-ai-monitoring',
  cluster: 'immigration-ai',
  healthCheckIntervalSeconds: 300,
  metricsRetentionDays: 30,
  logRetentionDays: 30,
  scrapeIntervalSeconds: 30,
  evaluationIntervalSeconds: 30,
  alerting: {
    thresholds: {
      critical: {
        errorRateRatio: 0.1,
        cpuUsageRatio: 0.9,
        memoryUsageRatio: 0.9,
        diskUsageRatio: 0.95,
        unauthorizedAttemptsPerSecond: 1,
      },
      warning: {
        databaseResponseSeconds: 1,
        errorRateRatio: 0.05,
        cpuUsageRatio: 0.8,
        memoryUsageRatio: 0.8,
        apiResponseSeconds: 2,
        diskUsageRatio: 0.85,
        diskFullWithinHours: 24,
      },
    },
    criticalForSeconds: 60,
    warningForSeconds: 900,
    rateWindowSeconds: 300,
    routing: { groupWaitSeconds: 30, criticalGroupWaitSeconds: 10, heartbeatGroupIntervalSeconds: 60 },
    // 1 request a minute failing half its requests pages in about 13 minutes (the sixth failure:
    // an endpoint's first 5xx creates its series and is not counted by increase()); 1 to 4
    // failures in an hour never page. A busy endpoint reaches 5 failures within seconds.
    lowTraffic: { windowSeconds: 3600, minFailedRequests: 5, minRequests: 30 },
    backupMaxAgeHours: 26,
    maintenanceMaxHours: 4,
    slo: {
      availabilityObjective: 0.995,
      latencyObjective: 0.99,
      latencyThresholdSeconds: 2.5,
    },
  },
  exporter: {
    storage: {
      kind: 'none',
      directory: { claimName: 'immigration-ai-files', mountPath: '/data/storage' },
      s3: { endpoint: 'https://s3.amazonaws.com', buckets: [], region: 'us-east-1' },
    },
    maintenanceMode: false,
  },
  channels: {
    email: {
      enabled: true,
      smtpServer: 'smtp.gmail.com',
      smtpPort: 587,
      requireTls: true,
      from: 'alerts@immigrationai.com',
      to: ['admin@immigrationai.com', 'ops-team@immigrationai.com'],
      username: 'alerts@immigrationai.com',
      passwordSecret: { name: 'alertmanager-smtp', key: 'password' },
    },
    slack: {
      enabled: true,
      channel: '#ops-alerts',
      username: 'Immigration AI Monitor',
      iconEmoji: ':warning:',
      webhookUrlSecret: { name: 'alertmanager-slack', key: 'webhook-url' },
    },
    sms: {
      enabled: false,
      provider: 'twilio',
      credentialsSecret: 'sms-bridge-twilio',
      bridgeUrl: 'http://immigration-ai-sms-bridge:9095/alerts',
    },
    heartbeat: {
      enabled: true,
      url: 'https://api.opsgenie.com/v2/heartbeats/immigration-ai/ping',
      authorizationType: 'GenieKey',
      credentialsSecret: { name: 'alertmanager-heartbeat', key: 'credentials' },
      repeatIntervalSeconds: 300,
    },
  },
  suppression: {
    cooldownMinutes: 15,
    maxAlertsPerHour: 10,
    maintenanceMode: false,
    suppressedAlertTypes: [],
  },
  security: {
    tls: { enabled: true, host: 'grafana.immigrationai.com', secretName: 'grafana-tls' },
    // Filled per installation; they take effect through `oauth` (see docs/operators.md, Access control).
    adminUsers: [],
    readOnlyUsers: [],
    ldap: { enabled: false, secretName: 'grafana-ldap' },
    oauth: {
      enabled: false,
      name: 'Single sign-on',
      authUrl: 'https://sso.example.com/oauth2/authorize',
      tokenUrl: 'https://sso.example.com/oauth2/token',
      apiUrl: 'https://sso.example.com/oauth2/userinfo',
      clientId: 'immigration-ai-grafana',
      clientSecret: { name: 'grafana-oauth', key: 'client-secret' },
      scopes: ['openid', 'email', 'profile'],
      others: 'deny',
    },
  },
  replicas: { prometheus: 1, alertmanager: 1, grafana: 1, loki: 1, exporter: 1 },
  storage: { prometheusGi: 20, alertmanagerGi: 1, lokiGi: 20, grafanaGi: 1 },
  images: {
    prometheus: 'quay.io/prometheus/prometheus:v3.5.0',
    alertmanager: 'quay.io/prometheus/alertmanager:v0.28.1',
    grafana: 'docker.io/grafana/grafana:12.1.1',
    loki: 'docker.io/grafana/loki:3.5.3',
    alloy: 'docker.io/grafana/alloy:v1.10.1',
    configReloader: 'quay.io/prometheus-operator/prometheus-config-reloader:v0.84.0',
    exporter: 'ghcr.io/immigration-ai/observability-exporter:0.1.0',
    nodeExporter: 'quay.io/prometheus/node-exporter:v1.12.1',
  },
  links: {
    runbookBaseUrl: 'https://github.com/immigration-ai/immigration-ai-observability/blob/main/dist/runbooks',
    grafanaUrl: 'https://grafana.immigrationai.com',
  },
  kubernetes: {
    appNamespace: 'immigration-ai',
    logCollectorNamespace: 'immigration-ai-monitoring-logs',
    nodeExporterNamespace: 'immigration-ai-monitoring-node-exporter',
    extraWatchedNamespaces: [],
    kubelet: { insecureSkipVerify: true },
    logFilesGroup: 0,
    ingressControllerNamespace: 'ingress-nginx',
    ingressClassName: '',
    operatorReleaseLabel: 'kube-prometheus-stack',
    remoteWrite: {
      enabled: false,
      url: 'https://mimir.example.internal/api/v1/push',
      bearerTokenSecret: { name: 'prometheus-remote-write', key: 'token' },
    },
    operatorProfile: { stackNamespace: 'monitoring', stackDefaultRules: true, logPushUrl: '' },
    // The instrumentation library's conventions (docs/app-developers.md): /healthz and /metrics.
    deploymentVerification: { appService: 'immigration-ai', port: 3000, healthPath: '/healthz', metricsPath: '/metrics', timeoutSeconds: 300 },
  },
};
