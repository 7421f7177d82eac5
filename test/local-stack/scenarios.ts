/**
 * The end-to-end scenarios: inject one fault into the running local stack, watch what reaches
 * each receiver, take the fault back, and report exact counts, readable content and the latency
 * from fault to first notification. Shared by `npm run stack:local -- --scenario NAME` and the
 * jest e2e tests, which assert on the reports.
 */
import { CHANNELS, type Channel, type Delivery, deliveriesSince, describeDeliveries, readDeliveries } from './deliveries.js';
import { alertmanagerAlerts, prometheusAlerts, type PromAlert } from './servers.js';
import type { LocalStack } from './stack.js';
import { theoreticalMinimumSeconds, type PipelineTiming } from './timing.js';
import { waitFor } from './wait.js';
import { ALERTS } from '../../contract/alerts.js';

export const WATCHDOG = ALERTS.watchdog;
export const MAINTENANCE_ALERT = ALERTS.maintenanceMode;

/**
 * Alerts whose firing does not depend on the scenario, so they are reported but never counted
 * against one: the host's CPU, memory and disk (the machine running the stack; the local
 * environment routes them to the null receiver), backup verification, which the demo traffic
 * fails on purpose now and then (and whose 1h window keeps it firing for the whole run), and the
 * SLO burn rates, whose hour-to-days windows the local environment does not compress.
 */
export const BACKGROUND_ALERTS: readonly string[] = [
  ALERTS.highCpuUsage,
  ALERTS.highMemoryUsage,
  ALERTS.diskAlmostFull,
  ALERTS.backupVerificationFailed,
  // SLO burn rates: their windows are not compressed locally (see the local environment).
  ALERTS.apiAvailabilityBudgetBurn,
  ALERTS.apiLatencyBudgetBurn,
];

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

// --- helpers --------------------------------------------------------------------------------

const SEVERITY_IN_TEXT = /\b(CRITICAL|WARNING)\b|severity\W{0,4}(critical|warning)/;

/** Severity a notification shows (our titles say `CRITICAL:`/`WARNING:`, bodies `Severity: x`). */
export function severityOf(d: Delivery): string | undefined {
  const m = SEVERITY_IN_TEXT.exec(d.text) ?? /\b(critical|warning)\b/i.exec(d.text);
  return (m?.[1] ?? m?.[2])?.toLowerCase();
}

function of(ds: Delivery[], alert: string, severity?: string): Delivery[] {
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
async function waitFiringInPrometheus(stack: LocalStack, alert: string, severity: string | undefined, timeoutMs: number): Promise<PromAlert> {
  return waitFor(
    async () => {
      const found = await Promise.all(stack.prometheusUrls.map(async (u) => (await prometheusAlerts(u)).find((a) => a.labels.alertname === alert && (severity === undefined || a.labels.severity === severity) && a.state === 'firing')));
      return found.every((a) => a !== undefined) ? found[0] : undefined;
    },
    { timeoutMs, what: `${alert}${severity ? ` (${severity})` : ''} firing on every Prometheus replica`, intervalMs: 250 },
  );
}

async function waitGoneFromPrometheus(stack: LocalStack, alert: string, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const all = (await Promise.all(stack.prometheusUrls.map((u) => prometheusAlerts(u)))).flat();
      return !all.some((a) => a.labels.alertname === alert);
    },
    { timeoutMs, what: `${alert} to resolve on every Prometheus replica`, intervalMs: 250 },
  );
}

/** Waits until every running Alertmanager holds `alert` in `state` ('suppressed' = inhibited). */
async function waitInAlertmanagers(stack: LocalStack, alert: string, state: 'active' | 'suppressed' | 'any', timeoutMs: number): Promise<void> {
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
function duplicateWindowMs(ctx: ScenarioContext): number {
  return (ctx.timing.peerTimeoutSeconds * ctx.stack.alertmanagers.length + 2) * 1000;
}

/** Bounded observation: returns once `ms` have passed since `from` (used only to prove that nothing more arrives). */
async function observeUntil(from: number, ms: number): Promise<void> {
  await waitFor(() => Date.now() >= from + ms, { timeoutMs: ms + 1000, what: 'the observation window', intervalMs: 200 });
}

function waitDeliveries(ctx: ScenarioContext, since: number, alert: string, severity: string, status: 'firing' | 'resolved', channels: Channel[], timeoutMs: number): Promise<Delivery[]> {
  return waitFor(
    () => {
      const ds = of(deliveriesSince(ctx.stack.topology, since), alert, severity).filter((d) => d.status === status);
      return channels.every((ch) => ds.some((d) => d.channel === ch)) ? ds : undefined;
    },
    { timeoutMs, what: `${status} ${alert} (${severity}) on ${channels.join(', ')}`, intervalMs: 200 },
  );
}

/** Readable content: each firing notification names the alert, its severity, summary and runbook. */
function contentProblems(ds: Delivery[], alert: string, severity: string, annotations: Record<string, string>): string[] {
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

function othersOf(ds: Delivery[], alert: string, severity: string, allowed: string[]): { others: string[]; unexpected: string[] } {
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

function expectCounts(counts: Counts, expected: Partial<Record<Channel, { firing: number; resolved: number }>>, alert: string): string[] {
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

interface FaultSpec {
  name: string;
  description: string;
  alert: string;
  severity: 'critical' | 'warning';
  receiver: 'critical' | 'warning';
  /** The rule's `for`. */
  forSeconds(t: PipelineTiming): number;
  /** Exact notifications of the alert per channel; channels left out must get none. */
  expected: Partial<Record<Channel, { firing: number; resolved: number }>>;
  inject(ctx: ScenarioContext): Promise<void>;
  revert(ctx: ScenarioContext): Promise<void>;
  /** Extra checks while the alert is firing (e.g. the warning is inhibited); returns problems. */
  whileFiring?(ctx: ScenarioContext, since: number): Promise<string[]>;
  /** Other alerts this fault legitimately raises (reported, not counted as unexpected). */
  allowedOthers?: string[];
  /** Called before the fault, returns extra cleanup run after the revert. */
  before?(ctx: ScenarioContext): Promise<(() => Promise<void>) | void>;
  /** Called right after the fault is injected. */
  afterInject?(ctx: ScenarioContext, notes: string[]): Promise<void>;
  /**
   * After the fault is taken back and the alert resolved: waits for and judges notifications the
   * revert itself legitimately causes. Returns the deliveries it accounted for (not "unexpected").
   */
  afterRevert?(ctx: ScenarioContext, since: number, revertedAt: number, problems: string[], notes: string[]): Promise<Delivery[]>;
}

function faultScenario(spec: FaultSpec): Scenario {
  return {
    name: spec.name,
    description: spec.description,
    async run(ctx) {
      const { stack, timing, log } = ctx;
      const minimum = theoreticalMinimumSeconds(timing, spec.forSeconds(timing), spec.receiver);
      const deadline = (minimum * 3 + 90) * 1000;
      const notes: string[] = [];
      const problems: string[] = [];
      log(`${spec.name}: waiting for a quiet stack`);
      await waitQuiet(stack);
      const cleanup = await spec.before?.(ctx);
      const since = Date.now();
      log(`${spec.name}: injecting the fault (${spec.description})`);
      // The fault starts as we inject it (stopping PostgreSQL takes a moment; the clock runs from its start).
      const faultAt = Date.now();
      await spec.inject(ctx);
      await spec.afterInject?.(ctx, notes);
      const firingChannels = (Object.keys(spec.expected) as Channel[]).filter((c) => (spec.expected[c]?.firing ?? 0) > 0);
      const resolvedChannels = (Object.keys(spec.expected) as Channel[]).filter((c) => (spec.expected[c]?.resolved ?? 0) > 0);
      let annotations: Record<string, string> = {};
      let reverted = false;
      const accounted: Delivery[] = [];
      try {
        const firing = await waitFiringInPrometheus(stack, spec.alert, spec.severity, deadline);
        annotations = firing.annotations;
        const first = await waitDeliveries(ctx, since, spec.alert, spec.severity, 'firing', firingChannels, deadline);
        log(`${spec.name}: ${spec.alert} delivered after ${((first[0].t - faultAt) / 1000).toFixed(1)} s`);
        if (spec.whileFiring) problems.push(...(await spec.whileFiring(ctx, since)));
        await observeUntil(Math.max(...first.map((d) => d.t)), duplicateWindowMs(ctx));
        log(`${spec.name}: taking the fault back`);
        const revertedAt = Date.now();
        await spec.revert(ctx);
        reverted = true;
        await waitGoneFromPrometheus(stack, spec.alert, deadline);
        if (resolvedChannels.length > 0) {
          const resolved = await waitDeliveries(ctx, since, spec.alert, spec.severity, 'resolved', resolvedChannels, deadline);
          await observeUntil(Math.max(...resolved.map((d) => d.t)), duplicateWindowMs(ctx));
        } else {
          await observeUntil(Date.now(), duplicateWindowMs(ctx));
        }
        if (spec.afterRevert) accounted.push(...(await spec.afterRevert(ctx, since, revertedAt, problems, notes)));
      } catch (err) {
        problems.push((err as Error).message);
      } finally {
        if (!reverted) await spec.revert(ctx).catch((e: Error) => problems.push(`revert failed: ${e.message}`));
        if (cleanup) await cleanup().catch((e: Error) => problems.push(`cleanup failed: ${e.message}`));
      }
      const all = deliveriesSince(stack.topology, since);
      const mine = of(all, spec.alert, spec.severity);
      const counts = countDeliveries(mine);
      problems.push(...expectCounts(counts, spec.expected, spec.alert));
      problems.push(...contentProblems(mine, spec.alert, spec.severity, annotations));
      const key = (d: Delivery): string => `${d.channel} ${d.t} ${d.status}`;
      const accountedKeys = new Set(accounted.map(key));
      const { others, unexpected } = othersOf(all.filter((d) => !accountedKeys.has(key(d))), spec.alert, spec.severity, spec.allowedOthers ?? []);
      for (const u of unexpected) problems.push(`unexpected notification: ${u}`);
      const firstFiring = mine.find((d) => d.status === 'firing');
      const latency = firstFiring ? (firstFiring.t - faultAt) / 1000 : null;
      return {
        scenario: spec.name,
        description: spec.description,
        alert: spec.alert,
        severity: spec.severity,
        receiver: spec.receiver,
        faultAt,
        latencySeconds: latency,
        theoreticalMinimumSeconds: minimum,
        ratio: latency === null ? null : latency / minimum,
        counts,
        others,
        problems,
        notes,
        deliveries: all,
        durationSeconds: (Date.now() - since) / 1000,
      };
    },
  };
}

// --- the scenarios ----------------------------------------------------------------------------

const DATABASE_DOWN = ALERTS.databaseDown;
const ERROR_RATE = ALERTS.endpointErrorRateHigh;
const API_SLOW = ALERTS.apiSlow;

const PAGE = { email: { firing: 1, resolved: 1 }, slack: { firing: 1, resolved: 1 }, sms: { firing: 1, resolved: 0 } };
const WARN = { email: { firing: 1, resolved: 1 }, slack: { firing: 1, resolved: 1 } };

const stopDatabase = async (ctx: ScenarioContext): Promise<void> => ctx.stack.postgres.stop();
const startDatabase = async (ctx: ScenarioContext): Promise<void> => ctx.stack.postgres.start();

export const databaseDown = faultScenario({
  name: 'database-down',
  description: 'PostgreSQL is stopped',
  alert: DATABASE_DOWN,
  severity: 'critical',
  receiver: 'critical',
  forSeconds: (t) => t.criticalForSeconds,
  expected: PAGE,
  inject: stopDatabase,
  revert: startDatabase,
});

/** Error share injected on one route: above the 10% critical threshold, so the 5% warning is true too. */
export const ERROR_SPIKE_RATIO = 0.12;

export const errorSpike = faultScenario({
  name: 'error-spike',
  description: `the demo app answers ${ERROR_SPIKE_RATIO * 100}% of one route's requests with 5xx`,
  alert: ERROR_RATE,
  severity: 'critical',
  receiver: 'critical',
  forSeconds: (t) => t.criticalForSeconds,
  expected: PAGE,
  inject: (ctx) => ctx.stack.app.setFault({ ...ctx.stack.app.faultRoute, errorRatio: ERROR_SPIKE_RATIO }),
  revert: (ctx) => ctx.stack.app.clearFaults(),
  async whileFiring(ctx, since) {
    // The warning of the same alert becomes true too (12% > 5%); the critical must inhibit it.
    const deadline = (ctx.timing.warningForSeconds * 3 + 90) * 1000;
    await waitFiringInPrometheus(ctx.stack, ERROR_RATE, 'warning', deadline);
    await waitInAlertmanagers(ctx.stack, ERROR_RATE, 'any', deadline);
    const warnings = async (): Promise<boolean> => {
      for (const [i, am] of ctx.stack.alertmanagers.entries()) {
        if (!am.running) continue;
        const w = (await alertmanagerAlerts(ctx.stack.alertmanagerUrls[i])).find((a) => a.labels.alertname === ERROR_RATE && a.labels.severity === 'warning');
        if (!w || w.status.inhibitedBy.length === 0) return false;
      }
      return true;
    };
    await waitFor(warnings, { timeoutMs: deadline, what: `the warning ${ERROR_RATE} to be inhibited on every Alertmanager` });
    // Give the inhibited warning the time its route would need to be sent, and prove it was not.
    await observeUntil(Date.now(), (ctx.timing.routes.warning.groupWaitSeconds + ctx.timing.peerTimeoutSeconds * ctx.stack.alertmanagers.length + 2) * 1000);
    const leaked = of(deliveriesSince(ctx.stack.topology, since), ERROR_RATE, 'warning');
    return leaked.map((d) => `the inhibited warning ${ERROR_RATE} reached ${d.channel} while the critical was firing`);
  },
  /**
   * Known behaviour of these rules (reported, see docs/contributing.md): once the fault is gone the error ratio
   * drains through the rate window, passing 10% (the critical resolves) before 5% (the warning
   * resolves). For those seconds the warning is no longer inhibited, and Alertmanager may send it
   * (then its resolution). Accepted only in that shape: after the critical's resolution, at most
   * once per channel, each followed by its resolved notification.
   */
  async afterRevert(ctx, since, revertedAt, problems, notes) {
    const warnings = (): Delivery[] => of(deliveriesSince(ctx.stack.topology, since), ERROR_RATE, 'warning');
    const firing = warnings().filter((d) => d.status === 'firing');
    if (firing.length === 0) return [];
    const channels = [...new Set(firing.map((d) => d.channel))];
    await waitFor(() => channels.every((ch) => warnings().some((d) => d.channel === ch && d.status === 'resolved')), {
      timeoutMs: 60_000,
      what: `the resolution of the warning ${ERROR_RATE} released by the critical's resolution`,
    });
    await observeUntil(Date.now(), duplicateWindowMs(ctx));
    const tail = warnings();
    for (const ch of channels) {
      const c = countDeliveries(tail.filter((d) => d.channel === ch))[ch];
      if (c.firing !== 1 || c.resolved !== 1) problems.push(`the released warning reached ${ch} ${c.firing} time(s) firing and ${c.resolved} resolved (expected once each)`);
    }
    // Its group flushes on its own timer, so it may precede the critical's resolved notification
    // by a moment; but never the revert: while the fault held, it was inhibited (see whileFiring).
    for (const d of tail) if (d.t < revertedAt) problems.push(`the warning ${ERROR_RATE} reached ${d.channel} before the fault was taken back`);
    notes.push(`as the error ratio drained through the 5-10% band after the revert, the warning was released once the critical resolved: ${tail.length} notification(s) on ${channels.join(', ')}`);
    return tail;
  },
});

/** Added latency on one route: above the 2 s average-response threshold, below the 2.5 s latency SLO bucket. */
export const SLOW_API_DELAY_MS = 2200;

export const slowApi = faultScenario({
  name: 'slow-api',
  description: `one route of the demo app answers in ${SLOW_API_DELAY_MS} ms`,
  alert: API_SLOW,
  severity: 'warning',
  receiver: 'warning',
  forSeconds: (t) => t.warningForSeconds,
  expected: WARN,
  inject: (ctx) => ctx.stack.app.setFault({ ...ctx.stack.app.faultRoute, delayMs: SLOW_API_DELAY_MS }),
  revert: (ctx) => ctx.stack.app.clearFaults(),
});

export const alertmanagerFailover = faultScenario({
  name: 'alertmanager-failover',
  description: 'PostgreSQL is stopped and the Alertmanager replica that would notify first is killed',
  alert: DATABASE_DOWN,
  severity: 'critical',
  receiver: 'critical',
  forSeconds: (t) => t.criticalForSeconds,
  expected: PAGE,
  // Prometheus cannot reach the killed replica: its notification-error alert is right to fire.
  allowedOthers: [ALERTS.prometheusNotificationsFailing],
  inject: stopDatabase,
  revert: startDatabase,
  async before(ctx) {
    const order = await ctx.stack.alertmanagerOrder();
    (ctx as FailoverContext).victim = order[0];
    return async () => {
      const victim = (ctx as FailoverContext).victim;
      if (victim === undefined || ctx.stack.alertmanagers[victim].running) return;
      ctx.log(`alertmanager-failover: restarting alertmanager-${victim}`);
      await ctx.stack.restartAlertmanager(victim);
      // The cluster must settle with all replicas again; the restarted one gets the Watchdog at
      // Prometheus' next resend (up to a minute), which the others cover meanwhile.
      await ctx.stack.waitHealthy(120_000, { watchdogOn: ctx.stack.alertmanagers.map((_, i) => i).filter((i) => i !== victim) });
    };
  },
  async afterInject(ctx, notes) {
    const victim = (ctx as FailoverContext).victim as number;
    // Kill it once it holds the alert, before group_wait ends: the page is now its to send.
    await waitInAlertmanagers(ctx.stack, DATABASE_DOWN, 'any', 120_000);
    await ctx.stack.killAlertmanager(victim);
    notes.push(`killed alertmanager-${victim} (first in notification order) while it held ${DATABASE_DOWN}`);
    ctx.log(`alertmanager-failover: killed alertmanager-${victim}`);
  },
});

interface FailoverContext extends ScenarioContext {
  victim?: number;
}

export const maintenance: Scenario = {
  name: 'maintenance',
  description: 'maintenance mode is on while PostgreSQL is stopped: nothing but the heartbeat is delivered',
  async run(ctx) {
    const { stack, timing, log } = ctx;
    const problems: string[] = [];
    const notes: string[] = [];
    await waitQuiet(stack);
    const since = Date.now();
    let faultAt = since;
    let maintenanceFrom = Number.POSITIVE_INFINITY;
    let maintenanceUntil = Number.POSITIVE_INFINITY;
    const deadline = 120_000;
    try {
      log('maintenance: maintenance mode on');
      stack.setMaintenance(true);
      await waitFiringInPrometheus(stack, MAINTENANCE_ALERT, undefined, deadline);
      await waitInAlertmanagers(stack, MAINTENANCE_ALERT, 'any', deadline);
      maintenanceFrom = Date.now();
      log('maintenance: stopping PostgreSQL');
      faultAt = Date.now();
      await stack.postgres.stop();
      await waitFiringInPrometheus(stack, DATABASE_DOWN, 'critical', deadline);
      await waitInAlertmanagers(stack, DATABASE_DOWN, 'suppressed', deadline);
      notes.push(`${DATABASE_DOWN} fired and was inhibited by ${MAINTENANCE_ALERT} on every Alertmanager`);
      // Long enough for the page to have gone out had it not been inhibited, and for a heartbeat.
      const window = Math.max(timing.routes.critical.groupWaitSeconds + timing.peerTimeoutSeconds * stack.alertmanagers.length + 2, timing.routes.heartbeat.repeatIntervalSeconds + timing.routes.heartbeat.groupIntervalSeconds + 2);
      await observeUntil(Date.now(), window * 1000);
      log('maintenance: starting PostgreSQL, then maintenance mode off');
      await stack.postgres.start();
      await waitGoneFromPrometheus(stack, DATABASE_DOWN, deadline);
      maintenanceUntil = Date.now();
      stack.setMaintenance(false);
      await waitGoneFromPrometheus(stack, MAINTENANCE_ALERT, deadline);
      await observeUntil(Date.now(), duplicateWindowMs(ctx) + timing.routes.warning.groupIntervalSeconds * 1000);
    } catch (err) {
      problems.push((err as Error).message);
      if (!stack.postgres.running) await stack.postgres.start().catch(() => undefined);
      stack.setMaintenance(false);
    }
    const all = deliveriesSince(stack.topology, since);
    const heartbeats = all.filter((d) => d.channel === 'heartbeat' && d.alertnames.join() === WATCHDOG);
    const { others, unexpected } = othersOf(all, WATCHDOG, 'none', []);
    for (const u of unexpected) problems.push(`unexpected notification: ${u}`);
    // While maintenance is on, not even background alerts may get through: only the heartbeat.
    for (const d of all.filter((x) => x.t >= maintenanceFrom && x.t <= maintenanceUntil)) {
      if (!(d.channel === 'heartbeat' && d.alertnames.join() === WATCHDOG)) problems.push(`delivered during maintenance: ${d.channel} ${d.status} ${d.alertnames.join(',')}`);
    }
    if (heartbeats.length === 0) problems.push('no heartbeat reached the dead man\'s switch during maintenance');
    const counts = countDeliveries(of(all, DATABASE_DOWN));
    return {
      scenario: 'maintenance',
      description: this.description,
      alert: DATABASE_DOWN,
      severity: 'critical',
      receiver: 'null (inhibited)',
      faultAt,
      latencySeconds: null,
      theoreticalMinimumSeconds: theoreticalMinimumSeconds(timing, timing.criticalForSeconds, 'critical'),
      ratio: null,
      counts,
      others,
      problems,
      notes: [...notes, `${heartbeats.length} heartbeat(s) delivered during maintenance`],
      deliveries: all,
      durationSeconds: (Date.now() - since) / 1000,
    };
  },
};

/** Heartbeat over a stretch of the run: Watchdog on its repeat interval, to the dead man's switch only, never twice. */
export interface HeartbeatReport {
  deliveries: number;
  intervalsSeconds: number[];
  expectedIntervalSeconds: number;
  maxAllowedIntervalSeconds: number;
  minAllowedIntervalSeconds: number;
  problems: string[];
}

export function checkHeartbeat(ctx: ScenarioContext, since: number, until = Date.now()): HeartbeatReport {
  const route = ctx.timing.routes.heartbeat;
  const all = readDeliveries(ctx.stack.topology).filter((d) => d.t >= since && d.t <= until);
  const beats = all.filter((d) => d.channel === 'heartbeat');
  const problems: string[] = [];
  for (const d of beats) if (d.alertnames.join() !== WATCHDOG) problems.push(`the dead man's switch got ${d.alertnames.join(',') || 'no alert'}`);
  for (const d of all) if (d.channel !== 'heartbeat' && d.alertnames.includes(WATCHDOG)) problems.push(`the Watchdog reached ${d.channel}`);
  const intervals = beats.slice(1).map((d, i) => (d.t - beats[i].t) / 1000);
  // Alertmanager re-sends once repeat_interval has passed, at the group's next flush (every group_interval);
  // a failover adds up to (replicas - 1) peer timeouts.
  const expected = Math.ceil(route.repeatIntervalSeconds / route.groupIntervalSeconds) * route.groupIntervalSeconds;
  const maxAllowed = expected + route.groupIntervalSeconds + ctx.timing.peerTimeoutSeconds * ctx.stack.alertmanagers.length + 2;
  const minAllowed = route.repeatIntervalSeconds - 1;
  for (const [i, s] of intervals.entries()) {
    if (s < minAllowed) problems.push(`heartbeats ${i} and ${i + 1} came ${s.toFixed(1)} s apart: a duplicate (repeat interval ${route.repeatIntervalSeconds} s)`);
    if (s > maxAllowed) problems.push(`heartbeats ${i} and ${i + 1} came ${s.toFixed(1)} s apart, more than ${maxAllowed} s: the dead man's switch would have fired`);
  }
  // Counted from the first beat: the very first send may wait for Prometheus' resend delay (see LocalStack.boot).
  const span = beats.length > 0 ? (until - beats[0].t) / 1000 : (until - since) / 1000;
  if (beats.length === 0 || beats.length < Math.floor(span / maxAllowed)) problems.push(`only ${beats.length} heartbeats in ${span.toFixed(0)} s`);
  return { deliveries: beats.length, intervalsSeconds: intervals, expectedIntervalSeconds: expected, maxAllowedIntervalSeconds: maxAllowed, minAllowedIntervalSeconds: minAllowed, problems };
}

export const SCENARIOS: Scenario[] = [databaseDown, errorSpike, slowApi, maintenance, alertmanagerFailover];

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
