/**
 * The end-to-end scenarios: inject one fault into the running local stack, watch what reaches
 * each receiver, take the fault back, and report exact counts, readable content and the latency
 * from fault to first notification. Shared by `npm run stack:local -- --scenario NAME` and the
 * jest e2e tests, which assert on the reports. One file per scenario.
 */
import { CHANNELS, describeDeliveries } from '../deliveries.js';
import { alertmanagerFailover } from './alertmanager-failover.js';
import { appDown } from './app-down.js';
import { databaseDown } from './database-down.js';
import { errorSpike } from './error-spike.js';
import { heartbeat } from './heartbeat.js';
import { lowTraffic } from './low-traffic.js';
import { maintenance } from './maintenance.js';
import { slowApi } from './slow-api.js';
import type { Scenario, ScenarioReport } from './types.js';

export type { Counts, Scenario, ScenarioContext, ScenarioReport } from './types.js';
export { BACKGROUND_ALERTS, countDeliveries, MAINTENANCE_ALERT, severityOf, waitQuiet, WATCHDOG } from './observe.js';
export { alertmanagerFailover, appDown, databaseDown, errorSpike, heartbeat, lowTraffic, maintenance, slowApi };
export { ERROR_SPIKE_RATIO } from './error-spike.js';
export { SLOW_API_DELAY_MS } from './slow-api.js';
export { checkHeartbeat, type HeartbeatReport } from './heartbeat.js';

/** In the order the e2e run takes them; alertmanager-failover last (its restarted replica can double later notifications, docs/on-call.md). */
export const SCENARIOS: Scenario[] = [databaseDown, errorSpike, slowApi, maintenance, appDown, lowTraffic, alertmanagerFailover];

export const ALL_SCENARIOS: Scenario[] = [...SCENARIOS, heartbeat];

export function findScenario(name: string): Scenario | undefined {
  return ALL_SCENARIOS.find((s) => s.name === name);
}

/** A human-readable report of one scenario. */
export function formatReport(r: ScenarioReport): string {
  const lines = [
    `scenario ${r.scenario}: ${r.description}`,
    `  alert ${r.alert} (${r.severity}) -> receiver ${r.receiver}`,
    r.latencySeconds === null
      ? '  no notification of the alert (as expected only under maintenance)'
      : `  fault -> first notification: ${r.latencySeconds.toFixed(1)} s (theoretical minimum ${r.theoreticalMinimumSeconds} s, ratio ${(r.ratio ?? 0).toFixed(2)})`,
    `  delivered: ${CHANNELS.map((c) => `${c} ${r.counts[c].firing} firing/${r.counts[c].resolved} resolved`).join(', ')}`,
    ...r.notes.map((n) => `  note: ${n}`),
    ...(r.others.length ? [`  other notifications: ${r.others.join('; ')}`] : []),
    '  timeline:',
    describeDeliveries(r.deliveries, r.faultAt),
    r.problems.length ? `  FAILED:\n${r.problems.map((p) => `    - ${p}`).join('\n')}` : '  PASSED',
  ];
  return lines.join('\n');
}
