/**
 * The one typed configuration model of the monitoring stack.
 *
 * Every generated artifact (rules, routes, dashboards, manifests, plain config files) is a pure
 * function of a `MonitoringConfig`. Defaults come from the product spec
 * (docs/requirements.md); environments override a few fields; the monitoring guide's environment
 * variables override at synth time. Secret values never live here: a secret is a reference to a
 * key of a Kubernetes Secret, and the workload reads it from a mounted file.
 */

/** The environments synthesized into dist/ (the default of `npm run synth`). */
export const ENVIRONMENT_NAMES = ['dev', 'staging', 'production'] as const;
/**
 * `local` is production's rules and routes with time compressed, for the loopback stack of
 * `npm run stack:local` and the end-to-end tests (test/local-stack/). It is never written to dist/.
 */
export const LOCAL_ENVIRONMENT = 'local';
/** Every environment loadConfig accepts. */
export const ALL_ENVIRONMENT_NAMES = [...ENVIRONMENT_NAMES, LOCAL_ENVIRONMENT] as const;
export type EnvironmentName = (typeof ALL_ENVIRONMENT_NAMES)[number];

/** A key in a Kubernetes Secret. The value is never known to synth. */
export interface SecretKeyRef {
  name: string;
  key: string;
}

export interface CriticalThresholds {
  /** 5xx share of one endpoint's requests (0..1). Monitoring guide: >10%. */
  errorRateRatio: number;
  /** Monitoring guide: >90% CPU. */
  cpuUsageRatio: number;
  /** Monitoring guide: >90% memory. */
  memoryUsageRatio: number;
  /** Monitoring guide: >95% disk. */
  diskUsageRatio: number;
  /** Unauthorized access attempts per second (summed over reasons) that count as a security incident. */
  unauthorizedAttemptsPerSecond: number;
}

export interface WarningThresholds {
  /** Monitoring guide: database response >1000 ms. */
  databaseResponseSeconds: number;
  /** Monitoring guide: >5% errors on one endpoint. */
  errorRateRatio: number;
  /** Monitoring guide: >80% CPU. */
  cpuUsageRatio: number;
  /** Monitoring guide: >80% memory. */
  memoryUsageRatio: number;
  /** Monitoring guide: average API response >2000 ms. */
  apiResponseSeconds: number;
  /** A filesystem or volume fuller than this is a warning (before the critical `diskUsageRatio`). */
  diskUsageRatio: number;
  /** A filesystem or volume that, at the rate of the last 6 hours, fills up within this many hours is a warning. */
  diskFullWithinHours: number;
}

export interface AlertRoutingTiming {
  /** group_wait of warnings (and of the default route). Fractions of a second allowed. */
  groupWaitSeconds: number;
  /** group_wait of pages: short, enough to batch a burst. Fractions of a second allowed. */
  criticalGroupWaitSeconds: number;
  /** Overrides the group_interval derived from max_alerts_per_hour (used by the time-compressed local environment). */
  groupIntervalSeconds?: number;
  /** group_interval of the Watchdog route: the heartbeat goes out every repeat interval, checked this often. */
  heartbeatGroupIntervalSeconds: number;
}

export interface LowTrafficGuard {
  /** The longer window the counts are taken over (production: 3600 = 1h; the recording rules keep their `increase1h` names). */
  windowSeconds: number;
  /** ImmigrationAiEndpointErrorRateHigh: at least this many 5xx answers of the endpoint within the window. */
  minFailedRequests: number;
  /** ImmigrationAiApiSlow: at least this many requests of the endpoint within the window. */
  minRequests: number;
}

export interface AlertingConfig {
  thresholds: { critical: CriticalThresholds; warning: WarningThresholds };
  /** How long a critical condition must hold before it fires (the guide says immediately; kept short to ride out one bad scrape). */
  criticalForSeconds: number;
  /** Monitoring guide: warnings carry a 15-minute delay. */
  warningForSeconds: number;
  /**
   * Window of the rate()/increase() behind the per-endpoint recording rules (`...:rate5m`) and the
   * alerts on counters (production: 300 s = 5m). Only the `local` environment shortens it, with the
   * rest of its compressed time; the recording rule names keep their `5m` as they are a contract
   * with the dashboards. The SLO burn-rate windows are not affected.
   */
  rateWindowSeconds: number;
  /** Alertmanager grouping delays. */
  routing: AlertRoutingTiming;
  /**
   * Low-traffic guard of the per-endpoint alerts. Their 5m figures (error ratio, mean latency)
   * count only when the endpoint has enough requests behind them over a longer window, the way
   * SLO tooling guards burn rates with a minimum event count. A busy endpoint passes at once, so
   * it alerts on the 5m figure as before; an endpoint at 1 request a minute needs a few failures,
   * not one, before its error ratio may page.
   */
  lowTraffic: LowTrafficGuard;
  /** No successful backup for longer than this is a warning. */
  backupMaxAgeHours: number;
  /** ImmigrationAiMaintenanceTooLong: maintenance mode on for longer than this is a warning (forgotten maintenance silences everything). */
  maintenanceMaxHours: number;
  slo: {
    /** Share of API requests that must not fail with 5xx (e.g. 0.995). */
    availabilityObjective: number;
    /** Share of API requests that must be faster than `latencyThresholdSeconds`. */
    latencyObjective: number;
    /** Must be one of the HTTP duration histogram's bucket bounds. */
    latencyThresholdSeconds: number;
  };
}

export interface EmailChannel {
  enabled: boolean;
  /** SMTP_SERVER */
  smtpServer: string;
  /** SMTP_PORT */
  smtpPort: number;
  requireTls: boolean;
  from: string;
  /** ALERT_EMAIL (comma separated) */
  to: string[];
  /** SMTP_USERNAME; empty means no SMTP authentication. */
  username: string;
  /** Where Alertmanager reads SMTP_PASSWORD from. */
  passwordSecret: SecretKeyRef;
}

export interface SlackChannel {
  enabled: boolean;
  channel: string;
  username: string;
  iconEmoji: string;
  /** Where Alertmanager reads SLACK_WEBHOOK_URL from. */
  webhookUrlSecret: SecretKeyRef;
}

export interface SmsChannel {
  enabled: boolean;
  provider: 'twilio';
  /** The account SID, auth token and phone numbers live in this Secret, read by the SMS bridge. */
  credentialsSecret: string;
  /** In-cluster URL of the SMS bridge's Alertmanager webhook; the bridge holds the Twilio credentials and the hourly cap. */
  bridgeUrl: string;
  /**
   * Optional shared secret on the bridge's webhook: Alertmanager sends `Authorization: Bearer <key>`
   * and the bridge refuses any POST /alerts without it. Both read it from this Secret key.
   */
  webhookCredentialsSecret?: SecretKeyRef;
}

export interface HeartbeatChannel {
  enabled: boolean;
  /**
   * Dead man's switch endpoint the Watchdog is POSTed to (default: Opsgenie's heartbeat ping API).
   * Not secret: Alertmanager 0.25 cannot read a webhook URL from a file (`url_file` came in 0.26),
   * so the secret part travels in the Authorization header, read from `credentialsSecret`.
   */
  url: string;
  /** Authorization header scheme: `GenieKey` for Opsgenie, `Bearer` for most other services. */
  authorizationType: string;
  /** Where Alertmanager reads the Authorization header's credentials from. */
  credentialsSecret: SecretKeyRef;
  repeatIntervalSeconds: number;
}

export interface ChannelsConfig {
  email: EmailChannel;
  slack: SlackChannel;
  sms: SmsChannel;
  heartbeat: HeartbeatChannel;
}

export interface SuppressionConfig {
  /** ALERT_COOLDOWN_MINUTES: Alertmanager's repeat_interval. */
  cooldownMinutes: number;
  /** Enforced by the SMS bridge and shaped by grouping; see docs/on-call.md. */
  maxAlertsPerHour: number;
  maintenanceMode: boolean;
  /** Alert names routed to the `null` receiver. */
  suppressedAlertTypes: string[];
}

/**
 * What the exporter's storage check lists in Kubernetes. `none`: nothing (the check reports
 * `not_configured` and never makes /api/health unhealthy); `directory`: the subfolders of a
 * mounted volume are the buckets; `s3`: an S3-compatible endpoint (credentials
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the exporter's Secret). Only the part `kind`
 * names is used and validated.
 */
export interface ExporterStorageConfig {
  kind: 'none' | 'directory' | 's3';
  directory: {
    /** A PersistentVolumeClaim in the monitoring namespace, mounted read-only (ReadOnlyMany or ReadWriteMany: every exporter replica mounts it). */
    claimName: string;
    /** STORAGE_DIR: where the volume is mounted in the exporter. */
    mountPath: string;
  };
  s3: {
    /** S3_ENDPOINT: the endpoint URL (path-style requests), e.g. https://s3.eu-west-1.amazonaws.com. */
    endpoint: string;
    /** S3_BUCKETS: the buckets to check. */
    buckets: string[];
    /** AWS_REGION: the region requests are signed for. */
    region: string;
  };
}

export interface ExporterSettingsConfig {
  storage: ExporterStorageConfig;
  /**
   * The exporter's maintenance toggle as applied: the value of the key `maintenance-mode` of the
   * ConfigMap mounted as MAINTENANCE_MODE_FILE (`kubectl patch` it to toggle without a synth, see
   * docs/on-call.md). On, the exporter publishes immigration_ai_maintenance_mode 1 and
   * ImmigrationAiMaintenanceMode inhibits every other alert. Not suppression.maintenanceMode,
   * which drops notifications at routing.
   */
  maintenanceMode: boolean;
}

/**
 * Sign-in to Grafana through the organisation's identity provider (Grafana's generic OAuth / OpenID
 * Connect, part of Grafana OSS). The role of each signed-in user comes from `security.adminUsers`
 * and `security.readOnlyUsers`, matched against the `email` claim of the ID token or user info.
 */
export interface OAuthSignInConfig {
  enabled: boolean;
  /** The label of the sign-in button ("Sign in with <name>"). */
  name: string;
  /** The provider's authorization, token and user-info endpoints (https URLs). */
  authUrl: string;
  tokenUrl: string;
  apiUrl: string;
  clientId: string;
  /** The client secret, read by Grafana from this Secret (never part of the generated output). */
  clientSecret: SecretKeyRef;
  /** Scopes requested; they must make the provider send the `email` claim. */
  scopes: string[];
  /**
   * What a user the provider lets in but who is on neither list gets: `deny` refuses the sign-in
   * (Grafana's `role_attribute_strict`), `viewer` makes them a read-only Viewer.
   */
  others: 'deny' | 'viewer';
}

export interface SecurityConfig {
  tls: { enabled: boolean; host: string; secretName: string };
  /** Email addresses (lower case) that get Grafana's Admin role when they sign in through `oauth`. */
  adminUsers: string[];
  /** Email addresses (lower case) that get the read-only Viewer role when they sign in through `oauth`. */
  readOnlyUsers: string[];
  ldap: { enabled: boolean; secretName: string };
  oauth: OAuthSignInConfig;
}

export interface ComponentSizing {
  prometheus: number;
  alertmanager: number;
  grafana: number;
  loki: number;
  exporter: number;
}

export interface StorageSizing {
  prometheusGi: number;
  alertmanagerGi: number;
  lokiGi: number;
  grafanaGi: number;
}

export interface ImagesConfig {
  prometheus: string;
  alertmanager: string;
  grafana: string;
  loki: string;
  alloy: string;
  configReloader: string;
  exporter: string;
  /** The node-exporter DaemonSet of the standalone profile. */
  nodeExporter: string;
}

export interface LinksConfig {
  /** Base URL under which the generated runbooks (dist/runbooks/*.md) are browsable. */
  runbookBaseUrl: string;
  /** Grafana's external URL, for dashboard links in notifications. */
  grafanaUrl: string;
}

/** Profile `operator`: the add-on for clusters that already run kube-prometheus-stack. */
export interface OperatorProfileConfig {
  /** Namespace of kube-prometheus-stack: its Prometheus and Alertmanager pods may reach ours (NetworkPolicies). */
  stackNamespace: string;
  /**
   * kube-prometheus-stack installs its default rules (Helm `defaultRules.create`, on by default),
   * which include its own Watchdog and alerts on Prometheus and Alertmanager themselves. Then ours
   * stay out of the PrometheusRule (they would fire twice) and the heartbeat route goes with our
   * Watchdog: route the stack's Watchdog to the dead man's switch in its own Alertmanager config.
   */
  stackDefaultRules: boolean;
  /**
   * Where the exporter and the SMS bridge push their own logs (Loki's push API, base URL). Empty:
   * they log to stdout only, for the cluster's log collector (this profile deploys no Loki).
   */
  logPushUrl: string;
}

export interface KubernetesConfig {
  /** Namespace of the Immigration AI app: Prometheus scrapes its pods (job `immigration-ai`) and Alloy ships their logs. */
  appNamespace: string;
  /** Namespace of the log collector: its read-only host log mounts are not allowed under the restricted Pod Security Standard. */
  logCollectorNamespace: string;
  /** Namespace of node-exporter (standalone profile): its read-only host mounts of / and /sys are not allowed under the restricted Pod Security Standard either. */
  nodeExporterNamespace: string;
  /**
   * Namespaces whose containers and PersistentVolumeClaims the resource alerts watch besides the
   * app's and ours (e.g. the database's, when it runs in the cluster).
   */
  extraWatchedNamespaces: string[];
  /** How Prometheus (standalone profile) scrapes the kubelets' /metrics and /metrics/cadvisor over HTTPS. */
  kubelet: {
    /**
     * Skip verifying the kubelet's serving certificate. Kubelets (kubeadm and most managed clusters)
     * serve a self-signed certificate unless `serverTLSBootstrap` is on, so kube-prometheus-stack
     * skips it by default too; set false where the cluster CA signs the kubelets' certificates.
     */
    insecureSkipVerify: boolean;
  };
  /**
   * Group that may read the node's log files: the log collector runs as a non-root user with this
   * supplementary group. The kubelet writes pod logs as root:root, mode 0640, hence 0 by default;
   * the application's own log folder must be readable by the same group.
   */
  logFilesGroup: number;
  /** Namespace of the ingress controller: the only namespace allowed to reach Grafana (NetworkPolicy). */
  ingressControllerNamespace: string;
  /** Ingress class for Grafana's Ingress; empty uses the cluster's default class. */
  ingressClassName: string;
  /**
   * Profile `operator`: the `release` label kube-prometheus-stack selects ServiceMonitors and PrometheusRules by
   * (its Helm release name; the chart's default selector is `release: <release name>`).
   */
  operatorReleaseLabel: string;
  /** Optional remote_write to a long-term store (Mimir, Thanos receive) for when one Prometheus is not enough. */
  remoteWrite: { enabled: boolean; url: string; bearerTokenSecret: SecretKeyRef };
  operatorProfile: OperatorProfileConfig;
  deploymentVerification: DeploymentVerificationConfig;
}

/**
 * The deployment verification Job (after each release of the app): it reaches the app through its
 * Service in `appNamespace`, as Prometheus does, never through the Ingress.
 */
export interface DeploymentVerificationConfig {
  /** The app's Service name in `appNamespace`. */
  appService: string;
  /** The Service port that serves the health endpoint and the metrics. */
  port: number;
  /** The app's health endpoint: healthy is HTTP 2xx (and `overall_status: healthy` when it answers that JSON). */
  healthPath: string;
  /** The app's metrics: it must serve at least one immigration_ai_ sample. */
  metricsPath: string;
  /** How long the Job waits for the app to be healthy (the monitoring guide: 300 s). */
  timeoutSeconds: number;
}

export interface MonitoringConfig {
  environment: EnvironmentName;
  /** MONITORING_ENABLED: when false, synth emits only the namespace. */
  monitoringEnabled: boolean;
  namespace: string;
  /** `cluster` external label. */
  cluster: string;
  /** HEALTH_CHECK_INTERVAL (seconds): how often the exporter runs its health checks. */
  healthCheckIntervalSeconds: number;
  /** METRICS_RETENTION_DAYS */
  metricsRetentionDays: number;
  logRetentionDays: number;
  scrapeIntervalSeconds: number;
  evaluationIntervalSeconds: number;
  alerting: AlertingConfig;
  /** The exporter's settings that synth writes into its ConfigMaps and volumes. */
  exporter: ExporterSettingsConfig;
  channels: ChannelsConfig;
  suppression: SuppressionConfig;
  security: SecurityConfig;
  replicas: ComponentSizing;
  storage: StorageSizing;
  images: ImagesConfig;
  links: LinksConfig;
  kubernetes: KubernetesConfig;
}

/** Deep partial used by environment overrides. */
export type DeepPartial<T> = T extends (infer U)[]
  ? U[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;
