/** The shapes shared by the end-to-end scenarios and their reports. */
import type { Channel, Delivery } from '../deliveries.js';
import type { LocalStack } from '../stack.js';
import type { PipelineTiming } from '../timing.js';

export interface ScenarioContext {
  stack: LocalStack;
  timing: PipelineTiming;
  log: (message: string) => void;
}

export type Counts = Record<Channel, { firing: number; resolved: number }>;

export interface ScenarioReport {
  scenario: string;
  description: string;
  alert: string;
  severity: string;
  receiver: string;
  /** Epoch ms when the fault was injected. */
  faultAt: number;
  /** Seconds from the fault to the first notification of the alert on any channel (null: none). */
  latencySeconds: number | null;
  /** scrape + evaluation + for + group_wait of the alert's route. */
  theoreticalMinimumSeconds: number;
  /** latency / theoretical minimum. */
  ratio: number | null;
  /** Notifications of the scenario's alert at the scenario's severity, per channel and status. */
  counts: Counts;
  /** Notifications of anything else during the scenario (not the Watchdog on the heartbeat), one line each. */
  others: string[];
  /** Failed expectations in words; empty means the scenario passed. */
  problems: string[];
  notes: string[];
  deliveries: Delivery[];
  durationSeconds: number;
}

export interface Scenario {
  name: string;
  description: string;
  run(ctx: ScenarioContext): Promise<ScenarioReport>;
}
