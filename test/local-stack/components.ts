/**
 * The processes of the local stack besides the monitoring servers, each in its own process group:
 * the demo app (with its fault-injection admin API) and the traffic generator, run from build/ as
 * node processes, and Debian's node-exporter for this host. The exporter and the SMS bridge run
 * from the manifests (manifest-services.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_EXPORTER_ARGS } from '../../charts/node-exporter.js';
import { requireTool } from '../helpers/tools.js';
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
 * Requests per second of the traffic generator. The fault route gets a quarter of them (5 req/s):
 * a busy endpoint, which meets the low-traffic guard within a second of failing.
 */
export const TRAFFIC_RATE_PER_SECOND = 20;

/**
 * A low-traffic endpoint, as this platform's are: the traffic generator sends it one request every
 * 4 s, whatever the mix. The local environment runs 15 times faster than production (20 s rate
 * window for 5m, 4 min low-traffic window for 1h), so 1 request every 4 s here is production's 1
 * request a minute (the document upload endpoint's ~1,500 a day): each window holds the same
 * number of requests as in production.
 */
export const LOW_TRAFFIC_ROUTE = { method: 'POST', route: '/api/cases/:id/submit', path: '/api/cases/5001/submit', everySeconds: 4 } as const;

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

/**
 * The DaemonSet's node-exporter flags (the same four collectors and filters), reading this
 * machine's /proc, /sys and / instead of the node's mounted under /host, listening on `address`.
 */
export function localNodeExporterArgs(address: string): string[] {
  return NODE_EXPORTER_ARGS.map((a) => a.replace('/host/root/', '/').replace('/host/root', '/').replace('/host/sys', '/sys')).map((a) =>
    a.startsWith('--web.listen-address=') ? `--web.listen-address=${address}` : a,
  );
}

/** Debian's prometheus-node-exporter (found or installed by test/helpers/tools.ts). */
export function nodeExporterProcess(t: Topology): ManagedProcess {
  return new ManagedProcess({
    name: 'node-exporter',
    command: requireTool('node-exporter'),
    args: localNodeExporterArgs(`127.0.0.1:${t.ports.nodeExporter}`),
    logFile: join(t.paths.logDir, 'node-exporter.log'),
  });
}

export function appProcesses(t: Topology): { app: ManagedProcess; traffic: ManagedProcess; control: AppControl } {
  const app = nodeProcess('demo-app', script('test', 'demo-app', 'main.js'), [], { PORT: String(t.ports.app), ADMIN_PORT: String(t.ports.appAdmin) }, t);
  const steady = `${LOW_TRAFFIC_ROUTE.method}:${LOW_TRAFFIC_ROUTE.path}:${LOW_TRAFFIC_ROUTE.everySeconds * 1000}`;
  const traffic = nodeProcess('traffic', script('test', 'demo-app', 'traffic.js'), ['--url', url(t.ports.app), '--rate', String(TRAFFIC_RATE_PER_SECOND), '--steady', steady], {}, t);
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
