import { ALERTS } from '../../../contract/alerts.js';
import { faultScenario, WARN } from './fault-scenario.js';

export const SLOW_API_DELAY_MS = 2200;

export const slowApi = faultScenario({
  name: 'slow-api',
  description: `one route of the demo app answers in ${SLOW_API_DELAY_MS} ms`,
  alert: ALERTS.apiSlow,
  severity: 'warning',
  receiver: 'warning',
  forSeconds: (t) => t.warningForSeconds,
  expected: WARN,
  inject: (ctx) => ctx.stack.app.setFault({ ...ctx.stack.app.faultRoute, delayMs: SLOW_API_DELAY_MS }),
  revert: (ctx) => ctx.stack.app.clearFaults(),
});
