import * as alertRules from '../alert-rules/index.js';
import * as dashboards from '../dashboards/index.js';
import { ConfigError, type ConfigProblem, ENVIRONMENT_NAMES, loadConfig, type MonitoringConfig } from '../contract/config/index.js';
import { dashboardText } from '../charts/grafana.js';
import { buildPlainPrometheusConfig } from '../charts/files/prometheus-yml.js';
import { type ArtifactSources, composeArtifacts } from './artifacts.js';
import { composeCharts, composeOperatorCharts, renderKubernetes } from './kubernetes.js';
import { FileTree } from './output/file-tree.js';
import { toYaml } from '../contract/serialize.js';

/** Where the charts' inputs (rules, routing, dashboards) come from; tests may pass other sources. */
export const ARTIFACT_SOURCES: ArtifactSources = { ...alertRules, ...dashboards };

/**
 * Everything generated for one environment, as files relative to dist/<env>/.
 * Data flows one way: config -> catalog/rules/dashboards -> charts -> files.
 */
export function synthesizeEnvironment(config: MonitoringConfig, sources: ArtifactSources = ARTIFACT_SOURCES): FileTree {
  const tree = new FileTree();
  const artifacts = composeArtifacts(config, sources);
  if (!config.monitoringEnabled) {
    tree.mount('', renderKubernetes(composeCharts(config, artifacts)));
    return tree;
  }
  tree.mount('', renderKubernetes(composeCharts(config, artifacts)));
  tree.mount('', renderKubernetes(composeOperatorCharts(config, artifacts), 'operator'));
  // Plain files for VM users (and reviewers): the same rules, routing and dashboards.
  tree.add('prometheus/prometheus.yml', toYaml(buildPlainPrometheusConfig(config)));
  tree.mount('', artifacts.rules);
  tree.mount('', artifacts.alertmanager);
  for (const d of artifacts.dashboards) tree.add(`grafana/dashboards/${d.uid}.json`, dashboardText(d));
  return tree;
}

/** Loads every requested environment's config first, so all problems are reported at once. */
export function loadConfigs(environments: readonly string[], env: NodeJS.ProcessEnv): MonitoringConfig[] {
  const problems: ConfigProblem[] = [];
  const configs: MonitoringConfig[] = [];
  for (const name of environments) {
    try {
      configs.push(loadConfig(name, env));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const p of err.problems) {
        // A bad environment variable breaks every environment alike: report it once, unprefixed.
        const fromVariable = /^[A-Z][A-Z0-9_]*( |$)/.test(p.where);
        const where = fromVariable || environments.length === 1 ? p.where : `[${name}] ${p.where}`;
        if (!problems.some((q) => q.where === where && q.message === p.message)) problems.push({ where, message: p.message });
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return configs;
}

/** The whole dist/ tree: one folder per environment. */
export function synthesize(environments: readonly string[] = ENVIRONMENT_NAMES, env: NodeJS.ProcessEnv = process.env): FileTree {
  const tree = new FileTree();
  const configs = loadConfigs(environments, env);
  for (const config of configs) tree.mount(config.environment, synthesizeEnvironment(config));
  // Runbooks are shared by every environment (alert runbook_url points at dist/runbooks/).
  tree.mount('', alertRules.renderRunbooks(configs));
  return tree;
}
