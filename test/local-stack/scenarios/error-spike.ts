import { ALERTS } from '../../../contract/alerts.js';
import { type Delivery, deliveriesSince } from '../deliveries.js';
import { alertmanagerAlerts } from '../servers.js';
import { waitFor } from '../wait.js';
import { faultScenario, PAGE } from './fault-scenario.js';
import { countDeliveries, duplicateWindowMs, observeUntil, of, waitFiringInPrometheus, waitInAlertmanagers } from './observe.js';

const ERROR_RATE = ALERTS.endpointErrorRateHigh;

export const ERROR_SPIKE_RATIO = 0.12;

export const errorSpike = faultScenario({
  name: 'error-spike',
  description: `the demo app answers ${ERROR_SPIKE_RATIO * 100}% of one route's requests with 5xx`,
  alert: ERROR_RATE,
  severity: 'critical',
  receiver: 'critical',
  forSeconds: (t) => t.criticalForSeconds,
  expected: PAGE,
  inject: (ctx) => ctx.stack.app.setFault({ ...ctx.stack.app.faultRoute, errorRatio: ERROR_SPIKE_RATIO }),
  revert: (ctx) => ctx.stack.app.clearFaults(),
  async whileFiring(ctx, since) {
    // The warning of the same alert becomes true too (12% > 5%); the critical must inhibit it.
    const deadline = (ctx.timing.warningForSeconds * 3 + 90) * 1000;
    await waitFiringInPrometheus(ctx.stack, ERROR_RATE, 'warning', deadline);
    await waitInAlertmanagers(ctx.stack, ERROR_RATE, 'any', deadline);
    const warnings = async (): Promise<boolean> => {
      for (const [i, am] of ctx.stack.alertmanagers.entries()) {
        if (!am.running) continue;
        const w = (await alertmanagerAlerts(ctx.stack.alertmanagerUrls[i])).find((a) => a.labels.alertname === ERROR_RATE && a.labels.severity === 'warning');
        if (!w || w.status.inhibitedBy.length === 0) return false;
      }
      return true;
    };
    await waitFor(warnings, { timeoutMs: deadline, what: `the warning ${ERROR_RATE} to be inhibited on every Alertmanager` });
    // Give the inhibited warning the time its route would need to be sent, and prove it was not.
    await observeUntil(Date.now(), (ctx.timing.routes.warning.groupWaitSeconds + ctx.timing.peerTimeoutSeconds * ctx.stack.alertmanagers.length + 2) * 1000);
    const leaked = of(deliveriesSince(ctx.stack.topology, since), ERROR_RATE, 'warning');
    return leaked.map((d) => `the inhibited warning ${ERROR_RATE} reached ${d.channel} while the critical was firing`);
  },
  /**
   * Known behaviour of these rules (reported, see docs/on-call.md): once the fault is gone the error ratio
   * drains through the rate window, passing 10% (the critical resolves) before 5% (the warning
   * resolves). For those seconds the warning is no longer inhibited, and Alertmanager may send it
   * (then its resolution). Accepted only in that shape: after the critical's resolution, at most
   * once per channel, each followed by its resolved notification.
   */
  async afterRevert(ctx, since, revertedAt, problems, notes) {
    const warnings = (): Delivery[] => of(deliveriesSince(ctx.stack.topology, since), ERROR_RATE, 'warning');
    const firing = warnings().filter((d) => d.status === 'firing');
    if (firing.length === 0) return [];
    const channels = [...new Set(firing.map((d) => d.channel))];
    await waitFor(() => channels.every((ch) => warnings().some((d) => d.channel === ch && d.status === 'resolved')), {
      timeoutMs: 60_000,
      what: `the resolution of the warning ${ERROR_RATE} released by the critical's resolution`,
    });
    await observeUntil(Date.now(), duplicateWindowMs(ctx));
    const tail = warnings();
    for (const ch of channels) {
      const c = countDeliveries(tail.filter((d) => d.channel === ch))[ch];
      if (c.firing !== 1 || c.resolved !== 1) problems.push(`the released warning reached ${ch} ${c.firing} time(s) firing and ${c.resolved} resolved (expected once each)`);
    }
    // Its group flushes on its own timer, so it may precede the critical's resolved notification
    // by a moment; but never the revert: while the fault held, it was inhibited (see whileFiring).
    for (const d of tail) if (d.t < revertedAt) problems.push(`the warning ${ERROR_RATE} reached ${d.channel} before the fault was taken back`);
    notes.push(`as the error ratio drained through the 5-10% band after the revert, the warning was released once the critical resolved: ${tail.length} notification(s) on ${channels.join(', ')}`);
    return tail;
  },
});
