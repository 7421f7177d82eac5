import { METRICS } from '../contract/metric-catalog.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { alertRule } from './define.js';
import { promDuration } from '../contract/duration.js';
import { humanSeconds, num, percent, series } from '../contract/promql.js';
import { RECORDED } from '../contract/recording-rules.js';
import type { AlertingRule, RuleGroup } from '../contract/rules.js';
import { ALERTS } from '../contract/alerts.js';

/**
 * Per-endpoint API alerts, built on the shared recording rules. The 5m figure decides; the
 * low-traffic guard (alerting.lowTraffic) asks for enough events behind it over a longer window:
 * at least N failed requests for the error ratio (one failure among 5 requests is 20%, but not a
 * page), at least M requests for the mean latency. A busy endpoint meets the guard within seconds,
 * so it alerts on the 5m figure alone.
 */
export function apiAlertsGroup(config: MonitoringConfig): RuleGroup {
  const { critical, warning } = config.alerting.thresholds;
  const { lowTraffic } = config.alerting;
  const enoughFailures = `on (job, method, route) ${RECORDED.httpErrorsIncrease1h} >= ${num(lowTraffic.minFailedRequests)}`;
  const enoughRequests = `on (job, method, route) ${RECORDED.httpRequestsIncrease1h} >= ${num(lowTraffic.minRequests)}`;
  const window = humanSeconds(lowTraffic.windowSeconds);
  const errorRate = ([['warning', warning.errorRateRatio], ['critical', critical.errorRateRatio]] as const).map(([severity, threshold]) =>
    alertRule(config, {
      alert: ALERTS.endpointErrorRateHigh,
      severity,
      expr: `${RECORDED.httpErrorRatio5m} > ${num(threshold)} and ${enoughFailures}`,
      summary: 'An API endpoint answers too many requests with server errors.',
      description: `{{ $labels.method }} {{ $labels.route }} answers {{ $value | humanizePercentage }} of its requests with 5xx, above the ${percent(threshold)} ${severity} threshold (with at least ${num(lowTraffic.minFailedRequests)} failed requests in the last ${window}).`,
      panel: 'endpointErrorRatio',
      panelVariables: { route: 'route' },
    }),
  );
  const rules: AlertingRule[] = [
    ...errorRate,
    alertRule(config, {
      alert: ALERTS.apiSlow,
      severity: 'warning',
      expr: `${RECORDED.httpDurationMean5m} > ${num(warning.apiResponseSeconds)} and ${enoughRequests}`,
      summary: 'An API endpoint responds slowly.',
      description: `{{ $labels.method }} {{ $labels.route }} answers in {{ $value | humanizeDuration }} on average, above the ${humanSeconds(warning.apiResponseSeconds)} threshold.`,
      panel: 'meanResponseTime',
      panelVariables: { route: 'route' },
    }),
    alertRule(config, {
      alert: ALERTS.unauthorizedAccessSpike,
      severity: 'critical',
      expr: `sum by (job) (rate(${series(METRICS.unauthorizedAccessAttempts)}[${promDuration(config.alerting.rateWindowSeconds)}])) > ${num(critical.unauthorizedAttemptsPerSecond)}`,
      summary: 'Unauthorized access attempts are spiking.',
      description: `{{ $labels.job }} rejects {{ $value | humanize }} unauthorized access attempts per second, above the ${num(critical.unauthorizedAttemptsPerSecond)}/s threshold: a possible attack.`,
      panel: 'unauthorizedAttempts',
    }),
  ];
  return { name: 'immigration-ai-api.alerts', rules };
}
