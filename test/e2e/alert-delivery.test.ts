/**
 * End-to-end: a real fault reaches the right person exactly once. One local stack in production's
 * topology (2 Prometheus replicas, 3 clustered Alertmanagers, 2 exporter replicas on a real
 * PostgreSQL, demo app with traffic, SMS bridge, local receivers) is started once; the scenarios
 * run against it in order, each starting from a quiet stack and leaving one. The exporters and the
 * SMS bridge run from the `local` environment's manifests (test/manifest-run/), and a report
 * CronJob runs from its manifest at the end. Latencies go to bench/results.json ("e2e").
 */
import { join } from 'node:path';
import { checkDashboardsLive, checkSharedStateOnce } from '../local-stack/dashboards-live.js';
import { renderPreviews } from '../preview/render.js';
import { queryValue } from '../local-stack/servers.js';
import { waitFor } from '../local-stack/wait.js';
import { RECORDED } from '../../contract/recording-rules.js';
import { CHANNELS } from '../local-stack/deliveries.js';
import { e2eResults, writeE2eResults } from '../local-stack/results.js';
import {
  alertmanagerFailover,
  appDown,
  checkHeartbeat,
  databaseDown,
  errorSpike,
  formatReport,
  lowTraffic,
  maintenance,
  MAINTENANCE_ALERT,
  slowApi,
  type HeartbeatReport,
  type Scenario,
  type ScenarioContext,
  type ScenarioReport,
} from '../local-stack/scenarios/index.js';
import { killAllOnSignals } from '../local-stack/processes.js';
import { waitFiringInPrometheus } from '../local-stack/scenarios/observe.js';
import { LocalStack } from '../local-stack/stack.js';
import { pipelineTiming } from '../local-stack/timing.js';
import { repoRoot } from '../local-stack/topology.js';
import { readFileSync } from 'node:fs';
import { runReport, runVerification } from '../local-stack/manifest-services.js';

const MINUTE = 60_000;
let stack: LocalStack;
let ctx: ScenarioContext;
let startedAt: number;
const reports: ScenarioReport[] = [];
let heartbeat: HeartbeatReport | undefined;

beforeAll(async () => {
  // If CI or a person interrupts the run, take the whole stack down with it.
  killAllOnSignals();
  startedAt = Date.now();
  stack = await LocalStack.start({ dir: join(repoRoot(), '.local-stack', 'e2e'), log: (m) => process.stdout.write(`[stack] ${m}\n`) });
  ctx = { stack, timing: pipelineTiming(stack.config, stack.files.alertmanager), log: (m) => process.stdout.write(`[e2e] ${m}\n`) };
  // Up to 4 minutes for the stack, plus the image build when the sources changed since the last one.
}, 8 * MINUTE);

afterAll(async () => {
  if (reports.length > 0 && ctx) writeE2eResults(e2eResults(reports, ctx.timing, (Date.now() - startedAt) / 1000, heartbeat));
  await stack?.stop();
}, MINUTE);

/** Runs a scenario; on failure the report, Prometheus alerts, Alertmanager status and receiver logs are printed. */
async function run(s: Scenario): Promise<ScenarioReport> {
  const report = await s.run(ctx);
  reports.push(report);
  process.stdout.write(`${formatReport(report)}\n`);
  if (report.problems.length > 0) process.stdout.write(`${await stack.diagnostics(report.faultAt - MINUTE)}\n`);
  return report;
}

const none = { firing: 0, resolved: 0 };

/** A page: once on email, Slack and SMS; resolved on email and Slack (the SMS bridge texts no resolutions); nothing else wrong. */
function expectPageOnce(r: ScenarioReport): void {
  expect(r.problems).toEqual([]);
  expect(r.counts.email).toEqual({ firing: 1, resolved: 1 });
  expect(r.counts.slack).toEqual({ firing: 1, resolved: 1 });
  expect(r.counts.sms).toEqual({ firing: 1, resolved: 0 });
}

describe('alert delivery end to end', () => {
  it('database-down: ImmigrationAiDatabaseDown pages email, Slack and SMS once, then resolves', async () => {
    const r = await run(databaseDown);
    expectPageOnce(r);
    expect(r.latencySeconds).not.toBeNull();
  }, 5 * MINUTE);

  it('error-spike: 12% 5xx on one route pages the critical ImmigrationAiEndpointErrorRateHigh; its warning is inhibited', async () => {
    const r = await run(errorSpike);
    expectPageOnce(r);
  }, 5 * MINUTE);

  it('slow-api: a slow route raises the ImmigrationAiApiSlow warning on email and Slack, no SMS', async () => {
    const r = await run(slowApi);
    expect(r.problems).toEqual([]);
    expect(r.counts.email).toEqual({ firing: 1, resolved: 1 });
    expect(r.counts.slack).toEqual({ firing: 1, resolved: 1 });
    expect(r.counts.sms).toEqual(none);
  }, 5 * MINUTE);

  it('maintenance: a fault during maintenance delivers nothing but the heartbeat', async () => {
    const r = await run(maintenance);
    expect(r.problems).toEqual([]);
    for (const ch of CHANNELS.filter((c) => c !== 'heartbeat')) expect(r.counts[ch]).toEqual(none);
  }, 5 * MINUTE);

  it('app-down: the killed app pages ImmigrationAiAppDown once on every critical channel and resolves when it returns; its restart raises no backup alert', async () => {
    const r = await run(appDown);
    expectPageOnce(r);
  }, 5 * MINUTE);

  it('low-traffic-errors: a route at production\'s 1 request a minute (compressed) failing 50% pages the critical once', async () => {
    const r = await run(lowTraffic);
    expectPageOnce(r);
  }, 5 * MINUTE);

  // Last of the scenarios: a restarted Alertmanager groups alerts on its own timer and receives the
  // resolved alerts Prometheus re-sends for 15 minutes, which can make it notify an unrelated,
  // later alert of the same group a second time (docs/on-call.md). Nothing runs after it but checks.
  it('alertmanager-failover: with the first Alertmanager killed mid-fault, the page still arrives exactly once', async () => {
    const r = await run(alertmanagerFailover);
    expectPageOnce(r);
  }, 6 * MINUTE);

  it('heartbeat: the Watchdog reached only the dead man\'s switch, on its repeat interval, until an Alertmanager was restarted', () => {
    // Until the failover: its restarted replica's timer may tick with another's (see above).
    const failover = reports.find((x) => x.scenario === alertmanagerFailover.name);
    const hb = checkHeartbeat(ctx, startedAt, failover?.faultAt);
    heartbeat = hb;
    process.stdout.write(`heartbeat: ${hb.deliveries} deliveries, intervals ${hb.intervalsSeconds.map((s) => s.toFixed(1)).join(' ')} s\n`);
    expect(hb.problems).toEqual([]);
    expect(hb.deliveries).toBeGreaterThan(3);
  });
});

describe('dashboards against live data', () => {
  /**
   * After the scenarios the stack is healthy again, with minutes of traffic and latency behind it.
   * Two things a healthy system rightly lacks would leave panels empty: a firing alert (the alert
   * panels leave out the Watchdog) and enough recent 5xx on an endpoint to pass the error-rate
   * alert's low-traffic guard (the panels that mirror that alert draw only such endpoints). So the
   * checks run with maintenance mode on (an alert that notifies nobody) and the fault route failing
   * 4% of its requests: under the 5% warning threshold, over the guard's failure count within
   * seconds at 5 requests per second.
   */
  async function withAlertAndErrors(fn: () => Promise<void>): Promise<void> {
    stack.setMaintenance(true);
    await stack.app.setFault({ ...stack.app.faultRoute, errorRatio: 0.04 });
    try {
      await waitFiringInPrometheus(stack, MAINTENANCE_ALERT, undefined, MINUTE);
      const minFailed = stack.config.alerting.lowTraffic.minFailedRequests;
      await waitFor(async () => (await queryValue(stack.prometheusUrls[0], `max(${RECORDED.httpErrorsIncrease1h}) >= ${minFailed}`)) !== undefined, {
        timeoutMs: MINUTE,
        what: `an endpoint with ${minFailed} failed requests in the low-traffic window`,
      });
      // One more rate window, so the 5-minute (here 20 s) ratio of the guarded endpoint is recorded too.
      await new Promise((r) => setTimeout(r, stack.config.alerting.rateWindowSeconds * 1000));
      await fn();
    } finally {
      await stack.app.clearFaults();
      stack.setMaintenance(false);
    }
  }

  it('every PromQL target of every generated dashboard returns series from the busy local stack (instant and range)', async () => {
    const rangeSeconds = Math.min(600, Math.floor((Date.now() - startedAt) / 1000));
    await withAlertAndErrors(async () => {
      for (const base of stack.prometheusUrls) {
        const r = await checkDashboardsLive(stack.config, base, rangeSeconds);
        process.stdout.write(`dashboards on ${base}: ${r.checked} PromQL targets checked, ${r.skipped.length} skipped (LogQL: no Loki; container and volume series: no kubelet)\n`);
        if (r.skipped.length > 0) process.stdout.write(`${r.skipped.join('\n')}\n`);
        if (r.failures.length > 0) process.stdout.write(`${r.failures.join('\n')}\n`);
        expect(r.failures).toEqual([]);
        expect(r.checked).toBeGreaterThan(0);
      }
    });
  }, 4 * MINUTE);

  it('every dashboard renders to a preview picture in which every panel shows something (npm run preview)', async () => {
    const rangeSeconds = Math.min(3600, Math.floor((Date.now() - startedAt) / 1000));
    await withAlertAndErrors(async () => {
      const outDir = join(repoRoot(), '.local-stack', 'e2e-preview');
      const r = await renderPreviews({ config: stack.config, prometheusUrl: stack.prometheusUrls[0], outDir, rangeSeconds });
      process.stdout.write(`dashboard previews: ${Object.values(r.files).map((f) => f.png).join(' ')}\n`);
      if (r.empty.length > 0) process.stdout.write(`panels that show nothing:\n${r.empty.join('\n')}\n`);
      expect(Object.keys(r.files)).toHaveLength(7);
      expect(r.empty).toEqual([]);
    });
  }, 4 * MINUTE);

  it('shared-state panels show each value once, not once per exporter replica (two replicas publish it)', async () => {
    const instances = [...stack.exporterTargets];
    expect(instances).toHaveLength(2);
    const r = await checkSharedStateOnce(stack.config, stack.prometheusUrls[0], instances);
    process.stdout.write(`${r.checked.join('\n')}\n`);
    if (r.failures.length > 0) process.stdout.write(`${r.failures.join('\n')}\n`);
    expect(r.failures).toEqual([]);
    expect(r.checked.length).toBeGreaterThanOrEqual(4);
  }, MINUTE);
});

describe('a report CronJob, run as its manifest says', () => {
  it('the daily report queries Prometheus through the Service in its arguments and reaches Slack and email', async () => {
    const since = Date.now();
    const t = stack.topology;
    const r = await runReport(stack.cluster, stack.config, 'daily', { host: '127.0.0.1', port: t.ports.prometheus[0] });
    process.stdout.write(`report (${stack.cluster.runtime.kind}, ${r.seconds.toFixed(1)} s, exit ${r.exitCode}):\n${r.logs.split('\n').slice(-8).join('\n')}\n`);
    expect(r.exitCode).toBe(0);
    const lines = (file: string): { t: number; [k: string]: unknown }[] => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l)).filter((l) => l.t >= since);
    const slack = lines(t.paths.receivers.slack).filter((l) => JSON.stringify(l.body).includes('daily report'));
    const mail = lines(t.paths.receivers.email).filter((l) => String(l.subject).includes('daily report'));
    expect({ slack: slack.length, email: mail.length }).toEqual({ slack: 1, email: 1 });
    // Figures came from the stack's Prometheus: the busy demo app's requests are in the report.
    expect(String(mail[0].text)).toMatch(/request/i);
  }, 3 * MINUTE);
});

describe('deployment verification, as a pipeline runs it', () => {
  it('a Job created from the suspended CronJob verifies the demo app through the app\'s Service and tells Slack', async () => {
    const since = Date.now();
    const t = stack.topology;
    const r = await runVerification(stack.cluster, stack.config);
    process.stdout.write(`verification (${stack.cluster.runtime.kind}, ${r.seconds.toFixed(1)} s, exit ${r.exitCode}):\n${r.logs.split('\n').slice(-4).join('\n')}\n`);
    expect(r.exitCode).toBe(0);
    expect(r.logs).toMatch(/Deployment completed and monitoring verified: healthy, \d+ immigration_ai_ samples at \/metrics/);
    const slack = readFileSync(t.paths.receivers.slack, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { t: number; body: unknown })
      .filter((l) => l.t >= since && JSON.stringify(l.body).includes('Deployment completed and monitoring verified'));
    expect(slack).toHaveLength(1);
  }, 6 * MINUTE);
});
