/**
 * "Immigration AI SaaS Monitoring": the triage page. Its first screen (1080p, no scrolling) answers
 * "is the platform OK, and if not, what is broken": what fires by severity, health and scrape
 * status, availability; then Rate | Errors | Duration per endpoint. The monitoring guide's four
 * panels (health, active users, API response times, error rates) are all here, the last two on the
 * shared recording rules with the alerts' own low-traffic guards.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { RECORDED } from '../contract/recording-rules.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { cell, composeDashboard, type LayoutItem, row } from './compose.js';
import { ALERTS } from '../contract/alerts.js';
import { routeDrillDown, runbook, toDashboard } from './links.js';
import { activeUsersStat, availabilityStat, componentHealthStat, firingAlertsStat, firingAlertsTable, scrapeTargetsStat } from './shared-panels.js';
import { endpointErrorRatioPanel, meanResponseTimePanel } from './alert-mirrors.js';
import { neutralSteps, timeseriesPanel } from './panels.js';
import { recorded } from '../contract/promql.js';

/** Row “Is the platform OK?”: what fires, health, scrape status, availability. */
function statusRow(config: MonitoringConfig): LayoutItem[] {
  return [
    row('Is the platform OK?'),
    cell(firingAlertsStat([toDashboard(config, 'system', 'System overview')]), 6, 4),
    cell(
      componentHealthStat('System Health Overview', 'Last health check per component (database, storage, system): green is healthy, red is unhealthy.', [
        runbook(config, ALERTS.databaseDown),
        toDashboard(config, 'system', 'System overview'),
      ]),
      8,
      4,
    ),
    cell(scrapeTargetsStat(config), 5, 4),
    cell(availabilityStat(config, [toDashboard(config, 'errors', 'Error tracking')]), 5, 4),
    cell(firingAlertsTable(config), 16, 6),
    cell(
      activeUsersStat('Active Users', 'Distinct users active within each window, counted by the exporter from the database.', [toDashboard(config, 'business', 'Business metrics')]),
      8,
      6,
    ),
  ];
}

/** Row “Rate | Errors | Duration”: per endpoint, the errors and durations as their alerts see them. */
function redRow(config: MonitoringConfig): LayoutItem[] {
  return [
    row('Rate | Errors | Duration'),
    cell(
      timeseriesPanel({
        title: 'Request rate',
        description: 'Requests per second per endpoint over 5 minutes (shared recording rule), stacked: the height is the total.',
        unit: 'reqps',
        queries: [{ expr: recorded(RECORDED.httpRequestsRate5m), legend: '{{method}} {{route}}' }],
        thresholds: neutralSteps(),
        stack: true,
        min: 0,
        noValue: 'No requests: is the application up and scraped?',
        links: [toDashboard(config, 'performance', 'Performance')],
        dataLinks: [routeDrillDown()],
      }),
      8,
      8,
    ),
    cell(endpointErrorRatioPanel(config, 'Error Rates', [toDashboard(config, 'errors', 'Error tracking')], [routeDrillDown()]), 8, 8),
    cell(meanResponseTimePanel(config, 'API Response Times', [toDashboard(config, 'performance', 'Performance')], [routeDrillDown()]), 8, 8),
  ];
}

export function mainDashboard(config: MonitoringConfig): dashboard.Dashboard {
  return composeDashboard(config, {
    key: 'main',
    title: 'Immigration AI SaaS Monitoring',
    description: 'Triage: what fires by severity, health and scrape status, availability; then request rate, error ratio and response time per endpoint.',
    tags: ['overview'],
    datasources: { prometheus: true },
    items: [...statusRow(config), ...redRow(config)],
  });
}
