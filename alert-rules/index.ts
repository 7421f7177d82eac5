/** Prometheus rules, Alertmanager routing and runbooks, all generated from the typed config. */
export * from '../contract/rule-types.js';
export { RECORDED, RECORDED_NAMES, type RecordedKey } from '../contract/recording-rules.js';
export { buildRuleGroups, alertingRules, renderPrometheusRules, ruleFileName } from './rule-groups.js';
export { renderRunbooks } from './runbooks.js';
export { RUNBOOK_CONTENT } from './runbook-content.js';
export {
  buildAlertmanagerConfig,
  renderAlertmanager,
  alertmanagerSecretRefs,
  secretPath,
  groupIntervalSeconds,
  RECEIVERS,
  INHIBIT_EQUAL_LABELS,
  DEFAULT_ALERTMANAGER_PATHS,
  type AlertmanagerPaths,
} from './alertmanager.js';
export { BURN_WINDOWS, SLO_WINDOWS, apiSlos } from './slo.js';
export { promDuration } from '../contract/duration.js';
export { lintRuleGroups, MAX_RULES_PER_GROUP } from './lint.js';
