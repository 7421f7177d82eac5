import { deliveriesSince, readDeliveries } from '../deliveries.js';
import { waitFor } from '../wait.js';
import { countDeliveries, observeUntil, of, WATCHDOG } from './observe.js';
import type { Scenario, ScenarioContext } from './types.js';

export interface HeartbeatReport {
  deliveries: number;
  intervalsSeconds: number[];
  expectedIntervalSeconds: number;
  maxAllowedIntervalSeconds: number;
  minAllowedIntervalSeconds: number;
  problems: string[];
}

export function checkHeartbeat(ctx: ScenarioContext, since: number, until: number = Date.now()): HeartbeatReport {
  const route = ctx.timing.routes.heartbeat;
  const all = readDeliveries(ctx.stack.topology).filter((d) => d.t >= since && d.t <= until);
  const beats = all.filter((d) => d.channel === 'heartbeat');
  const problems: string[] = [];
  for (const d of beats) if (d.alertnames.join() !== WATCHDOG) problems.push(`the dead man's switch got ${d.alertnames.join(',') || 'no alert'}`);
  for (const d of all) if (d.channel !== 'heartbeat' && d.alertnames.includes(WATCHDOG)) problems.push(`the Watchdog reached ${d.channel}`);
  const intervals = beats.slice(1).map((d, i) => (d.t - beats[i].t) / 1000);
  // Alertmanager re-sends once repeat_interval has passed, at the group's next flush (every group_interval):
  // the configured period exactly; a failover adds up to (replicas - 1) peer timeouts, a replica
  // whose flushes are not aligned with the others' may come up to repeat_interval early.
  const expected = route.repeatEverySeconds;
  const maxAllowed = expected + route.groupIntervalSeconds + ctx.timing.peerTimeoutSeconds * ctx.stack.alertmanagers.length + 2;
  const minAllowed = route.repeatIntervalSeconds - 1;
  for (const [i, s] of intervals.entries()) {
    if (s < minAllowed) problems.push(`heartbeats ${i} and ${i + 1} came ${s.toFixed(1)} s apart: a duplicate (repeat interval ${route.repeatIntervalSeconds} s)`);
    if (s > maxAllowed) problems.push(`heartbeats ${i} and ${i + 1} came ${s.toFixed(1)} s apart, more than ${maxAllowed} s: the dead man's switch would have fired`);
  }
  // The repeat period is what the config says (contract/config/notification-timing.ts): most beats
  // come exactly one period apart, not one group_interval later (they used to: 10 s configured, up to 15 s seen).
  const sorted = [...intervals].sort((a, b) => a - b);
  const median = sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)] : expected;
  if (Math.abs(median - expected) > 1) problems.push(`the heartbeat repeats every ${median.toFixed(1)} s (median), not every ${expected} s as configured`);
  // Counted from the first beat: the very first send may wait for Prometheus' resend delay (see LocalStack.boot).
  const span = beats.length > 0 ? (until - beats[0].t) / 1000 : (until - since) / 1000;
  if (beats.length === 0 || beats.length < Math.floor(span / maxAllowed)) problems.push(`only ${beats.length} heartbeats in ${span.toFixed(0)} s`);
  return { deliveries: beats.length, intervalsSeconds: intervals, expectedIntervalSeconds: expected, maxAllowedIntervalSeconds: maxAllowed, minAllowedIntervalSeconds: minAllowed, problems };
}

export const heartbeat: Scenario = {
  name: 'heartbeat',
  description: 'the Watchdog reaches the dead man\'s switch on its repeat interval',
  async run(ctx) {
    const route = ctx.timing.routes.heartbeat;
    const span = (route.repeatIntervalSeconds + route.groupIntervalSeconds) * 3;
    // A fresh stack's first heartbeat can take up to Prometheus' resend delay (1m).
    const first = await waitFor(() => readDeliveries(ctx.stack.topology).find((d) => d.channel === 'heartbeat'), {
      timeoutMs: 120_000,
      what: 'the first heartbeat',
    });
    const since = Math.min(first.t, Date.now());
    ctx.log(`heartbeat: watching the dead man's switch for ${span} s`);
    await observeUntil(Date.now(), span * 1000);
    const hb = checkHeartbeat(ctx, since);
    const all = deliveriesSince(ctx.stack.topology, since);
    return {
      scenario: 'heartbeat',
      description: this.description,
      alert: WATCHDOG,
      severity: 'none',
      receiver: 'heartbeat',
      faultAt: since,
      latencySeconds: null,
      theoreticalMinimumSeconds: 0,
      ratio: null,
      counts: countDeliveries(of(all, WATCHDOG)),
      others: [],
      problems: hb.problems,
      notes: [`${hb.deliveries} heartbeats, intervals ${hb.intervalsSeconds.map((s) => s.toFixed(1)).join(', ')} s (allowed ${hb.minAllowedIntervalSeconds}-${hb.maxAllowedIntervalSeconds} s)`],
      deliveries: all,
      durationSeconds: (Date.now() - since) / 1000,
    };
  },
};
