/**
 * The Grafana dashboards, as plain JSON generated from the configuration.
 *
 * `buildDashboards(config)` returns one `GrafanaDashboard` per dashboard:
 *   { uid, title, folder, json }
 * - `uid`: stable, explicit (DASHBOARD_UIDS); also `json.uid`.
 * - `title`: also `json.title`.
 * - `folder`: the Grafana folder to file it in (the sidecar's folder annotation / provisioning folder).
 * - `json`: the classic dashboard model Grafana imports (schemaVersion 42).
 *
 * `renderDashboards(config)` writes them as `grafana/dashboards/<uid>.json` (relative to dist/<env>/),
 * keys sorted, so output is byte-stable; `dashboardJson(d)` is that file content. The charts turn each file into a ConfigMap labelled
 * `grafana_dashboard: "1"` with the folder annotation.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { MonitoringConfig } from '../contract/config/index.js';
import { FileTree } from '../stacks/output/file-tree.js';
import { sortKeys, toJson } from '../contract/serialize.js';
import { agencyDashboard } from './agency.js';
import { businessDashboard } from './business.js';
import { FOLDERS } from '../contract/dashboards.js';
import { errorsDashboard } from './errors.js';
import { logsDashboard } from './logs.js';
import { mainDashboard } from './main.js';
import { performanceDashboard } from './performance.js';
import { systemDashboard } from './system.js';

export { COMMON_TAG, DASHBOARD_UIDS, DATASOURCE_UIDS, DATASOURCE_VARIABLES, FOLDERS } from '../contract/dashboards.js';

export interface GrafanaDashboard {
  uid: string;
  title: string;
  folder: string;
  json: dashboard.Dashboard;
}

/** Every dashboard with its folder, in the order they appear in the dashboard list. */
const DASHBOARDS: readonly { folder: string; build: (config: MonitoringConfig) => dashboard.Dashboard }[] = [
  { folder: FOLDERS.operations, build: mainDashboard },
  { folder: FOLDERS.operations, build: systemDashboard },
  { folder: FOLDERS.operations, build: performanceDashboard },
  { folder: FOLDERS.operations, build: errorsDashboard },
  { folder: FOLDERS.operations, build: logsDashboard },
  { folder: FOLDERS.business, build: businessDashboard },
  { folder: FOLDERS.business, build: agencyDashboard },
];

export function buildDashboards(config: MonitoringConfig): GrafanaDashboard[] {
  return DASHBOARDS.map(({ folder, build }) => {
    const json = build(config);
    if (!json.uid || !json.title) throw new Error(`a dashboard lacks a uid or title: ${json.uid ?? json.title}`);
    return { uid: json.uid, title: json.title, folder, json };
  });
}

export const dashboardPath = (uid: string): string => `grafana/dashboards/${uid}.json`;

/** The file content of a dashboard (sorted keys, pretty, trailing newline): use it for ConfigMaps too, so both match byte for byte. */
export const dashboardJson = (d: GrafanaDashboard): string => toJson(sortKeys(d.json));

export function renderDashboards(config: MonitoringConfig): FileTree {
  const tree = new FileTree();
  for (const d of buildDashboards(config)) tree.add(dashboardPath(d.uid), dashboardJson(d));
  return tree;
}
