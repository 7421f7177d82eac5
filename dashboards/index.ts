/**
 * The dashboard generator: one `DashboardArtifact` per Grafana dashboard ({ uid, title, folder,
 * model }), built with grafana-foundation-sdk from the typed config. `model` is the classic
 * dashboard JSON Grafana imports; synth writes it to `grafana/dashboards/<uid>.json` and the charts
 * embed the same bytes (contract/dashboards.ts `dashboardText`) in ConfigMaps.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { MonitoringConfig } from '../contract/config/index.js';
import { type DashboardArtifact, FOLDERS } from '../contract/dashboards.js';
import { agencyDashboard } from './agency.js';
import { businessDashboard } from './business.js';
import { errorsDashboard } from './errors.js';
import { logsDashboard } from './logs.js';
import { mainDashboard } from './main.js';
import { performanceDashboard } from './performance.js';
import { systemDashboard } from './system.js';

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

export function buildDashboards(config: MonitoringConfig): DashboardArtifact[] {
  return DASHBOARDS.map(({ folder, build }) => {
    const model = build(config);
    if (!model.uid || !model.title) throw new Error(`a dashboard lacks a uid or title: ${model.uid ?? model.title}`);
    return { uid: model.uid, title: model.title, folder, model };
  });
}
