/**
 * "Immigration AI SaaS Monitoring": the monitoring guide's dashboard, panel for panel, on current Grafana
 * (timeseries/stat instead of the removed graph/singlestat) and on metrics that exist: the monitoring guide's
 * `immigration_ai_response_time_ms` and `immigration_ai_error_rate` become the shared recording
 * rules over the HTTP histogram and counter, per endpoint.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { RECORDED } from '../contract/recording-rules.js';
import { METRICS } from '../contract/metric-catalog.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { cell, composeDashboard } from './compose.js';
import { ALERTS } from '../contract/alerts.js';
import { runbook, toDashboard } from './links.js';
import { activeUsersStat } from './shared-panels.js';
import { alertSteps, binaryMapping, COLORS, healthySteps, statPanel, timeseriesPanel } from './panels.js';
import { percent, recorded, sharedState } from '../contract/promql.js';

export function mainDashboard(config: MonitoringConfig): dashboard.Dashboard {
  const { warning, critical } = config.alerting.thresholds;
  return composeDashboard(config, {
    key: 'main',
    title: 'Immigration AI SaaS Monitoring',
    description: 'Health, API response times, active users and error rates of the Immigration AI platform at a glance.',
    tags: ['overview'],
    datasources: { prometheus: true },
    items: [
      cell(
        statPanel({
          title: 'System Health Overview',
          description: 'Last health check per component (database, storage, system): green is healthy, red is unhealthy.',
          unit: 'none',
          queries: [{ expr: sharedState('min', METRICS.healthStatus, ['component']), legend: '{{component}}', instant: true }],
          mappings: binaryMapping(['Healthy', COLORS.ok], ['Unhealthy', COLORS.critical]),
          thresholds: healthySteps(),
          background: true,
          links: [runbook(config, ALERTS.databaseDown), toDashboard(config, 'system', 'System overview')],
        }),
        16,
        5,
      ),
      cell(
        activeUsersStat('Active Users', 'Distinct users active within each window, counted by the exporter from the database.', [toDashboard(config, 'business', 'Business metrics')]),
        8,
        5,
      ),
      cell(
        timeseriesPanel({
          title: 'API Response Times',
          description: `Mean response time per endpoint over 5 minutes. The dashed line is the ${warning.apiResponseSeconds} s threshold of ${ALERTS.apiSlow}.`,
          unit: 's',
          queries: [{ expr: recorded(RECORDED.httpDurationMean5m), legend: '{{method}} {{route}}' }],
          thresholds: alertSteps(warning.apiResponseSeconds),
          showThresholds: true,
          min: 0,
          links: [runbook(config, ALERTS.apiSlow), toDashboard(config, 'performance', 'Performance')],
        }),
        12,
        9,
      ),
      cell(
        timeseriesPanel({
          title: 'Error Rates',
          description: `Share of 5xx responses per endpoint over 5 minutes. Dashed lines: warning at ${percent(warning.errorRateRatio)}, critical at ${percent(critical.errorRateRatio)} (${ALERTS.endpointErrorRateHigh}).`,
          unit: 'percentunit',
          queries: [{ expr: recorded(RECORDED.httpErrorRatio5m), legend: '{{method}} {{route}}' }],
          thresholds: alertSteps(warning.errorRateRatio, critical.errorRateRatio),
          showThresholds: true,
          min: 0,
          links: [runbook(config, ALERTS.endpointErrorRateHigh), toDashboard(config, 'errors', 'Error tracking')],
        }),
        12,
        9,
      ),
    ],
  });
}
