import type { MonitoringConfig } from '../contract/config/index.js';
import { apiAlertsGroup } from './api-alerts.js';
import { httpRecordingGroup } from './http-recording.js';
import { metaAlertsGroup } from './meta-alerts.js';
import { platformAlertsGroup } from './platform-alerts.js';
import { computeAlertsGroup, storageAlertsGroup } from './resource-alerts.js';
import { resourceRecordingGroup } from './resource-recording.js';
import { apiSlos, sloGroup } from './slo.js';
import { isAlertingRule, type AlertingRule, type RuleGroup } from '../contract/rules.js';

/** Every rule group of an environment, in evaluation-independent order (groups run in parallel). */
export function buildRuleGroups(config: MonitoringConfig): RuleGroup[] {
  return [
    httpRecordingGroup(config),
    apiAlertsGroup(config),
    platformAlertsGroup(config),
    resourceRecordingGroup(config),
    computeAlertsGroup(config),
    storageAlertsGroup(config),
    metaAlertsGroup(config),
    ...apiSlos(config).map((slo) => sloGroup(config, slo)),
  ];
}

/** Every alerting rule of an environment. */
export const alertingRules = (config: MonitoringConfig): AlertingRule[] => buildRuleGroups(config).flatMap((g) => g.rules.filter(isAlertingRule));
