/** Panel links: to the runbook of the alert a panel mirrors, and to the dashboard that drills down. */
import type { MonitoringConfig } from '../contract/config/index.js';
import { DASHBOARD_UIDS, type DashboardKey } from '../contract/dashboards.js';
import { type AlertName } from '../contract/alerts.js';
import type { PanelLink } from './panels.js';

/** `${runbookBaseUrl}/<AlertName>.md`: the runbooks alert-rules/ generates, one per alert. */
export const runbookUrl = (config: MonitoringConfig, alert: AlertName): string => `${config.links.runbookBaseUrl}/${alert}.md`;

export const runbook = (config: MonitoringConfig, alert: AlertName): PanelLink => ({ title: `Runbook: ${alert}`, url: runbookUrl(config, alert) });

/** `${grafanaUrl}/d/<uid>`, keeping the time range the viewer is looking at. */
export const dashboardUrl = (config: MonitoringConfig, key: DashboardKey): string => `${config.links.grafanaUrl}/d/${DASHBOARD_UIDS[key]}`;

export const toDashboard = (config: MonitoringConfig, key: DashboardKey, title: string): PanelLink => ({
  title,
  url: `${dashboardUrl(config, key)}?\${__url_time_range}`,
});
