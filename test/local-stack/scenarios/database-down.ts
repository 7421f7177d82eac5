import { ALERTS } from '../../../contract/alerts.js';
import { faultScenario, PAGE, startDatabase, stopDatabase } from './fault-scenario.js';

export const databaseDown = faultScenario({
  name: 'database-down',
  description: 'PostgreSQL is stopped',
  alert: ALERTS.databaseDown,
  severity: 'critical',
  receiver: 'critical',
  forSeconds: (t) => t.criticalForSeconds,
  expected: PAGE,
  inject: stopDatabase,
  revert: startDatabase,
});
