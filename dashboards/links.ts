/**
 * Panel links: to the runbook of the alert a panel mirrors (absolute: runbooks live outside
 * Grafana), and to the dashboard that drills down (relative: they work on whatever address Grafana
 * is served from, and keep the time range, the selected datasource and the shared variables).
 */
import type { MonitoringConfig } from '../contract/config/index.js';
import { DASHBOARD_UIDS, type DashboardKey } from '../contract/dashboards.js';
import { type AlertName, runbookUrl } from '../contract/alerts.js';
import type { PanelLink } from './panels.js';

export const runbook = (config: MonitoringConfig, alert: AlertName): PanelLink => ({ title: `Runbook: ${alert}`, url: runbookUrl(config.links.runbookBaseUrl, alert) });

/** `/d/<uid>`: a dashboard's address relative to Grafana's root. */
export const dashboardPath = (key: DashboardKey): string => `/d/${DASHBOARD_UIDS[key]}`;

/** Another dashboard, keeping the time range and every variable (the datasource, the route…). */
export const toDashboard = (_config: MonitoringConfig, key: DashboardKey, title: string): PanelLink => ({
  title,
  url: `${dashboardPath(key)}?\${__url_time_range}&\${__all_variables}`,
});

/** Data link from an endpoint's series to Performance, filtered to its route. */
export const routeDrillDown = (): PanelLink => ({
  title: 'Performance of ${__field.labels.method} ${__field.labels.route}',
  url: `${dashboardPath('performance')}?var-route=\${__field.labels.route:percentencode}&\${datasource:queryparam}&\${__url_time_range}`,
});

/** Data link from an agency's series to the Agency Performance dashboard on that agency. */
export const agencyDrillDown = (): PanelLink => ({
  title: 'Agency ${__field.labels.agency_id}',
  url: `${dashboardPath('agency')}?var-agency=\${__field.labels.agency_id:percentencode}&\${datasource:queryparam}&\${__url_time_range}`,
});
