/**
 * The project's own services in the local stack (issue 6): the exporter, the demo app with its
 * fault-injection endpoint, the traffic generator and the SMS bridge, each run from build/ as a
 * separate node process in its own process group.
 */
import { join } from 'node:path';
import type { MonitoringConfig } from '../../stacks/config/index.js';
import { ManagedProcess } from './processes.js';
import { repoRoot, url, type Topology } from './topology.js';

/** A fault on one route of the demo app. */
export interface RouteFault {
  method: string;
  route: string;
  /** Share of requests answered with a 5xx (0..1). */
  errorRatio?: number;
  /** Added latency per request. */
  delayMs?: number;
}

export interface AppControl {
  /** The route the scenarios break (a real route of the demo app that the traffic generator calls). */
  readonly faultRoute: { method: string; route: string };
  setFault(fault: RouteFault): Promise<void>;
  clearFaults(): Promise<void>;
}

const built = (...p: string[]): string => join(repoRoot(), 'build', ...p);

function node(name: string, script: string, env: NodeJS.ProcessEnv, t: Topology): ManagedProcess {
  return new ManagedProcess({
    name,
    command: process.execPath,
    args: [script],
    cwd: repoRoot(),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', LOG_LEVEL: 'info', ...env },
    logFile: join(t.paths.logDir, `${name}.log`),
  });
}

export function exporterProcess(t: Topology, config: MonitoringConfig, databaseUrl: string): ManagedProcess {
  throw new Error(`exporter not integrated yet (issue 6): ${built('exporters')} ${t.dir} ${config.environment} ${databaseUrl} ${node.name}`);
}

export function smsBridgeProcess(t: Topology, config: MonitoringConfig): ManagedProcess {
  throw new Error(`SMS bridge not integrated yet (issue 6): ${t.dir} ${config.environment}`);
}

export function appProcesses(t: Topology): { app: ManagedProcess; traffic: ManagedProcess; control: AppControl } {
  throw new Error(`demo app not integrated yet (issue 6): ${url(t.ports.app)}`);
}
