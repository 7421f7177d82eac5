import type { MonitoringConfig } from '../contract/config/index.js';
import { alertRule } from './define.js';
import { promDuration } from '../contract/duration.js';
import { METRICS } from '../contract/metric-catalog.js';
import { num, series, sharedState } from '../contract/promql.js';
import type { AlertingRule, RuleGroup } from '../contract/rules.js';
import { ALERTS } from '../contract/alerts.js';


/**
 * Monitoring the monitoring: the dead man's switch, maintenance mode, and the self-metrics of
 * Prometheus and Alertmanager (not in our catalog: they are the tools' own metrics, same names in
 * Prometheus 2.x/3.x and Alertmanager 0.25+).
 */
export function metaAlertsGroup(config: MonitoringConfig): RuleGroup {
  const w = promDuration(config.alerting.rateWindowSeconds);
  const seconds = config.alerting.rateWindowSeconds;
  const inWords = seconds % 60 === 0 ? `${seconds / 60} minute${seconds === 60 ? '' : 's'}` : `${seconds} seconds`;
  const rules: AlertingRule[] = [
    alertRule(config, {
      alert: ALERTS.watchdog,
      severity: 'none',
      expr: 'vector(1)',
      summary: 'An alert that always fires, to prove the alerting pipeline works end to end.',
      description: 'Watchdog fires at all times (value {{ $value }}). The dead man\'s switch pages when it stops receiving it: then Prometheus, Alertmanager or the route between them is broken.',
    }),
    alertRule(config, {
      alert: ALERTS.maintenanceMode,
      severity: 'none',
      expr: `${sharedState('max', METRICS.maintenanceMode, ['job'])} == 1`,
      summary: 'Planned maintenance is on and alerts are silenced.',
      description: '{{ $labels.job }} reports maintenance mode: every alert except Watchdog is inhibited until it ends.',
      panel: 'maintenanceMode',
    }),
    alertRule(config, {
      alert: ALERTS.maintenanceTooLong,
      severity: 'warning',
      // Forgotten maintenance silences everything; the inhibit rule leaves this one alone.
      forSeconds: Math.round(config.alerting.maintenanceMaxHours * 3600),
      expr: `${sharedState('max', METRICS.maintenanceMode, ['job'])} == 1`,
      summary: 'Maintenance mode has been on for a long time.',
      description: `{{ $labels.job }} has reported maintenance mode for more than ${num(config.alerting.maintenanceMaxHours)}h: every alert except Watchdog and this one is inhibited. End it if the maintenance is over.`,
      panel: 'maintenanceMode',
    }),
    alertRule(config, {
      alert: ALERTS.notificationsDropped,
      severity: 'warning',
      // A dropped page is a fact, not a condition that may pass: waiting would only delay the news
      // that pages now reach email and Slack only. Email and Slack are not capped (docs/on-call.md),
      // so this warning itself always gets through.
      forSeconds: 0,
      expr: `sum by (job, reason) (increase(${series(METRICS.smsNotificationsDropped)}[1h])) > 0`,
      summary: 'Pages are not sent by SMS.',
      description:
        `The SMS bridge dropped {{ $value | humanize }} page notification(s) in the last hour, reason {{ $labels.reason }}: rate_limited means the hourly cap of ${config.suppression.maxAlertsPerHour} SMS was reached ` +
        'and further pages reach email and Slack only until the hour rolls over; not_configured means the bridge lacks its Twilio settings.',
      panel: 'smsPagesDropped',
    }),
    alertRule(config, {
      alert: ALERTS.smsDeliveryFailing,
      severity: 'warning',
      // Failed sends with no delivered SMS since: Twilio is down, hangs or refuses the credentials.
      // Alertmanager retries the pages (the bridge answers 5xx and keeps its hourly slots); this says
      // that, meanwhile, they reach email and Slack only. A later delivery resolves it.
      forSeconds: 0,
      expr:
        `sum by (job) (increase(${series(METRICS.smsMessages, 'outcome="failed"')}[10m])) > 0 ` +
        `unless on (job) sum by (job) (increase(${series(METRICS.smsMessages, 'outcome="sent"')}[10m])) > 0`,
      summary: 'SMS delivery through Twilio is failing.',
      description:
        'The SMS bridge failed {{ $value | humanize }} SMS send(s) in the last 10 minutes and delivered none: Twilio is failing, hanging or refusing the credentials. ' +
        'Alertmanager keeps retrying the pages, which reach email and Slack only until Twilio answers again.',
      panel: 'smsSends',
    }),
    alertRule(config, {
      alert: ALERTS.prometheusRuleEvaluationFailures,
      severity: 'warning',
      expr: `increase(prometheus_rule_evaluation_failures_total[${w}]) > 0`,
      summary: 'Prometheus fails to evaluate rules.',
      description: `Prometheus {{ $labels.instance }} failed {{ $value | humanize }} rule evaluations of group {{ $labels.rule_group }} in the last ${inWords}: alerts of that group may not fire.`,
    }),
    alertRule(config, {
      alert: ALERTS.prometheusNotificationsFailing,
      severity: 'warning',
      expr: `increase(prometheus_notifications_errors_total[${w}]) > 0`,
      summary: 'Prometheus fails to send alerts to Alertmanager.',
      description: `Prometheus {{ $labels.instance }} failed to send {{ $value | humanize }} alerts to Alertmanager {{ $labels.alertmanager }} in the last ${inWords}.`,
    }),
    alertRule(config, {
      alert: ALERTS.prometheusConfigReloadFailed,
      severity: 'warning',
      expr: `max_over_time(prometheus_config_last_reload_successful[${w}]) == 0`,
      summary: 'Prometheus could not load its latest configuration.',
      description: 'Prometheus {{ $labels.instance }} failed to reload its configuration (last reload successful = {{ $value }}); it keeps running the previous one.',
    }),
    alertRule(config, {
      alert: ALERTS.alertmanagerConfigReloadFailed,
      severity: 'warning',
      expr: `max_over_time(alertmanager_config_last_reload_successful[${w}]) == 0`,
      summary: 'Alertmanager could not load its latest configuration.',
      description: 'Alertmanager {{ $labels.instance }} failed to reload its configuration (last reload successful = {{ $value }}); it keeps running the previous one.',
    }),
    alertRule(config, {
      alert: ALERTS.alertmanagerNotificationsFailing,
      severity: 'warning',
      expr: `sum by (job, instance, integration) (increase(alertmanager_notifications_failed_total[${w}])) > 0`,
      summary: 'Alertmanager fails to deliver notifications.',
      description: `Alertmanager {{ $labels.instance }} failed {{ $value | humanize }} {{ $labels.integration }} notifications in the last ${inWords}: people may not be told about alerts.`,
    }),
  ];
  return { name: 'immigration-ai-meta.alerts', rules };
}
