import { METRICS, SCRAPE_JOBS } from '../contract/metric-catalog.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { alertRule } from './define.js';
import { humanSeconds, num, series } from '../contract/promql.js';
import type { AlertingRule, RuleGroup } from '../contract/rules.js';
import { ALERTS } from '../contract/alerts.js';

/**
 * Health of the platform the exporter watches: database, backups, and the exporter itself (CPU,
 * memory and disk are in resource-alerts.ts). Gauges are not aggregated: each exporter replica's
 * series alerts on its own (labels such as `instance` come along but no rule selects on them).
 */
export function platformAlertsGroup(config: MonitoringConfig): RuleGroup {
  const { warning } = config.alerting.thresholds;
  const db = ['component="database"'];
  const exporterUp = `up{job="${SCRAPE_JOBS.exporter}"}`;
  const rules: AlertingRule[] = [
    alertRule(config, {
      alert: ALERTS.databaseDown,
      severity: 'critical',
      expr: `${series(METRICS.healthStatus, ...db)} == 0`,
      summary: 'The application database is unreachable.',
      description: 'The health check run by {{ $labels.job }} on {{ $labels.instance }} reports no database connectivity (health status {{ $value }}).',
      dashboard: 'system',
    }),
    alertRule(config, {
      alert: ALERTS.databaseSlow,
      severity: 'warning',
      expr: `${series(METRICS.healthCheckDuration, ...db)} > ${num(warning.databaseResponseSeconds)}`,
      summary: 'The database responds slowly.',
      description: `The database answered the health check of {{ $labels.instance }} in {{ $value | humanizeDuration }}, above the ${humanSeconds(warning.databaseResponseSeconds)} threshold.`,
      dashboard: 'performance',
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
      expr: `time() - ${series(METRICS.backupLastSuccess)} > ${config.alerting.backupMaxAgeHours * 3600}`,
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
