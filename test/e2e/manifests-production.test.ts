/**
 * Production's manifests, run as written (test/manifest-run/): two Prometheus replicas and three
 * clustered Alertmanagers from their StatefulSets (Debian's binaries in images with the official
 * layout, the StatefulSets' own arguments, config files and Secret mounts), two exporters and the
 * SMS bridge from their Deployments, each under its security context, with its probes.
 *
 * Standing in for what cannot run here, and said where it happens:
 * - the prometheus-config-reloader image: the test does its init container's job (expand
 *   `$(POD_NAME)`), and Kubernetes service discovery, which Debian's Prometheus lacks, becomes the
 *   static targets EndpointSlice discovery would find (the relabelling runs as written); node
 *   discovery (the kubelet jobs) finds nothing, as no kubelet and no node-exporter run here;
 * - the dead man's switch: its URL points at a local receiver (a setting of the config).
 * Nothing in the arguments is stripped: Prometheus 2.42 and Alertmanager 0.25 take every flag the
 * StatefulSets pass.
 *
 * Proves: every probe passes; Prometheus scrapes every target it can discover among these pods
 * and finds the three Alertmanagers; the Alertmanagers form their cluster from the peer flags; and
 * the Watchdog goes from both Prometheus replicas through the Alertmanager cluster to the heartbeat
 * receiver exactly once, with the Authorization header read from the mounted Secret.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { ALERTMANAGER, EXPORTER, PROMETHEUS, SMS_BRIDGE } from '../../contract/components.js';
import { loadConfig, type MonitoringConfig } from '../../contract/config/index.js';
import { EXPORTER_SECRET } from '../../contract/secrets.js';
import { synthesizeEnvironment } from '../../stacks/synth.js';
import { containerEngine } from '../helpers/container-engine.js';
import { objectsIn, type K8sObject } from '../helpers/manifests.js';
import { defaultRuntime, ManifestCluster } from '../manifest-run/cluster.js';
import { debianAlertmanager, debianPrometheus, projectImage } from '../manifest-run/images.js';
import type { RunningPod } from '../manifest-run/runtime.js';
import { configReloaderInit } from '../manifest-run/service-discovery.js';
import { repoRoot } from '../local-stack/topology.js';
import { waitFor } from '../local-stack/wait.js';

const MINUTE = 60_000;
// Two Prometheus and three Alertmanagers on the same ports need a pod address each: containers only.
const engine = containerEngine();
const describeCluster = engine ? describe : describe.skip;
if (!engine) process.stdout.write('manifests-production: no container runtime here (podman or docker): skipped; the process fallback cannot give replicas their own addresses\n');
const HEARTBEAT_KEY = 'heartbeat-key-from-the-secret';
const NOT_HERE = 'the prometheus-config-reloader image is not available here; reloads are covered by the rollout test (no restart needed)';

let cluster: ManifestCluster;
let config: MonitoringConfig;
let objects: K8sObject[];
let heartbeat: Server;
const beats: { t: number; authorization?: string; body: string }[] = [];
const pods: Record<string, RunningPod[]> = {};

beforeAll(async () => {
  if (!engine) return;
  const workDir = join(repoRoot(), '.local-stack', 'manifests-production');
  const runtime = defaultRuntime(workDir, `prod-${process.pid}-${Date.now().toString(36)}`);
  heartbeat = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      beats.push({ t: Date.now(), authorization: req.headers.authorization, body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => heartbeat.listen(0, runtime.hostAddress === '127.0.0.1' ? '127.0.0.1' : '0.0.0.0', () => r()));
  const port = (heartbeat.address() as { port: number }).port;
  config = loadConfig('production', {}, { channels: { heartbeat: { url: `http://${runtime.hostAddress}:${port}/v2/heartbeats/immigration-ai-production/ping` } } });
  objects = objectsIn(synthesizeEnvironment(config), '', 'k8s');
  cluster = new ManifestCluster({
    objects,
    workDir,
    runtime,
    secrets: {
      [EXPORTER_SECRET]: { DATABASE_URL: 'postgres://monitor:unused@database.invalid:5432/immigration_ai' },
      [config.channels.sms.credentialsSecret]: { TWILIO_ACCOUNT_SID: 'AC0000', TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM: '+15555550100', SMS_TO: '+15555550199' },
      [config.channels.heartbeat.credentialsSecret.name]: { [config.channels.heartbeat.credentialsSecret.key]: HEARTBEAT_KEY },
    },
    images: {
      [config.images.exporter]: projectImage(engine),
      [config.images.prometheus]: debianPrometheus(engine, config.images.prometheus, workDir),
      [config.images.alertmanager]: debianAlertmanager(engine, config.images.alertmanager, workDir),
    },
    log: (m) => process.stdout.write(`[manifest-run] ${m}\n`),
  });
  // Addresses and names first: the Alertmanagers resolve their peers, Prometheus discovers every pod.
  const reserve = (kind: string, name: string, n: number, skip: Record<string, string> = {}, emulate = {}): ReturnType<ManifestCluster['reserve']>[] =>
    // StatefulSet pods are <name>-<ordinal>, which the Alertmanagers' peer flags name.
    Array.from({ length: n }, (_, i) => cluster.reserve(kind, name, { podName: `${name}-${i}`, skip, emulate }));
  const ams = reserve('StatefulSet', ALERTMANAGER.name, config.replicas.alertmanager, { 'config-reloader': NOT_HERE });
  const exporters = reserve('Deployment', EXPORTER.name, config.replicas.exporter);
  const bridges = reserve('Deployment', SMS_BRIDGE.name, 1);
  const proms = reserve('StatefulSet', PROMETHEUS.name, config.replicas.prometheus, { 'config-reloader': NOT_HERE }, {
    'init-config-reloader': configReloaderInit(objects, () => cluster.known()),
  });
  for (const [key, list] of [['alertmanager', ams], ['exporter', exporters], ['bridge', bridges], ['prometheus', proms]] as const) {
    pods[key] = await Promise.all(list.map((r) => cluster.startReserved(r)));
  }
}, 10 * MINUTE);

afterAll(async () => {
  await cluster?.stop();
  await new Promise<void>((r) => (heartbeat ? heartbeat.close(() => r()) : r()));
}, 2 * MINUTE);

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return (await res.json()) as T;
}

describeCluster('production manifests, run as written', () => {
  it('every pod passes its startup, readiness and liveness probes', async () => {
    for (const list of Object.values(pods)) {
      for (const pod of list) {
        const reports = await cluster.waitReady(pod, { capMs: 2 * MINUTE });
        expect(reports.length).toBeGreaterThanOrEqual(2);
      }
    }
  }, 6 * MINUTE);

  it('the Alertmanagers form one cluster from their peer flags', async () => {
    await waitFor(async () => {
      for (const am of pods.alertmanager) {
        const s = await getJson<{ cluster: { peers: unknown[] | null; status: string } }>(`${cluster.url(am, ALERTMANAGER.portName)}/api/v2/status`);
        if ((s.cluster.peers ?? []).length !== pods.alertmanager.length) return false;
      }
      return true;
    }, { timeoutMs: 3 * MINUTE, what: `${pods.alertmanager.length} Alertmanager peers` });
  }, 4 * MINUTE);

  it('each Prometheus scrapes every target it discovers among these pods, with the relabelled labels, and finds every Alertmanager', async () => {
    for (const p of pods.prometheus) {
      const base = cluster.url(p, PROMETHEUS.portName);
      type Target = { labels: Record<string, string>; health: string; lastError: string; scrapePool: string };
      const expected = { 'immigration-ai-exporter': config.replicas.exporter, prometheus: config.replicas.prometheus, alertmanager: config.replicas.alertmanager, 'immigration-ai-sms-bridge': 1 };
      let targets: Target[] = [];
      await waitFor(async () => {
        targets = (await getJson<{ data: { activeTargets: Target[] } }>(`${base}/api/v1/targets?state=active`)).data.activeTargets;
        return Object.entries(expected).every(([job, n]) => targets.filter((t) => t.labels.job === job && t.health === 'up').length === n);
      }, { timeoutMs: 3 * MINUTE, what: `every target up on ${p.plan.name}` }).catch((e: Error) => {
        throw new Error(`${e.message}: ${JSON.stringify(targets.map((t) => [t.scrapePool, t.health, t.lastError]))}`);
      });
      const exporter = targets.find((t) => t.labels.job === 'immigration-ai-exporter')!;
      expect(exporter.labels).toMatchObject({ namespace: config.namespace, service: EXPORTER.name });
      expect(exporter.labels.pod).toMatch(/^immigration-ai-exporter-/);
      const ams = await getJson<{ data: { activeAlertmanagers: unknown[] } }>(`${base}/api/v1/alertmanagers`);
      expect(ams.data.activeAlertmanagers).toHaveLength(config.replicas.alertmanager);
      const rules = await getJson<{ data: { groups: unknown[] } }>(`${base}/api/v1/rules`);
      expect(rules.data.groups.length).toBeGreaterThan(3);
    }
  }, 8 * MINUTE);

  it('the Watchdog reaches the dead man\'s switch once, through the cluster, with the key from the mounted Secret', async () => {
    const first = await waitFor(() => beats[0], { timeoutMs: 4 * MINUTE, what: 'the first heartbeat' });
    expect(first.authorization).toBe(`${config.channels.heartbeat.authorizationType} ${HEARTBEAT_KEY}`);
    expect(JSON.parse(first.body).alerts[0].labels.alertname).toBe('Watchdog');
    // Two Prometheus replicas x three Alertmanagers: one notification, not six. The backups wait
    // (position x peer timeout, 15 s by default: 30 s for the third) and then see it in the gossiped
    // notification log.
    await new Promise((r) => setTimeout(r, 40_000));
    expect(beats.filter((b) => b.t - first.t < 40_000)).toHaveLength(1);
  }, 6 * MINUTE);

  it('every container keeps passing its liveness probe', async () => {
    for (const list of Object.values(pods)) {
      for (const pod of list) {
        for (const r of (await cluster.probeNow(pod)).filter((x) => x.probe === 'livenessProbe')) expect({ pod: pod.plan.name, ...r }).toMatchObject({ ok: true });
      }
    }
  });
});
