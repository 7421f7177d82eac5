/**
 * Typed Prometheus rule groups, as plain objects in the shape of a rules file (and of the
 * PrometheusRule CRD's spec.groups), so the same value renders to YAML or to a CRD.
 */

import type { Severity } from './alerts.js';
import { type TextFile, toYaml } from './serialize.js';

export { SEVERITIES, type Severity } from './alerts.js';

export interface AlertingRule {
  alert: string;
  expr: string;
  /** Prometheus duration, e.g. `1m`, `15m`. */
  for?: string;
  labels: { severity: Severity } & Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string } & Record<string, string>;
}

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export type Rule = AlertingRule | RecordingRule;

export interface RuleGroup {
  name: string;
  /** Prometheus duration; omitted means the global evaluation_interval. */
  interval?: string;
  rules: Rule[];
}

export const isAlertingRule = (r: Rule): r is AlertingRule => 'alert' in r;
export const isRecordingRule = (r: Rule): r is RecordingRule => 'record' in r;

/** `immigration-ai-http.rules` -> `immigration-ai-http.yaml`. */
export const ruleFileName = (group: RuleGroup): string => `${group.name.replace(/\.rules$|\.alerts$/, '')}.yaml`;

/** One Prometheus rules file per group (names relative to `prometheus/rules/`), the same bytes on disk and in the ConfigMap. */
export function ruleFiles(groups: readonly RuleGroup[]): TextFile[] {
  return groups.map((group) => ({ name: ruleFileName(group), text: toYaml({ groups: [group] }) }));
}
