import { type AlertName, runbookUrl } from '../contract/alerts.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { type PanelKey, panelUrl } from '../contract/dashboards.js';
import { promDuration } from '../contract/duration.js';
import type { AlertingRule, Severity } from '../contract/rules.js';

export interface AlertSpec {
  alert: AlertName;
  severity: Severity;
  expr: string;
  /** Defaults by severity: critical -> alerting.criticalForSeconds, warning -> warningForSeconds, else 0. */
  forSeconds?: number;
  /** Static, ends with a period. */
  summary: string;
  /** Templated: carries the offending value and labels. */
  description: string;
  /** The panel that explains the alert: `dashboard_url` opens it (`viewPanel`). */
  panel?: PanelKey;
  /** Dashboard variables set from the alert's labels (variable -> label); only labels every alert of the rule carries. */
  panelVariables?: Record<string, string>;
  labels?: Record<string, string>;
}

/** One alerting rule with the conventions every alert shares: severity, `for` from config, runbook and dashboard links. */
export function alertRule(config: MonitoringConfig, spec: AlertSpec): AlertingRule {
  const forSeconds =
    spec.forSeconds ??
    (spec.severity === 'critical' ? config.alerting.criticalForSeconds : spec.severity === 'warning' ? config.alerting.warningForSeconds : 0);
  const rule: AlertingRule = {
    alert: spec.alert,
    expr: spec.expr,
    ...(forSeconds > 0 ? { for: promDuration(forSeconds) } : {}),
    labels: { ...spec.labels, severity: spec.severity },
    annotations: {
      summary: spec.summary,
      description: spec.description,
      runbook_url: runbookUrl(config.links.runbookBaseUrl, spec.alert),
      ...(spec.panel ? { dashboard_url: panelUrl(config.links.grafanaUrl, spec.panel, labelVariables(spec.panelVariables ?? {})) } : {}),
    },
  };
  return rule;
}

/**
 * Variable values as Go templates over the alert's labels, URL-escaped by Prometheus' template
 * engine when the annotation is expanded (`/api/cases/:id` -> `%2Fapi%2Fcases%2F%3Aid`).
 */
export function labelVariables(variables: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(variables).map(([name, label]) => [name, `{{ $labels.${label} | urlquery }}`]));
}
