/**
 * Prometheus replicas and the Alertmanager cluster of the local stack: their command lines and the
 * bits of their HTTP APIs the stack and the scenarios read. Debian's binaries, found (or installed)
 * by test/helpers/tools.ts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '../helpers/tools.js';
import { ManagedProcess } from './processes.js';
import { url, type Topology } from './topology.js';

/**
 * Gossip settings for a loopback cluster: fast probes and push-pulls so the cluster settles in a
 * second or two instead of a minute. `peer-timeout` is how long the replica at position N waits
 * (N x timeout) for an earlier one's notification before sending itself: it bounds failover time.
 */
export const ALERTMANAGER_CLUSTER_FLAGS = [
  '--cluster.peer-timeout=1s',
  '--cluster.gossip-interval=100ms',
  '--cluster.pushpull-interval=2s',
  '--cluster.probe-interval=200ms',
  '--cluster.probe-timeout=100ms',
  '--cluster.reconnect-interval=1s',
  '--cluster.settle-timeout=15s',
  '--cluster.tcp-timeout=2s',
];
export const ALERTMANAGER_PEER_TIMEOUT_SECONDS = 1;

/**
 * Prometheus resends firing alerts this often: Prometheus' default, 1m, deliberately not
 * compressed. When the two replicas disagree for a moment at a threshold (one resolved, the other
 * still firing), every resend of the firing one flips the Alertmanagers back to firing, and with
 * the local 5 s group_interval that became a second page (seen with 2 s). A restarted Alertmanager
 * learns the firing alerts at the next resend, within this delay.
 */
export const PROMETHEUS_RESEND_DELAY_SECONDS = 60;

export function alertmanagerProcess(t: Topology, i: number, configFile: string): ManagedProcess {
  const storage = join(t.paths.dataDir, `alertmanager-${i}`);
  mkdirSync(storage, { recursive: true });
  const peers = t.ports.alertmanagerCluster.filter((_, j) => j !== i).map((p) => `--cluster.peer=127.0.0.1:${p}`);
  return new ManagedProcess({
    name: `alertmanager-${i}`,
    command: requireTool('alertmanager'),
    args: [
      `--config.file=${configFile}`,
      `--storage.path=${storage}`,
      `--web.listen-address=127.0.0.1:${t.ports.alertmanager[i]}`,
      `--web.external-url=${url(t.ports.alertmanager[i])}`,
      `--cluster.listen-address=127.0.0.1:${t.ports.alertmanagerCluster[i]}`,
      `--cluster.advertise-address=127.0.0.1:${t.ports.alertmanagerCluster[i]}`,
      ...peers,
      ...ALERTMANAGER_CLUSTER_FLAGS,
      '--data.retention=2h',
    ],
    logFile: join(t.paths.logDir, `alertmanager-${i}.log`),
  });
}

export function prometheusProcess(t: Topology, i: number, configFile: string): ManagedProcess {
  const storage = join(t.paths.dataDir, `prometheus-${i}`);
  mkdirSync(storage, { recursive: true });
  return new ManagedProcess({
    name: `prometheus-${i}`,
    command: requireTool('prometheus'),
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${storage}`,
      '--storage.tsdb.retention.time=1d',
      `--web.listen-address=127.0.0.1:${t.ports.prometheus[i]}`,
      `--web.external-url=${url(t.ports.prometheus[i])}`,
      `--rules.alert.resend-delay=${PROMETHEUS_RESEND_DELAY_SECONDS / 60}m`,
    ],
    logFile: join(t.paths.logDir, `prometheus-${i}.log`),
  });
}

async function getJson<T>(u: string): Promise<T> {
  const res = await fetch(u, { signal: AbortSignal.timeout(5000) });
  const body = await res.text();
  if (!res.ok) throw new Error(`GET ${u}: HTTP ${res.status} ${body.slice(0, 200)}`);
  return JSON.parse(body) as T;
}

// --- Prometheus API -------------------------------------------------------------------------

export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

export async function prometheusAlerts(base: string): Promise<PromAlert[]> {
  const r = await getJson<{ data: { alerts: PromAlert[] } }>(`${base}/api/v1/alerts`);
  return r.data.alerts;
}

export interface PromTarget {
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export async function prometheusTargets(base: string): Promise<PromTarget[]> {
  const r = await getJson<{ data: { activeTargets: PromTarget[] } }>(`${base}/api/v1/targets?state=active`);
  return r.data.activeTargets;
}

/** Rule groups Prometheus has loaded. */
export async function prometheusRuleGroups(base: string): Promise<number> {
  const r = await getJson<{ data: { groups: unknown[] } }>(`${base}/api/v1/rules`);
  return r.data.groups.length;
}

export interface PromAlertmanagers {
  activeAlertmanagers: { url: string }[];
}

export async function prometheusAlertmanagers(base: string): Promise<PromAlertmanagers> {
  const r = await getJson<{ data: PromAlertmanagers }>(`${base}/api/v1/alertmanagers`);
  return r.data;
}

export interface QueryResult {
  status: string;
  error?: string;
  data?: { resultType: string; result: unknown[] };
}

export async function prometheusQuery(base: string, expr: string, range?: { start: number; end: number; step: number }): Promise<QueryResult> {
  const params = new URLSearchParams({ query: expr });
  let path = '/api/v1/query';
  if (range) {
    path = '/api/v1/query_range';
    params.set('start', String(range.start));
    params.set('end', String(range.end));
    params.set('step', String(range.step));
  }
  const res = await fetch(`${base}${path}`, { method: 'POST', body: params, signal: AbortSignal.timeout(10_000) });
  return (await res.json()) as QueryResult;
}

/** Value of a query returning one scalar-ish series, or undefined when empty. */
export async function queryValue(base: string, expr: string): Promise<number | undefined> {
  const r = await prometheusQuery(base, expr);
  const first = (r.data?.result as { value: [number, string] }[] | undefined)?.[0];
  return first ? Number(first.value[1]) : undefined;
}

// --- Alertmanager API -----------------------------------------------------------------------

export interface AmStatus {
  cluster: { name: string; status: string; peers: { name: string; address: string }[] | null };
  config: { original: string };
  uptime: string;
}

export async function alertmanagerStatus(base: string): Promise<AmStatus> {
  return getJson<AmStatus>(`${base}/api/v2/status`);
}

export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[]; silencedBy: string[] };
  receivers: { name: string }[];
  startsAt: string;
  fingerprint: string;
}

export async function alertmanagerAlerts(base: string): Promise<AmAlert[]> {
  return getJson<AmAlert[]>(`${base}/api/v2/alerts`);
}

/**
 * Notification order in an Alertmanager cluster: the replica whose peer name sorts first sends
 * at once, the next waits one peer-timeout, and so on. Returns replica indexes by position.
 */
export async function alertmanagerPositions(bases: string[]): Promise<number[]> {
  const names = await Promise.all(bases.map(async (b) => (await alertmanagerStatus(b)).cluster.name));
  return names.map((name, i) => ({ name, i })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((x) => x.i);
}
