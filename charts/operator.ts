/**
 * Profile `operator`: the add-on for clusters that already run kube-prometheus-stack. Only what
 * its Prometheus, Alertmanager and Grafana pick up: PrometheusRule, ServiceMonitors,
 * AlertmanagerConfig and dashboard ConfigMaps, labelled with the selectors a default install uses.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { Artifacts } from '../stacks/artifacts.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { toAlertmanagerConfigSpec } from './alertmanager-crd.js';
import { emitDashboardConfigMaps } from './grafana.js';
import { selectorLabels } from './labels.js';
import { JOBS } from './files/prometheus-yml.js';
import { EXPORTER } from './topology.js';
import { emit, meta } from './workload.js';

/** kube-prometheus-stack selects ServiceMonitors and PrometheusRules with `release: <Helm release name>`. */
export const releaseLabel = (config: MonitoringConfig): Record<string, string> => ({ release: config.kubernetes.operatorReleaseLabel });

export class OperatorPrometheusChart extends Chart {
  constructor(scope: Construct, id: string, config: MonitoringConfig, artifacts: Artifacts) {
    super(scope, id, { disableResourceNameHashes: true });
    const ns = config.namespace;
    const labels = releaseLabel(config);
    if (artifacts.ruleGroups.length > 0) {
      emit(this, 'rules', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: meta(config, 'prometheus-rules', 'immigration-ai', ns, { labels }),
        spec: { groups: artifacts.ruleGroups },
      });
    }
    const interval = `${config.scrapeIntervalSeconds}s`;
    emit(this, 'exporter', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: meta(config, EXPORTER.name, EXPORTER.name, ns, { labels }),
      spec: {
        namespaceSelector: { matchNames: [ns] },
        selector: { matchLabels: selectorLabels(EXPORTER.name) },
        // The job label is the contract with the alert rules.
        endpoints: [{ port: EXPORTER.portName, path: '/metrics', interval, relabelings: [{ targetLabel: 'job', replacement: JOBS.exporter }] }],
      },
    });
    emit(this, 'app', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: meta(config, JOBS.app, JOBS.app, ns, { labels }),
      spec: {
        namespaceSelector: { matchNames: [config.kubernetes.appNamespace] },
        selector: { matchLabels: { 'app.kubernetes.io/name': JOBS.app } },
        endpoints: [{ port: 'http-metrics', path: '/metrics', interval, relabelings: [{ targetLabel: 'job', replacement: JOBS.app }] }],
      },
    });
  }
}

export class OperatorAlertmanagerChart extends Chart {
  constructor(scope: Construct, id: string, config: MonitoringConfig, artifacts: Artifacts) {
    super(scope, id, { disableResourceNameHashes: true });
    emit(this, 'config', {
      apiVersion: 'monitoring.coreos.com/v1alpha1',
      kind: 'AlertmanagerConfig',
      metadata: meta(config, 'alertmanager', 'immigration-ai', config.namespace, { labels: releaseLabel(config) }),
      spec: toAlertmanagerConfigSpec(artifacts.alertmanagerConfig, config.namespace),
    });
  }
}

export class OperatorDashboardsChart extends Chart {
  constructor(scope: Construct, id: string, config: MonitoringConfig, artifacts: Artifacts) {
    super(scope, id, { disableResourceNameHashes: true });
    emitDashboardConfigMaps(this, config, artifacts.dashboards);
  }
}
