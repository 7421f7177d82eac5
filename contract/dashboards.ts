/**
 * What the dashboards share with the rest of the stack: datasource UIDs (the charts provision the
 * datasources with exactly these), dashboard UIDs (alerts and links point at them, so they never
 * change without intent), folders, and the dashboard artifact the charts embed.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { sortKeys, toJson } from './serialize.js';

/** UIDs of the provisioned datasources. The dashboards' datasource variables default to them. */
export const DATASOURCE_UIDS = { prometheus: 'prometheus', loki: 'loki', alertmanager: 'alertmanager' } as const;

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

/** `<grafanaUrl>/d/<uid>`: the address of a dashboard, for alert annotations and links. */
export const dashboardUrl = (grafanaUrl: string, key: DashboardKey): string => `${grafanaUrl}/d/${DASHBOARD_UIDS[key]}`;

/** A generated dashboard: what dashboards/ hands to the charts and to synth. */
export interface DashboardArtifact {
  uid: string;
  title: string;
  /** The Grafana folder it is filed in. */
  folder: string;
  /** The classic dashboard model Grafana imports. */
  model: dashboard.Dashboard;
}

/** The dashboard file (sorted keys, pretty, trailing newline): the same bytes on disk and in every ConfigMap. */
export const dashboardText = (d: DashboardArtifact): string => toJson(sortKeys(d.model));

/**
 * Panels that alerts link to (`dashboard_url` with `viewPanel`), keyed once here: alert-rules/
 * produces the link, dashboards/ produces the panel, and both name it by this key. Each key is
 * pinned to its dashboard; its panel id is derived from the key (see `panelId`), so moving a
 * panel, or adding panels before it, never breaks a link in a past notification.
 */
export const PANELS = {
  // System Overview
  scrapeTargets: 'system',
  maintenanceMode: 'system',
  lastVerifiedBackup: 'system',
  smsPagesDropped: 'system',
  smsSends: 'system',
  availabilityBurnRate: 'system',
  latencyBurnRate: 'system',
  // Performance
  databaseUp: 'performance',
  databaseResponseTime: 'performance',
  meanResponseTime: 'performance',
  nodeCpu: 'performance',
  nodeMemory: 'performance',
  nodeFilesystems: 'performance',
  nodeFilesystemInodes: 'performance',
  containerCpu: 'performance',
  containerMemory: 'performance',
  volumes: 'performance',
  volumeInodes: 'performance',
  hostCpu: 'performance',
  hostMemory: 'performance',
  hostDisk: 'performance',
  // Error Tracking
  endpointErrorRatio: 'errors',
  unauthorizedAttempts: 'errors',
  newestBackupRun: 'errors',
} as const satisfies Record<string, DashboardKey>;

export type PanelKey = keyof typeof PANELS;

/** Ids below this are the packer's, numbered in reading order; keyed panels get ids from here up. */
export const KEYED_PANEL_ID_BASE = 1000;

/**
 * A keyed panel's id: FNV-1a of `<dashboard>/<key>`, folded into 1000..9999. Deterministic and
 * independent of layout; a test keeps the ids unique per dashboard and compares them with a
 * checked-in list, so one cannot change silently.
 */
export function panelId(key: PanelKey): number {
  let h = 0x811c9dc5;
  for (const ch of `${PANELS[key]}/${key}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return KEYED_PANEL_ID_BASE + (h % 9000);
}

/**
 * `<grafanaUrl>/d/<uid>?viewPanel=<id>&var-<name>=<value>…`: a link that opens one panel. Values
 * are written as given (an alert passes Go templates such as `{{ $labels.route | urlquery }}`,
 * which Prometheus expands and escapes when the alert fires).
 */
export function panelUrl(grafanaUrl: string, key: PanelKey, variables: Readonly<Record<string, string>> = {}): string {
  const params = [`viewPanel=${panelId(key)}`, ...Object.entries(variables).map(([name, value]) => `var-${name}=${value}`)];
  return `${dashboardUrl(grafanaUrl, PANELS[key])}?${params.join('&')}`;
}
