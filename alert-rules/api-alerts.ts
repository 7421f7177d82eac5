import { METRICS } from '../contract/metric-catalog.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { alertRule } from './define.js';
import { promDuration } from '../contract/duration.js';
import { humanSeconds, num, percent, series } from '../contract/promql.js';
import { RECORDED } from '../contract/recording-rules.js';
import type { AlertingRule, RuleGroup } from '../contract/rules.js';
import { ALERTS } from '../contract/alerts.js';

/**
 * Per-endpoint API alerts, built on the shared recording rules. Endpoints below
 * alerting.minRequestRatePerSecond are ignored: two failures out of three requests are not a page.
 */
export function apiAlertsGroup(config: MonitoringConfig): RuleGroup {
  const { critical, warning } = config.alerting.thresholds;
  const busyEnough = `on (job, method, route) ${RECORDED.httpRequestsRate5m} >= ${num(config.alerting.minRequestRatePerSecond)}`;
  const errorRate = ([['warning', warning.errorRateRatio], ['critical', critical.errorRateRatio]] as const).map(([severity, threshold]) =>
    alertRule(config, {
      alert: ALERTS.endpointErrorRateHigh,
      severity,
      expr: `${RECORDED.httpErrorRatio5m} > ${num(threshold)} and ${busyEnough}`,
      summary: 'An API endpoint answers too many requests with server errors.',
      description: `{{ $labels.method }} {{ $labels.route }} answers {{ $value | humanizePercentage }} of its requests with 5xx, above the ${percent(threshold)} ${severity} threshold.`,
      dashboard: 'errors',
    }),
  );
  const rules: AlertingRule[] = [
    ...errorRate,
    alertRule(config, {
      alert: ALERTS.apiSlow,
      severity: 'warning',
      expr: `${RECORDED.httpDurationMean5m} > ${num(warning.apiResponseSeconds)} and ${busyEnough}`,
      summary: 'An API endpoint responds slowly.',
      description: `{{ $labels.method }} {{ $labels.route }} answers in {{ $value | humanizeDuration }} on average, above the ${humanSeconds(warning.apiResponseSeconds)} threshold.`,
      dashboard: 'performance',
    }),
    alertRule(config, {
      alert: ALERTS.unauthorizedAccessSpike,
      severity: 'critical',
      expr: `sum by (job) (rate(${series(METRICS.unauthorizedAccessAttempts)}[${promDuration(config.alerting.rateWindowSeconds)}])) > ${num(critical.unauthorizedAttemptsPerSecond)}`,
      summary: 'Unauthorized access attempts are spiking.',
      description: `{{ $labels.job }} rejects {{ $value | humanize }} unauthorized access attempts per second, above the ${num(critical.unauthorizedAttemptsPerSecond)}/s threshold: a possible attack.`,
      dashboard: 'errors',
    }),
  ];
  return { name: 'immigration-ai-api.alerts', rules };
}
