/**
 * The demo app (with its fault-injection admin API) and the traffic generator, each run from
 * build/ as a node process in its own process group. The exporter and the SMS bridge run from the
 * manifests (manifest-services.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedProcess } from './processes.js';
import { repoRoot, url, type Topology } from './topology.js';

/** A fault on one route of the demo app. */
export interface RouteFault {
  method: string;
  route: string;
  /** Share of requests answered with a 5xx (0..1); the demo app spreads them evenly, not at random. */
  errorRatio?: number;
  /** Added latency per request. */
  delayMs?: number;
}

export interface AppControl {
  /** The route the scenarios break: the busiest route of the traffic mix. */
  readonly faultRoute: { method: string; route: string };
  setFault(fault: RouteFault): Promise<void>;
  clearFaults(): Promise<void>;
}

/**
 * Requests per second of the traffic generator. The fault route gets a quarter of them, which
 * keeps it well above the local minimum request rate for error-ratio alerts, while the rare routes
 * (backup verification, 1%) stay below it, as low-traffic routes do in production.
 */
export const TRAFFIC_RATE_PER_SECOND = 20;

function script(...parts: string[]): string {
  const file = join(repoRoot(), 'build', ...parts);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  return file;
}

function nodeProcess(name: string, file: string, args: string[], env: NodeJS.ProcessEnv, t: Topology): ManagedProcess {
  return new ManagedProcess({
    name,
    command: process.execPath,
    args: [file, ...args],
    cwd: repoRoot(),
    // A clean environment: nothing of the caller's (e.g. a real TWILIO_* or DATABASE_URL) leaks in.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env },
    logFile: join(t.paths.logDir, `${name}.log`),
  });
}

export function appProcesses(t: Topology): { app: ManagedProcess; traffic: ManagedProcess; control: AppControl } {
  const app = nodeProcess('demo-app', script('test', 'demo-app', 'main.js'), [], { PORT: String(t.ports.app), ADMIN_PORT: String(t.ports.appAdmin) }, t);
  const traffic = nodeProcess('traffic', script('test', 'demo-app', 'traffic.js'), ['--url', url(t.ports.app), '--rate', String(TRAFFIC_RATE_PER_SECOND)], {}, t);
  const admin = `${url(t.ports.appAdmin)}/admin/faults`;
  const faultRoute = { method: 'GET', route: '/api/documents/:id' };
  const control: AppControl = {
    faultRoute,
    async setFault(f) {
      const res = await fetch(admin, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ route: f.route, method: f.method, errorRatio: f.errorRatio ?? 0, latencyMs: f.delayMs ?? 0 }),
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) throw new Error(`demo app refused the fault: HTTP ${res.status} ${await res.text()}`);
    },
    async clearFaults() {
      const res = await fetch(admin, { method: 'DELETE', signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`demo app did not clear its faults: HTTP ${res.status}`);
    },
  };
  return { app, traffic, control };
}
