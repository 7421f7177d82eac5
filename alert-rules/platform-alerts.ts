import { METRICS, SCRAPE_JOBS } from '../contract/metric-catalog.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { alertRule } from './define.js';
import { humanSeconds, num, sharedState, upOf } from '../contract/promql.js';
import type { AlertingRule, RuleGroup } from '../contract/rules.js';
import { ALERTS, type AlertName } from '../contract/alerts.js';

/**
 * Health of the platform the exporter watches: database, backups, and the exporter itself (CPU,
 * memory and disk are in resource-alerts.ts, from node-exporter and the kubelet). Shared state
 * (the database, backups: catalog scope `shared`) is published by every exporter replica alike,
 * so those rules aggregate over the replicas and fire once, only when every replica agrees (`max`
 * of "is up", `min` of a duration).
 */
export function platformAlertsGroup(config: MonitoringConfig): RuleGroup {
  const { warning } = config.alerting.thresholds;
  const db = ['component="database"'];
  const rules: AlertingRule[] = [
    ...scrapeTargetsDown(config, {
      alert: ALERTS.appDown,
      job: SCRAPE_JOBS.app,
      summary: 'The application does not answer Prometheus.',
      allDown: 'the app is down or unreachable for everyone, and its HTTP and SLO alerts cannot fire (they need its series)',
      someDown: 'the other pods still serve, with less capacity',
    }),
    alertRule(config, {
      alert: ALERTS.databaseDown,
      severity: 'critical',
      expr: `${sharedState('max', METRICS.healthStatus, ['job', 'component'], ...db)} == 0`,
      summary: 'The application database is unreachable.',
      description: 'No replica of {{ $labels.job }} reaches the application database: every health check reports no connectivity (health status {{ $value }}).',
      panel: 'databaseUp',
    }),
    alertRule(config, {
      alert: ALERTS.databaseSlow,
      severity: 'warning',
      expr: `${sharedState('min', METRICS.healthCheckDuration, ['job', 'component'], ...db)} > ${num(warning.databaseResponseSeconds)}`,
      summary: 'The database responds slowly.',
      description: `The database answered the health checks of every {{ $labels.job }} replica in {{ $value | humanizeDuration }} or more, above the ${humanSeconds(warning.databaseResponseSeconds)} threshold.`,
      panel: 'databaseResponseTime',
    }),
    // Backups come from the backup job's own record in the database, read by the exporter
    // (shared state: every replica publishes the same values), never from a web process that may
    // not have run a backup itself: restarts and replicas cannot make a backup look missing.
    alertRule(config, {
      alert: ALERTS.backupVerificationFailed,
      severity: 'warning',
      expr: `${sharedState('max', METRICS.backupLastFailure, ['job'])} > ${sharedState('max', METRICS.backupLastSuccess, ['job'])}`,
      labels: { reason: 'verification_failed' },
      summary: 'Backups are failing or missing.',
      description: 'The newest backup run recorded by the backup job, at {{ $value | humanizeTimestamp }}, failed or did not pass verification, and no verified backup has been recorded since (read by {{ $labels.job }}).',
      panel: 'newestBackupRun',
    }),
    alertRule(config, {
      alert: ALERTS.backupVerificationFailed,
      severity: 'warning',
      expr: `time() - ${sharedState('max', METRICS.backupLastSuccess, ['job'])} > ${config.alerting.backupMaxAgeHours * 3600}`,
      labels: { reason: 'backup_too_old' },
      summary: 'Backups are failing or missing.',
      description: `The newest verified backup recorded by the backup job is {{ $value | humanizeDuration }} old, older than the ${num(config.alerting.backupMaxAgeHours)}h limit (read by {{ $labels.job }}; decades old means none was ever recorded).`,
      panel: 'lastVerifiedBackup',
    }),
    ...scrapeTargetsDown(config, {
      alert: ALERTS.exporterDown,
      job: SCRAPE_JOBS.exporter,
      summary: 'The metrics exporter is down.',
      allDown: 'health, database, storage and business metrics are missing and their alerts cannot fire',
      someDown: 'the other replicas still publish every metric',
    }),
  ];
  return { name: 'immigration-ai-platform.alerts', rules };
}

interface TargetsDown {
  alert: AlertName;
  job: string;
  /** Static, shared by both severities. */
  summary: string;
  /** What it means when no target answers. */
  allDown: string;
  /** What it means when some targets answer. */
  someDown: string;
}

/**
 * A scrape job's targets, aggregated to the job: critical when none answers, or the job has no
 * target at all (`absent`: every pod gone from service discovery, where `up` has no series);
 * warning when at least one is down (one pod of several). Both carry only `job`, so the critical
 * inhibits its warning through the shared inhibit rule (same alertname and labels), and a dead
 * job pages once, not once per pod.
 */
function scrapeTargetsDown(config: MonitoringConfig, t: TargetsDown): AlertingRule[] {
  const up = upOf(t.job);
  return [
    alertRule(config, {
      alert: t.alert,
      severity: 'critical',
      expr: `max by (job) (${up}) == 0 or absent(${up})`,
      summary: t.summary,
      description: `No target of job {{ $labels.job }} answers Prometheus' scrapes, or service discovery finds none: ${t.allDown}.`,
      panel: 'scrapeTargets',
    }),
    alertRule(config, {
      alert: t.alert,
      severity: 'warning',
      expr: `count by (job) (${up} == 0) > 0`,
      summary: t.summary,
      description: `{{ $value }} target(s) of job {{ $labels.job }} do not answer Prometheus' scrapes; ${t.someDown}.`,
      panel: 'scrapeTargets',
    }),
  ];
}
