import { App, type Chart } from 'cdk8s';
import { AlertmanagerChart } from '../charts/alertmanager.js';
import { AlloyChart } from '../charts/alloy.js';
import { ExporterConfigChart } from '../charts/exporter-config.js';
import { ExporterChart } from '../charts/exporter.js';
import { GrafanaChart } from '../charts/grafana.js';
import { LokiChart } from '../charts/loki.js';
import { ReportsChart } from '../charts/reports.js';
import { SmsBridgeChart } from '../charts/sms-bridge.js';
import { NamespaceChart } from '../charts/namespace.js';
import { NetworkPoliciesChart } from '../charts/network-policies.js';
import { OperatorAlertmanagerChart, OperatorDashboardsChart, OperatorPrometheusChart } from '../charts/operator.js';
import { PrometheusChart } from '../charts/prometheus.js';
import type { Artifacts } from './artifacts.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { FileTree } from './output/file-tree.js';
import { toYaml, toYamlStream } from '../contract/serialize.js';

/** Profile `standalone`: the whole stack. Each chart becomes one file under k8s/. */
export function composeCharts(config: MonitoringConfig, artifacts: Artifacts): Chart[] {
  const app = new App();
  const charts: Chart[] = [new NamespaceChart(app, 'namespace', config)];
  if (!config.monitoringEnabled) return charts;
  charts.push(new ExporterConfigChart(app, 'exporter-config', config));
  charts.push(new PrometheusChart(app, 'prometheus', config, artifacts.rules));
  charts.push(new AlertmanagerChart(app, 'alertmanager', config, artifacts.alertmanager));
  if (config.channels.sms.enabled) charts.push(new SmsBridgeChart(app, 'sms-bridge', config));
  charts.push(new GrafanaChart(app, 'grafana', config, artifacts.dashboards, artifacts.datasourceUids));
  charts.push(new LokiChart(app, 'loki', config));
  charts.push(new AlloyChart(app, 'alloy', config));
  charts.push(new ExporterChart(app, 'exporter', config));
  charts.push(new ReportsChart(app, 'reports', config));
  charts.push(new NetworkPoliciesChart(app, 'network-policies', config));
  return charts;
}

/**
 * Renders charts to `<folder>/<chart>.yaml` plus a kustomization.yaml listing them (for
 * `kubectl apply -k`): at the root for `k8s`, inside the folder for other profiles.
 */
export function renderKubernetes(charts: readonly Chart[], folder = 'k8s'): FileTree {
  const tree = new FileTree();
  const resources: string[] = [];
  const inside = folder !== 'k8s';
  for (const chart of charts) {
    const path = `${folder}/${chart.node.id}.yaml`;
    tree.add(path, toYamlStream(chart.toJson()));
    resources.push(inside ? `${chart.node.id}.yaml` : path);
  }
  tree.add(
    inside ? `${folder}/kustomization.yaml` : 'kustomization.yaml',
    toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: resources.sort() }),
  );
  return tree;
}

/** Profile `operator`: an add-on for clusters that already run kube-prometheus-stack. */
export function composeOperatorCharts(config: MonitoringConfig, artifacts: Artifacts): Chart[] {
  const app = new App();
  const charts: Chart[] = [
    new NamespaceChart(app, 'namespace', config),
    new ExporterConfigChart(app, 'exporter-config', config),
    new ExporterChart(app, 'exporter', config),
    new OperatorPrometheusChart(app, 'prometheus', config, artifacts),
    new OperatorAlertmanagerChart(app, 'alertmanager', config, artifacts),
  ];
  if (config.channels.sms.enabled) charts.push(new SmsBridgeChart(app, 'sms-bridge', config));
  if (artifacts.dashboards.length > 0) charts.push(new OperatorDashboardsChart(app, 'dashboards', config, artifacts));
  return charts;
}
