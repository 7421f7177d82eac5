/**
 * Profile `operator`: the add-on for clusters that already run kube-prometheus-stack. Only what
 * its Prometheus, Alertmanager and Grafana pick up: PrometheusRule, ServiceMonitors,
 * AlertmanagerConfig and dashboard ConfigMaps, labelled with the selectors a default install uses.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { AlertmanagerArtifact } from '../contract/alertmanager.js';
import { EXPORTER } from '../contract/components.js';
import type { DashboardArtifact } from '../contract/dashboards.js';
import type { RuleGroup } from '../contract/rules.js';
import { toAlertmanagerConfigSpec } from './alertmanager-crd.js';
import { JOBS } from './files/prometheus-yml.js';
import { emitDashboardConfigMaps } from './grafana.js';
import { type ChartContext, selectorLabels } from './lib/labels.js';
import { emit, meta } from './lib/workload.js';

export interface OperatorProps {
  /** kube-prometheus-stack selects ServiceMonitors and PrometheusRules with `release: <Helm release name>`. */
  releaseLabel: string;
  appNamespace: string;
  scrapeIntervalSeconds: number;
}

const releaseLabels = (props: OperatorProps): Record<string, string> => ({ release: props.releaseLabel });

export class OperatorPrometheusChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, props: OperatorProps & { ruleGroups: readonly RuleGroup[] }) {
    super(scope, id, { disableResourceNameHashes: true });
    const ns = ctx.namespace;
    const labels = releaseLabels(props);
    if (props.ruleGroups.length > 0) {
      emit(this, 'rules', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: meta(ctx, 'prometheus-rules', 'immigration-ai', ns, { labels }),
        spec: { groups: [...props.ruleGroups] },
      });
    }
    const interval = `${props.scrapeIntervalSeconds}s`;
    emit(this, 'exporter', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: meta(ctx, EXPORTER.name, EXPORTER.name, ns, { labels }),
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
      metadata: meta(ctx, JOBS.app, JOBS.app, ns, { labels }),
      spec: {
        namespaceSelector: { matchNames: [props.appNamespace] },
        selector: { matchLabels: { 'app.kubernetes.io/name': JOBS.app } },
        endpoints: [{ port: 'http-metrics', path: '/metrics', interval, relabelings: [{ targetLabel: 'job', replacement: JOBS.app }] }],
      },
    });
  }
}

export class OperatorAlertmanagerChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, props: OperatorProps & { alertmanager: AlertmanagerArtifact }) {
    super(scope, id, { disableResourceNameHashes: true });
    emit(this, 'config', {
      apiVersion: 'monitoring.coreos.com/v1alpha1',
      kind: 'AlertmanagerConfig',
      metadata: meta(ctx, 'alertmanager', 'immigration-ai', ctx.namespace, { labels: releaseLabels(props) }),
      spec: toAlertmanagerConfigSpec(props.alertmanager.config, ctx.namespace),
    });
  }
}

export class OperatorDashboardsChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, dashboards: readonly DashboardArtifact[]) {
    super(scope, id, { disableResourceNameHashes: true });
    emitDashboardConfigMaps(this, ctx, dashboards);
  }
}
