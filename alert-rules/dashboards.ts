/**
 * Grafana dashboards that alert notifications link to. The UIDs come from dashboards/ (stable
 * UIDs, so links in old notifications keep working).
 */
import { DASHBOARD_UIDS, type DashboardKey } from '../contract/dashboards.js';

export type { DashboardKey };

export const dashboardUrl = (grafanaUrl: string, key: DashboardKey): string => `${grafanaUrl}/d/${DASHBOARD_UIDS[key]}`;
