/** Error Tracking (monitoring guide): error rates by endpoint, failed requests, exceptions, security incidents. */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { RECORDED } from '../contract/recording-rules.js';
import { METRICS } from '../contract/metric-catalog.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { cell, composeDashboard, row, type LayoutItem } from './compose.js';
import { ALERTS } from '../contract/alerts.js';
import { routeDrillDown, runbook, toDashboard } from './links.js';
import { endpointErrorRatioPanel, guardWords } from './alert-mirrors.js';
import { LINE_FILTERS, linesPerInterval, logQueries } from './logql.js';
import { alertSteps, barGaugePanel, binaryMapping, COLORS, logsPanel, lokiTimeseriesPanel, neutralSteps, stateTimelinePanel, statPanel, tablePanel, timeseriesPanel } from './panels.js';
import { humanSeconds, num, percent, recorded, series, sharedState } from '../contract/promql.js';
import { increaseOverRange, perHour, rate } from './grafana-ranges.js';
import { routeMatcher, routeVariable } from './variables.js';

/** Status codes by class: ours (5xx) red, the client's (4xx) orange. */
const STATUS_COLORS = [
  { regexp: '^5..$', color: COLORS.critical },
  { regexp: '^4..$', color: COLORS.warning },
];

/** Row “Errors by endpoint”. */
function errorsByEndpointRow(config: MonitoringConfig): LayoutItem[] {
  const { warning, critical } = config.alerting.thresholds;
  const errorSteps = alertSteps(warning.errorRateRatio, critical.errorRateRatio);
  const errorRunbook = [runbook(config, ALERTS.endpointErrorRateHigh)];
  const perEndpoint = '{{method}} {{route}}';
  const { lowTraffic } = config.alerting;
  return [
    row('Errors by endpoint'),
    cell(
      statPanel({
        title: 'Overall error ratio',
        description: `Share of 5xx responses across the selected routes. Orange from ${percent(warning.errorRateRatio)}, red from ${percent(critical.errorRateRatio)}.`,
        unit: 'percentunit',
        queries: [
          {
            // `> 0`: no requests is no ratio ("No requests"), not NaN.
            expr: `sum(${recorded(RECORDED.httpErrorsRate5m, routeMatcher)}) / (sum(${recorded(RECORDED.httpRequestsRate5m, routeMatcher)}) > 0)`,
            legend: '5xx ratio',
          },
        ],
        thresholds: errorSteps,
        sparkline: true,
        noValue: 'No requests on the selected routes',
        links: errorRunbook,
      }),
      6,
      9,
    ),
    cell(endpointErrorRatioPanel(config, 'Error ratio per endpoint', [], [routeDrillDown()], routeMatcher), 18, 9, 'endpointErrorRatio'),
    cell(
      timeseriesPanel({
        title: 'Failed requests per endpoint',
        description: '5xx responses per second per endpoint.',
        unit: 'reqps',
        queries: [{ expr: recorded(RECORDED.httpErrorsRate5m, routeMatcher), legend: perEndpoint }],
        thresholds: neutralSteps(),
        stack: true,
        min: 0,
        noValue: 'No 5xx on the selected routes',
        links: errorRunbook,
        dataLinks: [routeDrillDown()],
      }),
      12,
      8,
    ),
    cell(
      timeseriesPanel({
        title: 'Client and server errors by status code',
        description: '5xx (red: ours) and 4xx (orange: the client\'s, 401 and 404 among them) responses per second by status code, not stacked: a flood of 401s never hides the 500s under it.',
        unit: 'reqps',
        queries: [
          { expr: `sum by (status_code) (${rate(series(METRICS.httpRequests, 'status_code=~"5.."', routeMatcher))})`, legend: '{{status_code}}' },
          { expr: `sum by (status_code) (${rate(series(METRICS.httpRequests, 'status_code=~"4.."', routeMatcher))})`, legend: '{{status_code}}' },
        ],
        thresholds: neutralSteps(),
        seriesColors: STATUS_COLORS,
        min: 0,
        noValue: 'No 4xx or 5xx responses on the selected routes',
        links: [toDashboard(config, 'performance', 'Performance')],
      }),
      12,
      8,
    ),
    cell(
      tablePanel({
        title: 'Endpoints with the highest error ratio',
        description: `The ten endpoints with the highest 5xx ratio now, among those with at least ${lowTraffic.minRequests} requests in the last ${humanSeconds(lowTraffic.windowSeconds)} (enough to read a ratio by). ${ALERTS.endpointErrorRateHigh} also needs ${lowTraffic.minFailedRequests} failed requests in that window.`,
        unit: 'percentunit',
        queries: [
          {
            expr: `topk(10, ${recorded(RECORDED.httpErrorRatio5m, routeMatcher)} and on (job, method, route) ${recorded(RECORDED.httpRequestsIncrease1h, routeMatcher)} >= ${num(lowTraffic.minRequests)})`,
            instant: true,
            table: true,
          },
        ],
        thresholds: errorSteps,
        hideColumns: ['Time', 'job'],
        sortBy: 'Value',
        noValue: `No endpoint had ${guardWords(config).requests}: too little traffic to read a ratio by`,
        links: errorRunbook,
      }),
      16,
      8,
    ),
    cell(
      barGaugePanel({
        title: 'Failed requests in the low-traffic window',
        description: `5xx answers per endpoint in the last ${humanSeconds(lowTraffic.windowSeconds)}, the ten highest. ${ALERTS.endpointErrorRateHigh} may fire on an endpoint from ${lowTraffic.minFailedRequests} (orange): below that, one stray failure on a quiet endpoint is not a page.`,
        unit: 'short',
        decimals: 0,
        queries: [{ expr: `topk(10, ${recorded(RECORDED.httpErrorsIncrease1h, routeMatcher)})`, legend: perEndpoint, instant: true }],
        thresholds: alertSteps(lowTraffic.minFailedRequests),
        min: 0,
        noValue: `No requests on the selected routes in the last ${humanSeconds(lowTraffic.windowSeconds)}`,
        links: errorRunbook,
      }),
      8,
      8,
    ),
  ];
}

/** Row “Exceptions”. */
function exceptionsRow(config: MonitoringConfig): LayoutItem[] {
  const q = logQueries(config);
  return [
    row('Exceptions'),
    cell(
      lokiTimeseriesPanel({
        title: 'Error log lines',
        description: 'Application log lines containing ERROR, per interval.',
        unit: 'short',
        queries: [{ expr: linesPerInterval(LINE_FILTERS.errors), legend: 'errors' }],
        thresholds: neutralSteps(),
        min: 0,
        links: [toDashboard(config, 'logs', 'Logs')],
      }),
      8,
      9,
    ),
    cell(
      logsPanel({
        title: 'Recent errors',
        description: 'Application error lines, newest first.',
        query: { expr: q.errors },
        links: [toDashboard(config, 'logs', 'Logs')],
      }),
      16,
      9,
    ),
    cell(
      timeseriesPanel({
        title: 'Failed uploads',
        description: 'Document uploads that failed, per hour.',
        unit: 'suffix:/h',
        queries: [{ expr: perHour(series(METRICS.documentUploads, 'outcome="failure"')), legend: 'failed uploads' }],
        thresholds: neutralSteps(),
        min: 0,
        noValue: 'No upload has failed since the application started',
      }),
      16,
      7,
    ),
    cell(
      stateTimelinePanel({
        title: 'Newest backup run',
        description: `Whether the newest backup run the backup job recorded in the database failed (red) or passed verification (green). ${ALERTS.backupVerificationFailed} fires after 15 minutes of red.`,
        unit: 'none',
        queries: [
          {
            expr: `${sharedState('max', METRICS.backupLastFailure)} > bool ${sharedState('max', METRICS.backupLastSuccess)}`,
            legend: 'newest backup run',
          },
        ],
        mappings: binaryMapping(['Failed', COLORS.critical], ['Verified', COLORS.ok]),
        thresholds: alertSteps(undefined, 1),
        noValue: 'No backup run recorded, or the exporter is down',
        links: [runbook(config, ALERTS.backupVerificationFailed), toDashboard(config, 'system', 'System overview')],
      }),
      8,
      7,
      'newestBackupRun',
    ),
  ];
}

/** Row “Security incidents”. */
function securityIncidentsRow(config: MonitoringConfig): LayoutItem[] {
  const { critical } = config.alerting.thresholds;
  const securityRunbook = [runbook(config, ALERTS.unauthorizedAccessSpike)];
  const q = logQueries(config);
  return [
    row('Security incidents'),
    cell(
      statPanel({
        title: 'Unauthorized attempts',
        description: `Rejected access attempts per second, all reasons. Red from ${critical.unauthorizedAttemptsPerSecond}/s (${ALERTS.unauthorizedAccessSpike}).`,
        unit: 'reqps',
        queries: [{ expr: `sum(${rate(series(METRICS.unauthorizedAccessAttempts))}) or vector(0)`, legend: 'attempts' }],
        thresholds: alertSteps(undefined, critical.unauthorizedAttemptsPerSecond),
        sparkline: true,
        noValue: 'Unknown: Prometheus did not answer',
        links: securityRunbook,
      }),
      6,
      8,
    ),
    cell(
      timeseriesPanel({
        title: 'Unauthorized attempts by reason',
        description: `Rejected access attempts per second by reason, stacked; the dashed line is the ${ALERTS.unauthorizedAccessSpike} threshold for the total.`,
        unit: 'reqps',
        queries: [{ expr: `sum by (reason) (${rate(series(METRICS.unauthorizedAccessAttempts))})`, legend: '{{reason}}' }],
        thresholds: alertSteps(undefined, critical.unauthorizedAttemptsPerSecond),
        showThresholds: true,
        stack: true,
        min: 0,
        noValue: 'No access attempt rejected',
        links: securityRunbook,
      }),
      12,
      8,
      'unauthorizedAttempts',
    ),
    cell(
      statPanel({
        title: 'Virus detections',
        description: 'Uploaded documents rejected by the virus scanner in the selected time range. Any detection is worth a look.',
        unit: 'short',
        decimals: 0,
        queries: [{ expr: `sum(${increaseOverRange(series(METRICS.documentVirusDetections))}) or vector(0)`, legend: 'detections', instant: true }],
        thresholds: alertSteps(undefined, 1),
        noValue: 'Unknown: Prometheus did not answer',
      }),
      6,
      8,
    ),
    cell(
      logsPanel({
        title: 'Authentication failures',
        description: 'Log lines of failed authentications.',
        query: { expr: q.authenticationFailures },
        links: [...securityRunbook, toDashboard(config, 'logs', 'Logs')],
      }),
      24,
      8,
    ),
  ];
}

export function errorsDashboard(config: MonitoringConfig): dashboard.Dashboard {
  return composeDashboard(config, {
    key: 'errors',
    title: 'Immigration AI / Error Tracking',
    description: 'Error rates by endpoint, failed requests, exceptions from the logs and security incidents.',
    tags: ['errors', 'operations'],
    datasources: { prometheus: true, loki: true },
    variables: [routeVariable()],
    items: [...errorsByEndpointRow(config), ...exceptionsRow(config), ...securityIncidentsRow(config)],
  });
}
