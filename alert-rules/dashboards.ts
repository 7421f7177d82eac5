/**
 * Grafana dashboards that alert notifications link to. The UIDs are the contract with dashboards/
 * (stable UIDs, so links in old notifications keep working).
 */
export const DASHBOARD_UIDS = {
  systemOverview: 'immigration-ai-system-overview',
  performance: 'immigration-ai-performance',
  errorTracking: 'immigration-ai-error-tracking',
  business: 'immigration-ai-business',
} as const;

export type DashboardKey = keyof typeof DASHBOARD_UIDS;

export const dashboardUrl = (grafanaUrl: string, key: DashboardKey): string => `${grafanaUrl}/d/${DASHBOARD_UIDS[key]}`;
