import { ALERTS } from '../../../contract/alerts.js';
import { faultScenario, PAGE, startDatabase, stopDatabase } from './fault-scenario.js';
import { waitInAlertmanagers } from './observe.js';
import type { ScenarioContext } from './types.js';

const DATABASE_DOWN = ALERTS.databaseDown;

export const alertmanagerFailover = faultScenario({
  name: 'alertmanager-failover',
  description: 'PostgreSQL is stopped and the Alertmanager replica that would notify first is killed',
  alert: DATABASE_DOWN,
  severity: 'critical',
  receiver: 'critical',
  forSeconds: (t) => t.criticalForSeconds,
  expected: PAGE,
  // Prometheus cannot reach the killed replica: its notification-error alert is right to fire.
  allowedOthers: [ALERTS.prometheusNotificationsFailing],
  inject: stopDatabase,
  revert: startDatabase,
  async before(ctx) {
    const order = await ctx.stack.alertmanagerOrder();
    (ctx as FailoverContext).victim = order[0];
    return async () => {
      const victim = (ctx as FailoverContext).victim;
      if (victim === undefined || ctx.stack.alertmanagers[victim].running) return;
      ctx.log(`alertmanager-failover: restarting alertmanager-${victim}`);
      await ctx.stack.restartAlertmanager(victim);
      // The cluster must settle with all replicas again; the restarted one gets the Watchdog at
      // Prometheus' next resend (up to a minute), which the others cover meanwhile.
      await ctx.stack.waitHealthy(120_000, { watchdogOn: ctx.stack.alertmanagers.map((_, i) => i).filter((i) => i !== victim) });
    };
  },
  async afterInject(ctx, notes) {
    const victim = (ctx as FailoverContext).victim as number;
    // Kill it once it holds the alert, before group_wait ends: the page is now its to send.
    await waitInAlertmanagers(ctx.stack, DATABASE_DOWN, 'any', 120_000);
    await ctx.stack.killAlertmanager(victim);
    notes.push(`killed alertmanager-${victim} (first in notification order) while it held ${DATABASE_DOWN}`);
    ctx.log(`alertmanager-failover: killed alertmanager-${victim}`);
  },
});

interface FailoverContext extends ScenarioContext {
  victim?: number;
}
