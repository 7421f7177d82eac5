/**
 * The generated artifacts of one environment rendered as synth writes them (paths relative to
 * dist/<env>/), for tests that run the real tools on files.
 */
import { buildAlertmanager, buildAlertmanagerConfig, buildRuleGroups, buildRunbooks } from '../../alert-rules/index.js';
import { type AlertmanagerPaths, alertmanagerFiles, alertmanagerYaml, DEFAULT_ALERTMANAGER_PATHS } from '../../contract/alertmanager.js';
import type { MonitoringConfig } from '../../contract/config/index.js';
import { dashboardText } from '../../contract/dashboards.js';
import { ruleFiles } from '../../contract/rules.js';
import { buildDashboards } from '../../dashboards/index.js';
import { FileTree } from '../../stacks/output/file-tree.js';

export function rulesTree(config: MonitoringConfig): FileTree {
  const tree = new FileTree();
  for (const f of ruleFiles(buildRuleGroups(config))) tree.add(`prometheus/rules/${f.name}`, f.text);
  return tree;
}

export function alertmanagerTree(config: MonitoringConfig, paths: AlertmanagerPaths = DEFAULT_ALERTMANAGER_PATHS): FileTree {
  const tree = new FileTree();
  for (const f of alertmanagerFiles(buildAlertmanager(config), paths)) tree.add(`alertmanager/${f.name}`, f.text);
  return tree;
}

/** alertmanager.yml as the object Alertmanager loads (matchers as text, credentials as file paths). */
export const alertmanagerYamlOf = (config: MonitoringConfig, paths: AlertmanagerPaths = DEFAULT_ALERTMANAGER_PATHS): Record<string, unknown> =>
  alertmanagerYaml(buildAlertmanagerConfig(config), paths);

export function dashboardsTree(config: MonitoringConfig): FileTree {
  const tree = new FileTree();
  for (const d of buildDashboards(config)) tree.add(`grafana/dashboards/${d.uid}.json`, dashboardText(d));
  return tree;
}

export function runbooksTree(configs: MonitoringConfig | readonly MonitoringConfig[]): FileTree {
  const tree = new FileTree();
  for (const page of buildRunbooks(configs)) tree.add(`runbooks/${page.name}`, page.text);
  return tree;
}
