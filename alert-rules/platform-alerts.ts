import { METRICS, SCRAPE_JOBS } from '../contract/metric-catalog.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { alertRule } from './define.js';
import { humanSeconds, num, percent, series, sharedState } from '../contract/promql.js';
import type { AlertingRule, RuleGroup } from '../contract/rules.js';
import { ALERTS, type AlertName } from '../contract/alerts.js';

/**
 * Health of the platform the exporter watches: database, host resources, backups, and the
 * exporter itself. Shared state (the database, backups: catalog scope `shared`) is published by
 * every exporter replica alike, so those rules aggregate over the replicas and fire once, only
 * when every replica agrees (`max` of "is up", `min` of a duration). Host resources describe each
 * replica's own node and alert per instance.
 */
export function platformAlertsGroup(config: MonitoringConfig): RuleGroup {
  const { critical, warning } = config.alerting.thresholds;
  const db = ['component="database"'];
  const resourceAlerts = (
    alert: AlertName,
    what: string,
    metric: typeof METRICS.systemCpuUsage | typeof METRICS.systemMemoryUsage,
    warn: number,
    crit: number,
  ): AlertingRule[] =>
    ([['warning', warn], ['critical', crit]] as const).map(([severity, threshold]) =>
      alertRule(config, {
        alert,
        severity,
        expr: `${series(metric)} > ${num(threshold)}`,
        summary: `${what} usage is high.`,
        description: `${what} usage on {{ $labels.instance }} is {{ $value | humanizePercentage }}, above the ${percent(threshold)} ${severity} threshold.`,
        dashboard: 'system',
      }),
    );
  const exporterUp = `up{job="${SCRAPE_JOBS.exporter}"}`;
  const rules: AlertingRule[] = [
    alertRule(config, {
      alert: ALERTS.databaseDown,
      severity: 'critical',
      expr: `${sharedState('max', METRICS.healthStatus, ['job', 'component'], ...db)} == 0`,
      summary: 'The application database is unreachable.',
      description: 'No replica of {{ $labels.job }} reaches the application database: every health check reports no connectivity (health status {{ $value }}).',
      dashboard: 'system',
    }),
    alertRule(config, {
      alert: ALERTS.databaseSlow,
      severity: 'warning',
      expr: `${sharedState('min', METRICS.healthCheckDuration, ['job', 'component'], ...db)} > ${num(warning.databaseResponseSeconds)}`,
      summary: 'The database responds slowly.',
      description: `The database answered the health checks of every {{ $labels.job }} replica in {{ $value | humanizeDuration }} or more, above the ${humanSeconds(warning.databaseResponseSeconds)} threshold.`,
      dashboard: 'performance',
    }),
    ...resourceAlerts(ALERTS.highCpuUsage, 'CPU', METRICS.systemCpuUsage, warning.cpuUsageRatio, critical.cpuUsageRatio),
    ...resourceAlerts(ALERTS.highMemoryUsage, 'Memory', METRICS.systemMemoryUsage, warning.memoryUsageRatio, critical.memoryUsageRatio),
    alertRule(config, {
      alert: ALERTS.diskAlmostFull,
      severity: 'critical',
      expr: `${series(METRICS.systemDiskUsage)} > ${num(critical.diskUsageRatio)}`,
      summary: 'A disk is almost full.',
      description: `Disk {{ $labels.mountpoint }} on {{ $labels.instance }} is {{ $value | humanizePercentage }} full, above the ${percent(critical.diskUsageRatio)} threshold.`,
      dashboard: 'system',
    }),
    alertRule(config, {
      alert: ALERTS.backupVerificationFailed,
      severity: 'warning',
      expr: `increase(${series(METRICS.backupVerificationFailures)}[1h]) > 0`,
      labels: { reason: 'verification_failed' },
      summary: 'Backups are failing or missing.',
      description: '{{ $value | humanize }} backup verification failures in the last hour (reported by {{ $labels.job }}).',
      dashboard: 'system',
    }),
    alertRule(config, {
      alert: ALERTS.backupVerificationFailed,
      severity: 'warning',
      expr: `time() - ${sharedState('max', METRICS.backupLastSuccess, ['job'])} > ${config.alerting.backupMaxAgeHours * 3600}`,
      labels: { reason: 'backup_too_old' },
      summary: 'Backups are failing or missing.',
      description: `The last verified backup is {{ $value | humanizeDuration }} old, older than the ${num(config.alerting.backupMaxAgeHours)}h limit (reported by {{ $labels.job }}).`,
      dashboard: 'system',
    }),
    alertRule(config, {
      alert: ALERTS.exporterDown,
      severity: 'critical',
      // `absent` catches the exporter vanishing from service discovery, where `up` has no series at all.
      expr: `${exporterUp} == 0 or absent(${exporterUp})`,
      summary: 'The metrics exporter is down.',
      description:
        'Prometheus cannot scrape {{ with $labels.instance }}target {{ . }} of {{ else }}any target of {{ end }}job {{ $labels.job }}: health, database and host metrics are stale and their alerts cannot fire.',
      dashboard: 'system',
    }),
  ];
  return { name: 'immigration-ai-platform.alerts', rules };
}
