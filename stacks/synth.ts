/**
 * The synth root: loads the configuration, runs the generators, composes the charts and renders
 * every artifact to text, here and only here. Data flows one way:
 * config/contract -> rules, routing, dashboards -> charts -> files.
 */
import { buildRunbooks } from '../alert-rules/index.js';
import { buildPlainPrometheusConfig } from '../charts/files/prometheus-yml.js';
import { alertmanagerFiles } from '../contract/alertmanager.js';
import { ConfigError, type ConfigProblem, ENVIRONMENT_NAMES, loadConfig, type MonitoringConfig } from '../contract/config/index.js';
import { dashboardText } from '../contract/dashboards.js';
import { ruleFiles } from '../contract/rules.js';
import { toYaml } from '../contract/serialize.js';
import { generateArtifacts } from './artifacts.js';
import { composeCharts, composeOperatorCharts, composeVerifyHook, prometheusGlobals, renderKubernetes } from './kubernetes.js';
import { FileTree } from './output/file-tree.js';

/** Everything generated for one environment, as files relative to dist/<env>/. */
export function synthesizeEnvironment(config: MonitoringConfig): FileTree {
  const tree = new FileTree();
  const artifacts = generateArtifacts(config);
  tree.mount('', renderKubernetes(composeCharts(config, artifacts)));
  if (!config.monitoringEnabled) return tree;
  tree.mount('', renderKubernetes(composeOperatorCharts(config, artifacts), 'operator'));
  // Its own folder: applied with each release of the app (Argo CD hook, Flux), never with the stack.
  tree.mount('', renderKubernetes(composeVerifyHook(config), 'verify-deployment'));
  // Plain files for VM users (and reviewers): the same rules, routing and dashboards.
  const remoteWrite = config.kubernetes.remoteWrite;
  tree.add('prometheus/prometheus.yml', toYaml(buildPlainPrometheusConfig(prometheusGlobals(config), remoteWrite.enabled ? remoteWrite.url : undefined)));
  for (const f of ruleFiles(artifacts.ruleGroups)) tree.add(`prometheus/rules/${f.name}`, f.text);
  for (const f of alertmanagerFiles(artifacts.alertmanager)) tree.add(`alertmanager/${f.name}`, f.text);
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
  for (const page of buildRunbooks(configs)) tree.add(`runbooks/${page.name}`, page.text);
  return tree;
}
