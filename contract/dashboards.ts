/**
 * Names the dashboards share with the rest of the stack: datasource UIDs (the charts provision the
 * datasources with exactly these), dashboard UIDs (links and bookmarks point at them, so they never
 * change without intent), folders, tags, and the alert names whose runbooks panels link to.
 */

/** UIDs of the provisioned datasources. The dashboards' datasource variables default to them. */
export const DATASOURCE_UIDS = { prometheus: 'prometheus', loki: 'loki', alertmanager: 'alertmanager' } as const;

/** Grafana datasource plugin ids. */
export const DATASOURCE_TYPES = { prometheus: 'prometheus', loki: 'loki' } as const;

/** Template variable names through which every panel and target picks its datasource. */
export const DATASOURCE_VARIABLES = { prometheus: 'datasource', loki: 'loki_datasource' } as const;

/**
 * Stable dashboard UIDs (at most 40 characters, Grafana's limit). A test compares them against a
 * checked-in list: changing one breaks every bookmark and link, so it must be deliberate.
 */
export const DASHBOARD_UIDS = {
  main: 'immigration-ai-main',
  system: 'immigration-ai-system-overview',
  performance: 'immigration-ai-performance',
  business: 'immigration-ai-business',
  errors: 'immigration-ai-error-tracking',
  agency: 'immigration-ai-agency-performance',
  logs: 'immigration-ai-logs',
} as const;

export type DashboardKey = keyof typeof DASHBOARD_UIDS;

/**
 * Grafana folders (the sidecar's folder annotation). Operations dashboards are for on-call
 * engineers; business dashboards for product and agency managers, who may get different access.
 */
export const FOLDERS = { operations: 'Immigration AI', business: 'Immigration AI Business' } as const;

/** Every dashboard carries this tag; the dashboards' link dropdown lists dashboards by it. */
export const COMMON_TAG = 'immigration-ai';
