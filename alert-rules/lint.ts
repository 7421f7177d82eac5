import { SEVERITIES, isAlertingRule, type RuleGroup } from '../contract/rules.js';

/** At most this many rules per group (mixtool's lint bar: small groups evaluate in parallel). */
export const MAX_RULES_PER_GROUP = 20;

const CAMEL_CASE = /^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*$/;
/** `level:metric:operations`, each part snake_case. */
const RECORDING_NAME = /^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$/;

/**
 * The monitoring-mixins conventions mixtool lints for, over typed rule groups. Returns one message
 * per problem (empty when clean).
 */
export function lintRuleGroups(groups: readonly RuleGroup[]): string[] {
  const problems: string[] = [];
  const groupNames = new Set<string>();
  for (const group of groups) {
    if (groupNames.has(group.name)) problems.push(`group ${group.name}: name used twice`);
    groupNames.add(group.name);
    if (group.rules.length > MAX_RULES_PER_GROUP) problems.push(`group ${group.name}: ${group.rules.length} rules, more than ${MAX_RULES_PER_GROUP}`);
    for (const rule of group.rules) {
      if (!isAlertingRule(rule)) {
        if (!RECORDING_NAME.test(rule.record)) problems.push(`${group.name}/${rule.record}: recording rule name is not level:metric:operations`);
        continue;
      }
      const where = `${group.name}/${rule.alert}`;
      const { severity } = rule.labels;
      const { summary, description, runbook_url: runbook } = rule.annotations;
      if (!CAMEL_CASE.test(rule.alert)) problems.push(`${where}: alert name is not CamelCase`);
      if (!SEVERITIES.includes(severity)) problems.push(`${where}: severity "${severity}" is not one of ${SEVERITIES.join(', ')}`);
      if (!summary) problems.push(`${where}: no summary`);
      else {
        if (summary.includes('{{')) problems.push(`${where}: summary must be static (no template)`);
        if (!summary.endsWith('.')) problems.push(`${where}: summary must end with a period`);
      }
      if (!description) problems.push(`${where}: no description`);
      else if (!/\{\{.*\}\}/.test(description)) problems.push(`${where}: description must be templated ({{ $labels }} or {{ $value }})`);
      if (!runbook || !/^https?:\/\/\S+$/.test(runbook)) problems.push(`${where}: runbook_url missing or not a URL`);
    }
  }
  return problems;
}
