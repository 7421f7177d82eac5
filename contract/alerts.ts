/**
 * Every alert name the rules define. alert-rules/ is the producer: it defines one rule set per
 * name here and a runbook per name (a `Record<AlertName, …>`, so a missing runbook is a compile
 * error). Dashboards, routing, the local stack and tests import the names; nothing retypes them.
 */
export const ALERTS = {
  // The application and its dependencies
  /** Critical: no target of job `immigration-ai` answers (or none exists); warning: some of them. */
  appDown: 'ImmigrationAiAppDown',
  databaseDown: 'ImmigrationAiDatabaseDown',
  databaseSlow: 'ImmigrationAiDatabaseSlow',
  endpointErrorRateHigh: 'ImmigrationAiEndpointErrorRateHigh',
  apiSlow: 'ImmigrationAiApiSlow',
  unauthorizedAccessSpike: 'ImmigrationAiUnauthorizedAccessSpike',
  apiAvailabilityBudgetBurn: 'ImmigrationAiApiAvailabilityBudgetBurn',
  apiLatencyBudgetBurn: 'ImmigrationAiApiLatencyBudgetBurn',
  // Resources and backups
  highCpuUsage: 'ImmigrationAiHighCpuUsage',
  highMemoryUsage: 'ImmigrationAiHighMemoryUsage',
  diskAlmostFull: 'ImmigrationAiDiskAlmostFull',
  backupVerificationFailed: 'ImmigrationAiBackupVerificationFailed',
  // The monitoring itself
  exporterDown: 'ImmigrationAiExporterDown',
  /** node-exporter or the kubelet cannot be scraped: the resource alerts of that node are blind. */
  resourceMetricsDown: 'ImmigrationAiResourceMetricsDown',
  maintenanceMode: 'ImmigrationAiMaintenanceMode',
  /** Maintenance mode on for longer than alerting.maintenanceMaxHours: not inhibited by maintenance itself. */
  maintenanceTooLong: 'ImmigrationAiMaintenanceTooLong',
  /** Pages the SMS bridge did not send (its hourly cap, or no Twilio settings). */
  notificationsDropped: 'ImmigrationAiNotificationsDropped',
  /** The SMS bridge tried to text and Twilio failed or did not answer, with no SMS delivered since. */
  smsDeliveryFailing: 'ImmigrationAiSmsDeliveryFailing',
  /** Always firing: the dead man's switch. Routed to the heartbeat receiver, never inhibited. */
  watchdog: 'Watchdog',
  prometheusRuleEvaluationFailures: 'PrometheusRuleEvaluationFailures',
  prometheusNotificationsFailing: 'PrometheusNotificationsFailing',
  prometheusConfigReloadFailed: 'PrometheusConfigReloadFailed',
  alertmanagerConfigReloadFailed: 'AlertmanagerConfigReloadFailed',
  alertmanagerNotificationsFailing: 'AlertmanagerNotificationsFailing',
} as const;

export type AlertKey = keyof typeof ALERTS;

/**
 * The dead man's switch and the alerts on Prometheus and Alertmanager themselves. kube-prometheus-stack's
 * default rules have their own (Watchdog, PrometheusRuleFailures, PrometheusErrorSendingAlertsToAnyAlertmanager,
 * PrometheusBadConfig, AlertmanagerFailedReload, AlertmanagerFailedToSendAlerts), so the operator profile can
 * leave these out. Maintenance mode and the exporter's own alert are ours alone and always stay.
 */
export const STACK_ALERTS = [
  'watchdog',
  'prometheusRuleEvaluationFailures',
  'prometheusNotificationsFailing',
  'prometheusConfigReloadFailed',
  'alertmanagerConfigReloadFailed',
  'alertmanagerNotificationsFailing',
] as const satisfies readonly AlertKey[];
export type AlertName = (typeof ALERTS)[AlertKey];
export const ALERT_NAMES: readonly AlertName[] = Object.values(ALERTS);

/** Severity label values, mixin conventions: critical pages, warning notifies, info/none are only recorded. */
export type Severity = 'critical' | 'warning' | 'info' | 'none';
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info', 'none'];

/** Where an alert's runbook is published: `<runbookBaseUrl>/<AlertName>.md` (alert-rules/ writes dist/runbooks/). */
export const runbookUrl = (runbookBaseUrl: string, alert: AlertName): string => `${runbookBaseUrl}/${alert}.md`;
