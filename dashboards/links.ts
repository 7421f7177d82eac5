/** Panel links: to the runbook of the alert a panel mirrors, and to the dashboard that drills down. */
import type { MonitoringConfig } from '../contract/config/index.js';
import { dashboardUrl, type DashboardKey } from '../contract/dashboards.js';
import { type AlertName, runbookUrl } from '../contract/alerts.js';
import type { PanelLink } from './panels.js';

export const runbook = (config: MonitoringConfig, alert: AlertName): PanelLink => ({ title: `Runbook: ${alert}`, url: runbookUrl(config.links.runbookBaseUrl, alert) });

export const toDashboard = (config: MonitoringConfig, key: DashboardKey, title: string): PanelLink => ({
  title,
  url: `${dashboardUrl(config.links.grafanaUrl, key)}?\${__url_time_range}`,
});
