/**
 * Finds the Prometheus, Alertmanager and node-exporter binaries the tests and the local stack run, installing
 * Debian's packages when they are missing (as kube-prometheus' `make test` fetches promtool), so a
 * fresh machine needs no manual step.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export type ToolName = 'prometheus' | 'promtool' | 'alertmanager' | 'amtool' | 'node-exporter';

/** Candidate executable names (Debian names Alertmanager's binary `prometheus-alertmanager`). */
const CANDIDATES: Record<ToolName, string[]> = {
  prometheus: ['prometheus'],
  promtool: ['promtool'],
  alertmanager: ['prometheus-alertmanager', 'alertmanager'],
  amtool: ['amtool'],
  'node-exporter': ['prometheus-node-exporter', 'node_exporter'],
};

const DEBIAN_PACKAGE: Record<ToolName, string> = {
  prometheus: 'prometheus',
  promtool: 'prometheus',
  alertmanager: 'prometheus-alertmanager',
  amtool: 'prometheus-alertmanager',
  'node-exporter': 'prometheus-node-exporter',
};

function onPath(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path !== '' && existsSync(path) ? path : undefined;
}

function find(tool: ToolName): string | undefined {
  const fromEnv = process.env[`${envName(tool)}_BIN`];
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  for (const c of CANDIDATES[tool]) {
    const p = onPath(c);
    if (p) return p;
  }
  return undefined;
}

let aptUpdated = false;

/** `node-exporter` -> `NODE_EXPORTER` (as in NODE_EXPORTER_BIN). */
const envName = (tool: ToolName): string => tool.toUpperCase().replace(/-/g, '_');

/** Path of `tool`; installs its Debian package when missing and running as root, else throws with the fix. */
export function requireTool(tool: ToolName): string {
  const found = find(tool);
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && onPath('apt-get')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (!aptUpdated) {
      execFileSync('apt-get', ['update'], { stdio: 'ignore', env, timeout: 300_000 });
      aptUpdated = true;
    }
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', DEBIAN_PACKAGE[tool]], { stdio: 'ignore', env, timeout: 600_000 });
    // Debian starts nothing inside containers without systemd, but stop the services if it did.
    spawnSync('sh', ['-c', 'service prometheus stop; service prometheus-alertmanager stop; service prometheus-node-exporter stop'], { stdio: 'ignore' });
    const installed = find(tool);
    if (installed) return installed;
  }
  throw new Error(
    `${tool} not found. Install Debian's '${DEBIAN_PACKAGE[tool]}' package (apt-get install -y --no-install-recommends ${DEBIAN_PACKAGE[tool]}) or set ${envName(tool)}_BIN to its path.`,
  );
}
