/**
 * The alerting generator: Prometheus rule groups, the Alertmanager routing tree and the runbooks,
 * all from the typed config, as typed objects (rendered by stacks/ and charts/ through contract/).
 */
export { buildRuleGroups, alertingRules } from './rule-groups.js';
export { buildRunbooks } from './runbooks.js';
export { RUNBOOK_CONTENT, type RunbookContent } from './runbook-content.js';
export { buildAlertmanager, buildAlertmanagerConfig, groupIntervalSeconds, RECEIVERS, INHIBIT_EQUAL_LABELS } from './alertmanager.js';
export { BURN_WINDOWS, SLO_WINDOWS, apiSlos } from './slo.js';
export { lintRuleGroups, MAX_RULES_PER_GROUP } from './lint.js';
