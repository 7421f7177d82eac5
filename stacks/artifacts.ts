/**
 * What the generators make for one environment, as typed objects: the alert and recording rules,
 * the Alertmanager routing tree and the dashboards. Charts embed them; synth writes them as files.
 */
import { buildAlertmanager, buildRuleGroups } from '../alert-rules/index.js';
import type { AlertmanagerArtifact } from '../contract/alertmanager.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import type { DashboardArtifact } from '../contract/dashboards.js';
import type { RuleGroup } from '../contract/rules.js';
import { buildDashboards } from '../dashboards/index.js';

export interface Artifacts {
  ruleGroups: RuleGroup[];
  alertmanager: AlertmanagerArtifact;
  dashboards: DashboardArtifact[];
}

export function generateArtifacts(config: MonitoringConfig): Artifacts {
  return { ruleGroups: buildRuleGroups(config), alertmanager: buildAlertmanager(config), dashboards: buildDashboards(config) };
}
