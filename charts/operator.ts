/**
 * Profile `operator`: the add-on for clusters that already run kube-prometheus-stack. Only what
 * its Prometheus, Alertmanager and Grafana pick up: PrometheusRule, ServiceMonitors,
 * AlertmanagerConfig and dashboard ConfigMaps, labelled with the selectors a default install uses.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { AlertmanagerArtifact, AlertmanagerConfig, Route } from '../contract/alertmanager.js';
import { ALERTS, STACK_ALERTS } from '../contract/alerts.js';
import { EXPORTER, SMS_BRIDGE } from '../contract/components.js';
import type { DashboardArtifact } from '../contract/dashboards.js';
import { isAlertingRule, type RuleGroup } from '../contract/rules.js';
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
  /** Our Watchdog and alerts on Prometheus and Alertmanager, off when kube-prometheus-stack's default rules have their own. */
  stackAlerts: boolean;
  /** The SMS bridge runs (and is scraped). */
  smsBridge: boolean;
}

const releaseLabels = (props: OperatorProps): Record<string, string> => ({ release: props.releaseLabel });
const STACK_ALERT_NAMES: ReadonlySet<string> = new Set(STACK_ALERTS.map((k) => ALERTS[k]));

/**
 * The rule groups as the operator profile ships them. Every alert carries `namespace: <ours>`: the
 * Prometheus Operator routes an AlertmanagerConfig only alerts whose `namespace` label is the
 * AlertmanagerConfig's namespace (its default `alertmanagerConfigMatcherStrategy: OnNamespace`),
 * and many of ours have none (aggregated away: API, SLO, Watchdog) or another one (the app's
 * namespace). A rule label overrides the series' label, so every alert reaches our routes without a
 * cluster-wide change to the operator's strategy (docs/operators.md). Without `stackAlerts`, the
 * alerts kube-prometheus-stack already has are left out.
 */
export function operatorRuleGroups(groups: readonly RuleGroup[], namespace: string, stackAlerts: boolean): RuleGroup[] {
  return groups
    .map((g) => ({
      ...g,
      rules: g.rules
        .filter((r) => stackAlerts || !isAlertingRule(r) || !STACK_ALERT_NAMES.has(r.alert))
        .map((r) => (isAlertingRule(r) ? { ...r, labels: { ...r.labels, namespace } } : r)),
    }))
    .filter((g) => g.rules.length > 0);
}

const selectsOnly = (route: Route, alert: string): boolean => (route.matchers ?? []).some((m) => m.name === 'alertname' && m.matchType === '=' && m.value === alert);

/** The routing tree for the operator profile: without our Watchdog, its route and the receivers nothing routes to are left out. */
export function operatorAlertmanagerConfig(config: AlertmanagerConfig, stackAlerts: boolean): AlertmanagerConfig {
  if (stackAlerts) return config;
  const routes = (config.route.routes ?? []).filter((r) => !selectsOnly(r, ALERTS.watchdog));
  const used = new Set<string>();
  const collect = (r: Route): void => {
    if (r.receiver) used.add(r.receiver);
    (r.routes ?? []).forEach(collect);
  };
  collect({ ...config.route, routes });
  return { ...config, route: { ...config.route, routes }, receivers: config.receivers.filter((r) => used.has(r.name)) };
}

export class OperatorPrometheusChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, props: OperatorProps & { ruleGroups: readonly RuleGroup[] }) {
    super(scope, id, { disableResourceNameHashes: true });
    const ns = ctx.namespace;
    const labels = releaseLabels(props);
    const groups = operatorRuleGroups(props.ruleGroups, ns, props.stackAlerts);
    if (groups.length > 0) {
      emit(this, 'rules', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: meta(ctx, 'prometheus-rules', 'immigration-ai', ns, { labels }),
        spec: { groups },
      });
    }
    // One endpoint per Service; the job label is the contract with the alert rules.
    const monitor = (id: string, name: string, target: { namespace: string; labels: Record<string, string>; port: string; job: string }): void => {
      emit(this, id, {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: meta(ctx, name, name, ns, { labels }),
        spec: {
          namespaceSelector: { matchNames: [target.namespace] },
          selector: { matchLabels: target.labels },
          endpoints: [{ port: target.port, path: '/metrics', interval: `${props.scrapeIntervalSeconds}s`, relabelings: [{ targetLabel: 'job', replacement: target.job }] }],
        },
      });
    };
    monitor('exporter', EXPORTER.name, { namespace: ns, labels: selectorLabels(EXPORTER.name), port: EXPORTER.portName, job: JOBS.exporter });
    if (props.smsBridge) monitor('sms-bridge', SMS_BRIDGE.name, { namespace: ns, labels: selectorLabels(SMS_BRIDGE.name), port: SMS_BRIDGE.portName, job: JOBS.smsBridge });
    monitor('app', JOBS.app, { namespace: props.appNamespace, labels: { 'app.kubernetes.io/name': JOBS.app }, port: 'http-metrics', job: JOBS.app });
  }
}

export class OperatorAlertmanagerChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, props: OperatorProps & { alertmanager: AlertmanagerArtifact }) {
    super(scope, id, { disableResourceNameHashes: true });
    emit(this, 'config', {
      apiVersion: 'monitoring.coreos.com/v1alpha1',
      kind: 'AlertmanagerConfig',
      metadata: meta(ctx, 'alertmanager', 'immigration-ai', ctx.namespace, { labels: releaseLabels(props) }),
      spec: toAlertmanagerConfigSpec(operatorAlertmanagerConfig(props.alertmanager.config, props.stackAlerts), ctx.namespace),
    });
  }
}

export class OperatorDashboardsChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, dashboards: readonly DashboardArtifact[]) {
    super(scope, id, { disableResourceNameHashes: true });
    emitDashboardConfigMaps(this, ctx, dashboards);
  }
}
