import { App, type Chart } from 'cdk8s';
import { ExporterConfigChart } from '../charts/exporter-config.js';
import { NamespaceChart } from '../charts/namespace.js';
import type { MonitoringConfig } from './config/index.js';
import { FileTree } from './output/file-tree.js';
import { toYaml, toYamlStream } from './output/serialize.js';

/** Composes the environment's cdk8s charts; each chart becomes one file under k8s/. */
export function composeCharts(config: MonitoringConfig): Chart[] {
  const app = new App();
  const charts: Chart[] = [new NamespaceChart(app, 'namespace', config)];
  if (!config.monitoringEnabled) return charts;
  charts.push(new ExporterConfigChart(app, 'exporter-config', config));
  return charts;
}

/** Renders charts to `k8s/<chart>.yaml` plus a kustomization.yaml listing them (for `kubectl apply -k`). */
export function renderKubernetes(charts: readonly Chart[]): FileTree {
  const tree = new FileTree();
  const resources: string[] = [];
  for (const chart of charts) {
    const path = `k8s/${chart.node.id}.yaml`;
    tree.add(path, toYamlStream(chart.toJson()));
    resources.push(path);
  }
  tree.add(
    'kustomization.yaml',
    toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: resources.sort() }),
  );
  return tree;
}
