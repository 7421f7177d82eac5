import { ALERTS } from '../../../contract/alerts.js';
import { deliveriesSince } from '../deliveries.js';
import { theoreticalMinimumSeconds } from '../timing.js';
import {
  countDeliveries, duplicateWindowMs, MAINTENANCE_ALERT, observeUntil, of, othersOf, waitFiringInPrometheus, waitGoneFromPrometheus, waitInAlertmanagers,
  waitQuiet, WATCHDOG,
} from './observe.js';
import type { Scenario } from './types.js';

const DATABASE_DOWN = ALERTS.databaseDown;

export const maintenance: Scenario = {
  name: 'maintenance',
  description: 'maintenance mode is on while PostgreSQL is stopped: nothing but the heartbeat is delivered',
  async run(ctx) {
    const { stack, timing, log } = ctx;
    const problems: string[] = [];
    const notes: string[] = [];
    await waitQuiet(stack);
    const since = Date.now();
    let faultAt = since;
    let maintenanceFrom = Number.POSITIVE_INFINITY;
    let maintenanceUntil = Number.POSITIVE_INFINITY;
    const deadline = 120_000;
    try {
      log('maintenance: maintenance mode on');
      stack.setMaintenance(true);
      await waitFiringInPrometheus(stack, MAINTENANCE_ALERT, undefined, deadline);
      await waitInAlertmanagers(stack, MAINTENANCE_ALERT, 'any', deadline);
      maintenanceFrom = Date.now();
      log('maintenance: stopping PostgreSQL');
      faultAt = Date.now();
      await stack.postgres.stop();
      await waitFiringInPrometheus(stack, DATABASE_DOWN, 'critical', deadline);
      await waitInAlertmanagers(stack, DATABASE_DOWN, 'suppressed', deadline);
      notes.push(`${DATABASE_DOWN} fired and was inhibited by ${MAINTENANCE_ALERT} on every Alertmanager`);
      // Long enough for the page to have gone out had it not been inhibited, and for a heartbeat.
      const window = Math.max(timing.routes.critical.groupWaitSeconds + timing.peerTimeoutSeconds * stack.alertmanagers.length + 2, timing.routes.heartbeat.repeatIntervalSeconds + timing.routes.heartbeat.groupIntervalSeconds + 2);
      await observeUntil(Date.now(), window * 1000);
      log('maintenance: starting PostgreSQL, then maintenance mode off');
      await stack.postgres.start();
      await waitGoneFromPrometheus(stack, DATABASE_DOWN, deadline);
      maintenanceUntil = Date.now();
      stack.setMaintenance(false);
      await waitGoneFromPrometheus(stack, MAINTENANCE_ALERT, deadline);
      await observeUntil(Date.now(), duplicateWindowMs(ctx) + timing.routes.warning.groupIntervalSeconds * 1000);
    } catch (err) {
      problems.push((err as Error).message);
      if (!stack.postgres.running) await stack.postgres.start().catch(() => undefined);
      stack.setMaintenance(false);
    }
    const all = deliveriesSince(stack.topology, since);
    const heartbeats = all.filter((d) => d.channel === 'heartbeat' && d.alertnames.join() === WATCHDOG);
    const { others, unexpected } = othersOf(all, WATCHDOG, 'none', []);
    for (const u of unexpected) problems.push(`unexpected notification: ${u}`);
    // While maintenance is on, not even background alerts may get through: only the heartbeat.
    for (const d of all.filter((x) => x.t >= maintenanceFrom && x.t <= maintenanceUntil)) {
      if (!(d.channel === 'heartbeat' && d.alertnames.join() === WATCHDOG)) problems.push(`delivered during maintenance: ${d.channel} ${d.status} ${d.alertnames.join(',')}`);
    }
    if (heartbeats.length === 0) problems.push('no heartbeat reached the dead man\'s switch during maintenance');
    const counts = countDeliveries(of(all, DATABASE_DOWN));
    return {
      scenario: 'maintenance',
      description: this.description,
      alert: DATABASE_DOWN,
      severity: 'critical',
      receiver: 'null (inhibited)',
      faultAt,
      latencySeconds: null,
      theoreticalMinimumSeconds: theoreticalMinimumSeconds(timing, timing.criticalForSeconds, 'critical'),
      ratio: null,
      counts,
      others,
      problems,
      notes: [...notes, `${heartbeats.length} heartbeat(s) delivered during maintenance`],
      deliveries: all,
      durationSeconds: (Date.now() - since) / 1000,
    };
  },
};
