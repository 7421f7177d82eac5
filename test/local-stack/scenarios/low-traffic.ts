import { ALERTS } from '../../../contract/alerts.js';
import { LOW_TRAFFIC_ROUTE } from '../components.js';
import { faultScenario, PAGE } from './fault-scenario.js';
import { releasedWarningOnce, warningTwinInhibited } from './warning-twin.js';

const ERROR_RATE = ALERTS.endpointErrorRateHigh;

/**
 * Production's quiet endpoint, compressed: one request every 4 s here is 1 a minute there (the local
 * environment runs 15 times faster, see LOW_TRAFFIC_ROUTE), every second one failing. One failure
 * is not a page: the low-traffic guard waits for 5 failures counted in its window (the first
 * failure creates the route's 500 series, which increase() cannot count, so the sixth, about 45 s
 * in here, about 11 minutes in production), then the critical's `for`. The page must come, once.
 */
export const lowTraffic = faultScenario({
  name: 'low-traffic-errors',
  description: `half the requests of a low-traffic route fail (${LOW_TRAFFIC_ROUTE.method} ${LOW_TRAFFIC_ROUTE.route}: 1 request every ${LOW_TRAFFIC_ROUTE.everySeconds} s, production's 1 a minute in compressed time)`,
  alert: ERROR_RATE,
  severity: 'critical',
  receiver: 'critical',
  forSeconds: (t) => t.criticalForSeconds,
  expected: PAGE,
  inject: (ctx) => ctx.stack.app.setFault({ method: LOW_TRAFFIC_ROUTE.method, route: LOW_TRAFFIC_ROUTE.route, errorRatio: 0.5 }),
  revert: (ctx) => ctx.stack.app.clearFaults(),
  whileFiring: (ctx, since) => warningTwinInhibited(ctx, since, ERROR_RATE),
  afterRevert: (ctx, since, revertedAt, problems, notes) => releasedWarningOnce(ctx, since, revertedAt, problems, notes, ERROR_RATE),
});
