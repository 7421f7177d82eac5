/**
 * A critical alert and its warning twin (same alert name, same labels, a lower threshold): while
 * the critical fires, the warning must fire too and stay inhibited on every Alertmanager; after
 * the fault is taken back, a ratio draining through the band between the two thresholds may
 * release the warning once. Shared by the scenarios on error ratios.
 */
import { type Delivery, deliveriesSince } from '../deliveries.js';
import { alertmanagerAlerts } from '../servers.js';
import { waitFor } from '../wait.js';
import { countDeliveries, duplicateWindowMs, observeUntil, of, waitFiringInPrometheus, waitInAlertmanagers } from './observe.js';
import type { ScenarioContext } from './types.js';

/** Waits for the warning twin to fire and be inhibited everywhere, then proves it reached nobody. */
export async function warningTwinInhibited(ctx: ScenarioContext, since: number, alert: string): Promise<string[]> {
  const deadline = (ctx.timing.warningForSeconds * 3 + 90) * 1000;
  await waitFiringInPrometheus(ctx.stack, alert, 'warning', deadline);
  await waitInAlertmanagers(ctx.stack, alert, 'any', deadline);
  const inhibited = async (): Promise<boolean> => {
    for (const [i, am] of ctx.stack.alertmanagers.entries()) {
      if (!am.running) continue;
      const w = (await alertmanagerAlerts(ctx.stack.alertmanagerUrls[i])).find((a) => a.labels.alertname === alert && a.labels.severity === 'warning');
      if (!w || w.status.inhibitedBy.length === 0) return false;
    }
    return true;
  };
  await waitFor(inhibited, { timeoutMs: deadline, what: `the warning ${alert} to be inhibited on every Alertmanager` });
  // Give the inhibited warning the time its route would need to be sent, and prove it was not.
  await observeUntil(Date.now(), (ctx.timing.routes.warning.groupWaitSeconds + ctx.timing.peerTimeoutSeconds * ctx.stack.alertmanagers.length + 2) * 1000);
  const leaked = of(deliveriesSince(ctx.stack.topology, since), alert, 'warning');
  return leaked.map((d) => `the inhibited warning ${alert} reached ${d.channel} while the critical was firing`);
}

/**
 * Known behaviour of these rules (docs/on-call.md): once the fault is gone the ratio drains
 * through the rate window and may pass the critical threshold (the critical resolves) before the
 * warning's. For those seconds the warning is no longer inhibited, and Alertmanager may send it
 * (then its resolution). Accepted only in that shape: after the critical's resolution, at most
 * once per channel, each followed by its resolved notification. Returns the deliveries accounted for.
 */
export async function releasedWarningOnce(ctx: ScenarioContext, since: number, revertedAt: number, problems: string[], notes: string[], alert: string): Promise<Delivery[]> {
  const warnings = (): Delivery[] => of(deliveriesSince(ctx.stack.topology, since), alert, 'warning');
  const firing = warnings().filter((d) => d.status === 'firing');
  if (firing.length === 0) return [];
  const channels = [...new Set(firing.map((d) => d.channel))];
  await waitFor(() => channels.every((ch) => warnings().some((d) => d.channel === ch && d.status === 'resolved')), {
    timeoutMs: 60_000,
    what: `the resolution of the warning ${alert} released by the critical's resolution`,
  });
  await observeUntil(Date.now(), duplicateWindowMs(ctx));
  const tail = warnings();
  for (const ch of channels) {
    const c = countDeliveries(tail.filter((d) => d.channel === ch))[ch];
    if (c.firing !== 1 || c.resolved !== 1) problems.push(`the released warning reached ${ch} ${c.firing} time(s) firing and ${c.resolved} resolved (expected once each)`);
  }
  // Its group flushes on its own timer, so it may precede the critical's resolved notification
  // by a moment; but never the revert: while the fault held, it was inhibited (see warningTwinInhibited).
  for (const d of tail) if (d.t < revertedAt) problems.push(`the warning ${alert} reached ${d.channel} before the fault was taken back`);
  notes.push(`as the ratio drained through the band between the thresholds after the revert, the warning was released once the critical resolved: ${tail.length} notification(s) on ${channels.join(', ')}`);
  return tail;
}
