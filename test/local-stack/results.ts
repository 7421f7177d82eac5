/**
 * Records the measured fault -> first notification latencies in bench/results.json under the
 * key "e2e", next to their theoretical minimum, keeping whatever other keys (e.g. "exporter")
 * other benchmarks wrote.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { HeartbeatReport, ScenarioReport } from './scenarios/index.js';
import type { PipelineTiming } from './timing.js';
import { repoRoot } from './topology.js';

export const RESULTS_FILE = join(repoRoot(), 'bench', 'results.json');

export interface E2eResults {
  generatedAt: string;
  note: string;
  timing: {
    scrapeIntervalSeconds: number;
    evaluationIntervalSeconds: number;
    criticalForSeconds: number;
    warningForSeconds: number;
    groupWaitSeconds: Record<string, number>;
    alertmanagerPeerTimeoutSeconds: number;
  };
  scenarios: Record<string, {
    alert: string;
    severity: string;
    faultToFirstNotificationSeconds: number | null;
    theoreticalMinimumSeconds: number;
    ratio: number | null;
    notifications: ScenarioReport['counts'];
    passed: boolean;
  }>;
  heartbeat?: { deliveries: number; intervalsSeconds: { min: number; max: number; mean: number }; expectedIntervalSeconds: number };
  totalSeconds: number;
}

const round = (n: number | null, digits = 2): number | null => (n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits);

export function e2eResults(reports: ScenarioReport[], timing: PipelineTiming, totalSeconds: number, heartbeat?: HeartbeatReport): E2eResults {
  const iv = heartbeat?.intervalsSeconds ?? [];
  return {
    generatedAt: new Date().toISOString(),
    note:
      'Local stack (npm run test:e2e), time compressed. theoreticalMinimumSeconds = scrape interval + evaluation interval + for + group_wait of the route; ' +
      'ratio = measured / that. The scrape and evaluation terms are whole intervals, the most a fault can wait for them, so a fault that happens just ' +
      'before a scrape can beat the sum (ratio < 1). Above 1 is detection lag the sum leaves out: the rate window filling up (error-spike, slow-api), failures accumulating for the low-traffic guard (low-traffic-errors), ' +
      'the exporter health-check interval (database-down), Alertmanager cluster waits and delivery.',
    timing: {
      scrapeIntervalSeconds: timing.scrapeSeconds,
      evaluationIntervalSeconds: timing.evaluationSeconds,
      criticalForSeconds: timing.criticalForSeconds,
      warningForSeconds: timing.warningForSeconds,
      groupWaitSeconds: Object.fromEntries(Object.entries(timing.routes).map(([k, r]) => [k, r.groupWaitSeconds])),
      alertmanagerPeerTimeoutSeconds: timing.peerTimeoutSeconds,
    },
    scenarios: Object.fromEntries(
      reports.map((r) => [
        r.scenario,
        {
          alert: r.alert,
          severity: r.severity,
          faultToFirstNotificationSeconds: round(r.latencySeconds),
          theoreticalMinimumSeconds: r.theoreticalMinimumSeconds,
          ratio: round(r.ratio),
          notifications: r.counts,
          passed: r.problems.length === 0,
        },
      ]),
    ),
    ...(heartbeat && iv.length > 0
      ? {
          heartbeat: {
            deliveries: heartbeat.deliveries,
            intervalsSeconds: { min: round(Math.min(...iv)) as number, max: round(Math.max(...iv)) as number, mean: round(iv.reduce((a, b) => a + b, 0) / iv.length) as number },
            expectedIntervalSeconds: heartbeat.expectedIntervalSeconds,
          },
        }
      : {}),
    totalSeconds: Math.round(totalSeconds),
  };
}

/** Merges `{ e2e: results }` into bench/results.json (atomically; other keys kept). */
export function writeE2eResults(results: E2eResults, file = RESULTS_FILE): void {
  let existing: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      existing = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      existing = {};
    }
  }
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify({ ...existing, e2e: results }, null, 2)}\n`);
  renameSync(tmp, file);
}
