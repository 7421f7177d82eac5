/**
 * What the charts embed but do not make: the alert rules and Alertmanager routing (alert-rules/)
 * and the dashboards (dashboards/). The charts take these as inputs so that charts/ never imports
 * alert-rules/ or dashboards/ (data flows one way: config -> rules/dashboards -> charts -> files).
 */
import type { MonitoringConfig } from '../contract/config/index.js';
import { FileTree } from './output/file-tree.js';

/** A Prometheus rule group as in a rules file (`groups[]`). */
export interface RuleGroupLike {
  name: string;
  interval?: string;
  rules: Record<string, unknown>[];
}

export interface DashboardArtifact {
  uid: string;
  title: string;
  folder: string;
  /** The dashboard model (object) or its JSON text. */
  json: unknown;
}

export interface DatasourceUids {
  prometheus: string;
  loki: string;
  alertmanager: string;
}

export interface Artifacts {
  /** `prometheus/rules/*.yaml` */
  rules: FileTree;
  /** The same rules as groups, for PrometheusRule objects (profile operator). */
  ruleGroups: RuleGroupLike[];
  /** `alertmanager/alertmanager.yml` and optionally `alertmanager/templates/*.tmpl` */
  alertmanager: FileTree;
  /** alertmanager.yml as an object, for the AlertmanagerConfig (profile operator). */
  alertmanagerConfig: Record<string, unknown>;
  dashboards: DashboardArtifact[];
  /** The fixed datasource UIDs the dashboards reference. */
  datasourceUids: DatasourceUids;
}

/** The functions alert-rules/index.ts and dashboards/index.ts export; `composeArtifacts` calls them. */
export interface ArtifactSources {
  renderPrometheusRules(config: MonitoringConfig): FileTree;
  buildRuleGroups(config: MonitoringConfig): readonly RuleGroupLike[] | readonly unknown[];
  renderAlertmanager(config: MonitoringConfig): FileTree;
  buildAlertmanagerConfig(config: MonitoringConfig): object;
  buildDashboards(config: MonitoringConfig): readonly { uid: string; title: string; folder?: string; json?: unknown }[];
  DATASOURCE_UIDS: Partial<DatasourceUids> & Record<string, string>;
}

export const DEFAULT_DATASOURCE_UIDS: DatasourceUids = { prometheus: 'prometheus', loki: 'loki', alertmanager: 'alertmanager' };

export function composeArtifacts(config: MonitoringConfig, sources: ArtifactSources): Artifacts {
  return {
    rules: sources.renderPrometheusRules(config),
    ruleGroups: sources.buildRuleGroups(config) as RuleGroupLike[],
    alertmanager: sources.renderAlertmanager(config),
    alertmanagerConfig: sources.buildAlertmanagerConfig(config) as Record<string, unknown>,
    dashboards: sources.buildDashboards(config).map((d) => ({ uid: d.uid, title: d.title, folder: d.folder ?? 'Immigration AI', json: d.json ?? d })),
    datasourceUids: { ...DEFAULT_DATASOURCE_UIDS, ...sources.DATASOURCE_UIDS },
  };
}
