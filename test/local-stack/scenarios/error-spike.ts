import { ALERTS } from '../../../contract/alerts.js';
import { faultScenario, PAGE } from './fault-scenario.js';
import { releasedWarningOnce, warningTwinInhibited } from './warning-twin.js';

const ERROR_RATE = ALERTS.endpointErrorRateHigh;

export const ERROR_SPIKE_RATIO = 0.12;

export const errorSpike = faultScenario({
  name: 'error-spike',
  description: `the demo app answers ${ERROR_SPIKE_RATIO * 100}% of one busy route's requests with 5xx`,
  alert: ERROR_RATE,
  severity: 'critical',
  receiver: 'critical',
  forSeconds: (t) => t.criticalForSeconds,
  expected: PAGE,
  inject: (ctx) => ctx.stack.app.setFault({ ...ctx.stack.app.faultRoute, errorRatio: ERROR_SPIKE_RATIO }),
  revert: (ctx) => ctx.stack.app.clearFaults(),
  // The warning of the same alert becomes true too (12% > 5%); the critical must inhibit it.
  whileFiring: (ctx, since) => warningTwinInhibited(ctx, since, ERROR_RATE),
  afterRevert: (ctx, since, revertedAt, problems, notes) => releasedWarningOnce(ctx, since, revertedAt, problems, notes, ERROR_RATE),
});
