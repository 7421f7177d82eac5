/**
 * Watching the running stack: what each Prometheus and Alertmanager holds, what reached each
 * receiver, and the judgements every scenario shares (exact counts, readable content, nothing else).
 */
import { ALERTS } from '../../../contract/alerts.js';
import { CHANNELS, type Channel, type Delivery, deliveriesSince } from '../deliveries.js';
import { alertmanagerAlerts, prometheusAlerts, type PromAlert } from '../servers.js';
import type { LocalStack } from '../stack.js';
import { waitFor } from '../wait.js';
import type { Counts, ScenarioContext } from './types.js';

export const WATCHDOG = ALERTS.watchdog;
export const MAINTENANCE_ALERT = ALERTS.maintenanceMode;

/**
 * Alerts whose firing does not depend on the scenario, so they are reported but never counted
 * against one: the host's CPU, memory and disk (the machine running the stack; the local
 * environment routes them to the null receiver) and the SLO burn rates, whose hour-to-days windows
 * the local environment does not compress. The backup alert is not among them: the backup record
 * comes from the database (seeded with a verified run), so it must stay silent in every scenario,
 * app restarts included.
 */
export const BACKGROUND_ALERTS: readonly string[] = [
  ALERTS.highCpuUsage,
  ALERTS.highMemoryUsage,
  ALERTS.diskAlmostFull,
  // SLO burn rates: their windows are not compressed locally (see the local environment).
  ALERTS.apiAvailabilityBudgetBurn,
  ALERTS.apiLatencyBudgetBurn,
];


const SEVERITY_IN_TEXT = /\b(CRITICAL|WARNING)\b|severity\W{0,4}(critical|warning)/;

/** Severity a notification shows (our titles say `CRITICAL:`/`WARNING:`, bodies `Severity: x`). */
export function severityOf(d: Delivery): string | undefined {
  const m = SEVERITY_IN_TEXT.exec(d.text) ?? /\b(critical|warning)\b/i.exec(d.text);
  return (m?.[1] ?? m?.[2])?.toLowerCase();
}

export function of(ds: Delivery[], alert: string, severity?: string): Delivery[] {
  return ds.filter((d) => d.alertnames.includes(alert) && (severity === undefined || d.channel === 'heartbeat' || severityOf(d) === severity));
}

export function countDeliveries(ds: Delivery[]): Counts {
  const c = Object.fromEntries(CHANNELS.map((ch) => [ch, { firing: 0, resolved: 0 }])) as Counts;
  for (const d of ds) if (d.status === 'firing' || d.status === 'resolved') c[d.channel][d.status]++;
  return c;
}

/** Pending or firing alerts (not the Watchdog nor host alerts) on any Prometheus replica. */
async function busyPrometheus(stack: LocalStack, ignore: string[] = []): Promise<PromAlert[]> {
  const all = (await Promise.all(stack.prometheusUrls.map((u) => prometheusAlerts(u)))).flat();
  return all.filter((a) => a.labels.alertname !== WATCHDOG && !BACKGROUND_ALERTS.includes(a.labels.alertname) && !ignore.includes(a.labels.alertname));
}

/** Waits until no scenario alert is pending or firing anywhere, so each scenario starts from a quiet, healthy stack. */
export async function waitQuiet(stack: LocalStack, timeoutMs = 180_000): Promise<void> {
  await waitFor(
    async () => {
      const prom = await busyPrometheus(stack);
      if (prom.length > 0) return false;
      for (const [i, am] of stack.alertmanagers.entries()) {
        if (!am.running) continue;
        const alerts = await alertmanagerAlerts(stack.alertmanagerUrls[i]);
        if (alerts.some((a) => a.labels.alertname !== WATCHDOG && !BACKGROUND_ALERTS.includes(a.labels.alertname))) return false;
      }
      return true;
    },
    { timeoutMs, what: 'a quiet stack (no alert but the Watchdog pending or firing)', intervalMs: 500 },
  );
}

/** Waits until `alert` (at `severity`) is firing on every Prometheus replica; returns its annotations. */
export async function waitFiringInPrometheus(stack: LocalStack, alert: string, severity: string | undefined, timeoutMs: number): Promise<PromAlert> {
  return waitFor(
    async () => {
      const found = await Promise.all(stack.prometheusUrls.map(async (u) => (await prometheusAlerts(u)).find((a) => a.labels.alertname === alert && (severity === undefined || a.labels.severity === severity) && a.state === 'firing')));
      return found.every((a) => a !== undefined) ? found[0] : undefined;
    },
    { timeoutMs, what: `${alert}${severity ? ` (${severity})` : ''} firing on every Prometheus replica`, intervalMs: 250 },
  );
}

export async function waitGoneFromPrometheus(stack: LocalStack, alert: string, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const all = (await Promise.all(stack.prometheusUrls.map((u) => prometheusAlerts(u)))).flat();
      return !all.some((a) => a.labels.alertname === alert);
    },
    { timeoutMs, what: `${alert} to resolve on every Prometheus replica`, intervalMs: 250 },
  );
}

/** Waits until every running Alertmanager holds `alert` in `state` ('suppressed' = inhibited). */
export async function waitInAlertmanagers(stack: LocalStack, alert: string, state: 'active' | 'suppressed' | 'any', timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      for (const [i, am] of stack.alertmanagers.entries()) {
        if (!am.running) continue;
        const a = (await alertmanagerAlerts(stack.alertmanagerUrls[i])).find((x) => x.labels.alertname === alert);
        if (!a) return false;
        if (state === 'suppressed' && a.status.inhibitedBy.length === 0) return false;
        if (state === 'active' && a.status.state !== 'active') return false;
      }
      return true;
    },
    { timeoutMs, what: `${alert} ${state === 'any' ? 'present' : state} on every running Alertmanager`, intervalMs: 250 },
  );
}

/**
 * How long after a delivery a duplicate could still arrive: the last Alertmanager in the cluster
 * sends (replicas - 1) peer-timeouts after the first if it missed the first one's notification log.
 */
export function duplicateWindowMs(ctx: ScenarioContext): number {
  return (ctx.timing.peerTimeoutSeconds * ctx.stack.alertmanagers.length + 2) * 1000;
}

/** Bounded observation: returns once `ms` have passed since `from` (used only to prove that nothing more arrives). */
export async function observeUntil(from: number, ms: number): Promise<void> {
  await waitFor(() => Date.now() >= from + ms, { timeoutMs: ms + 1000, what: 'the observation window', intervalMs: 200 });
}

export function waitDeliveries(ctx: ScenarioContext, since: number, alert: string, severity: string, status: 'firing' | 'resolved', channels: Channel[], timeoutMs: number): Promise<Delivery[]> {
  return waitFor(
    () => {
      const ds = of(deliveriesSince(ctx.stack.topology, since), alert, severity).filter((d) => d.status === status);
      return channels.every((ch) => ds.some((d) => d.channel === ch)) ? ds : undefined;
    },
    { timeoutMs, what: `${status} ${alert} (${severity}) on ${channels.join(', ')}`, intervalMs: 200 },
  );
}

/** Readable content: each firing notification names the alert, its severity, summary and runbook. */
export function contentProblems(ds: Delivery[], alert: string, severity: string, annotations: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const d of ds.filter((x) => x.status === 'firing' && x.channel !== 'heartbeat')) {
    const want: [string, string | undefined][] =
      d.channel === 'sms'
        ? [['alert name', alert], ['severity', severity]]
        : [['alert name', alert], ['severity', severity], ['summary', annotations.summary], ['runbook link', annotations.runbook_url]];
    for (const [what, text] of want) {
      if (!text) problems.push(`${alert} has no ${what} annotation to show`);
      else if (!d.text.toLowerCase().includes(text.toLowerCase())) problems.push(`the ${d.channel} notification of ${alert} lacks its ${what} ("${text}")`);
    }
  }
  return problems;
}

export function othersOf(ds: Delivery[], alert: string, severity: string, allowed: string[]): { others: string[]; unexpected: string[] } {
  const others: string[] = [];
  const unexpected: string[] = [];
  for (const d of ds) {
    if (d.channel === 'heartbeat' && d.alertnames.length === 1 && d.alertnames[0] === WATCHDOG) continue;
    if (d.alertnames.includes(alert) && (d.channel === 'heartbeat' || severityOf(d) === severity)) continue;
    const line = `${d.channel} ${d.status} ${d.alertnames.join(',') || '(no alert name)'} ${severityOf(d) ?? ''}`.trim();
    others.push(line);
    if (!d.alertnames.every((n) => BACKGROUND_ALERTS.includes(n) || allowed.includes(n))) unexpected.push(line);
  }
  return { others, unexpected };
}

export function expectCounts(counts: Counts, expected: Partial<Record<Channel, { firing: number; resolved: number }>>, alert: string): string[] {
  const problems: string[] = [];
  for (const ch of CHANNELS) {
    if (ch === 'heartbeat') continue;
    const want = expected[ch] ?? { firing: 0, resolved: 0 };
    const got = counts[ch];
    if (got.firing !== want.firing || got.resolved !== want.resolved) {
      problems.push(`${ch}: expected ${want.firing} firing and ${want.resolved} resolved notification(s) of ${alert}, got ${got.firing} and ${got.resolved}`);
    }
  }
  return problems;
}

// --- the standard shape: fault -> page -> revert -> resolved --------------------------------
