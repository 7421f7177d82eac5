/**
 * The project's own services in the local stack, run from the generated manifests of the `local`
 * environment by the manifest runner (test/manifest-run/): the exporter Deployment and the SMS bridge
 * Deployment as the manifests say (image, command, user, read-only root filesystem, environment
 * from the exporter's ConfigMap and the Secrets, Secret mounts, probes), and one report CronJob run.
 * A wiring mistake in those manifests (a wrong ConfigMap key, Secret mount or variable name) breaks
 * the scenarios.
 *
 * What the stack adds to the manifests, each because the test cannot reach it otherwise:
 * - the Secrets an operator would create (database URL, Twilio credentials, Slack webhook), with
 *   the stand-ins' addresses;
 * - the SMS bridge's TWILIO_BASE_URL: Twilio is on the internet, its stand-in here;
 * - the exporter's STORAGE_DIR with its folder: the `local` environment sets no
 *   `exporter.storage`, and the scenarios need a storage check to pass.
 * The maintenance switch is the manifests' own ConfigMap, mounted as a folder: the stack toggles
 * it as `kubectl patch` would (ManifestCluster.updateConfigMap rewrites the mounted file).
 *
 * The exporter runs as many pods as the Deployment's replicas (production's topology: two). In
 * containers each pod has its own address; in the process fallback pods share this host's network,
 * so replica i > 0 listens on the manifest's port + i (its probes still name the manifest's port).
 */
import { join } from 'node:path';
import { EXPORTER, PROMETHEUS, SMS_BRIDGE, VERIFY_DEPLOYMENT } from '../../contract/components.js';
import type { MonitoringConfig } from '../../contract/config/index.js';
import { EXPORTER_SECRET } from '../../contract/secrets.js';
import { synthesizeEnvironment } from '../../stacks/synth.js';
import { containerEngine } from '../helpers/container-engine.js';
import { objectsIn } from '../helpers/manifests.js';
import { ManifestCluster } from '../manifest-run/cluster.js';
import { projectImage } from '../manifest-run/images.js';
import type { JobResult, PodRuntime, RunningPod } from '../manifest-run/runtime.js';
import type { Topology } from './topology.js';

/** Fake Twilio account (the local stand-in accepts any); numbers from the reserved 555 range. */
export const LOCAL_TWILIO = { accountSid: 'ACLOCALSTACK000000000000000000000', authToken: 'local-auth-token', from: '+15555550100', to: '+15555550199' } as const;

/** Where the exporter sees the stack's storage folder (added to its manifest, see above). */
const STORAGE_MOUNT = '/var/lib/immigration-ai/storage';

export interface ManifestServices {
  cluster: ManifestCluster;
  exporters: RunningPod[];
  smsBridge: RunningPod;
  /** `host:port` Prometheus scrapes each exporter pod at. */
  exporterTargets: string[];
  /** `host:port` Prometheus scrapes the SMS bridge at. */
  smsBridgeTarget: string;
  /** The bridge's webhook URL for Alertmanager. */
  smsBridgeUrl: string;
}

/** A manifest runner for the `local` environment's manifests (the Secrets come later: localSecrets). */
export function localCluster(config: MonitoringConfig, t: Topology, runtime: PodRuntime, log: (m: string) => void): ManifestCluster {
  return new ManifestCluster({
    objects: objectsIn(synthesizeEnvironment(config), '', 'k8s'),
    workDir: join(t.dir, 'manifest-run'),
    images: { [config.images.exporter]: projectImage(runtime.kind === 'container' ? containerEngine() : undefined) },
    runtime,
    log,
  });
}

/** The Secrets of the `local` environment's manifests, pointing at the stack's stand-ins (reachable from pods at hostAddress). */
export function localSecrets(config: MonitoringConfig, t: Topology, hostAddress: string, databaseUrl: string): Record<string, Record<string, string>> {
  const slack = config.channels.slack.webhookUrlSecret;
  return {
    [EXPORTER_SECRET]: { DATABASE_URL: databaseUrl },
    [config.channels.sms.credentialsSecret]: { TWILIO_ACCOUNT_SID: LOCAL_TWILIO.accountSid, TWILIO_AUTH_TOKEN: LOCAL_TWILIO.authToken, TWILIO_FROM: LOCAL_TWILIO.from, SMS_TO: LOCAL_TWILIO.to },
    [slack.name]: { [slack.key]: `http://${hostAddress}:${t.ports.slack}/services/T00000000/B00000000/local-stack` },
  };
}

export async function startManifestServices(cluster: ManifestCluster, t: Topology, replicas: number, startTimeoutMs: number): Promise<ManifestServices> {
  const shared = cluster.runtime.kind === 'process';
  const exporters: RunningPod[] = [];
  const exporterTargets: string[] = [];
  for (let i = 0; i < replicas; i++) {
    const port = shared ? EXPORTER.port + i : EXPORTER.port;
    const pod = await cluster.startPod('Deployment', EXPORTER.name, {
      podName: `${EXPORTER.name}-${i}`,
      overlay: {
        exporter: {
          env: { STORAGE_DIR: STORAGE_MOUNT, ...(port !== EXPORTER.port ? { PORT: String(port) } : {}) },
          mounts: [{ hostDir: t.paths.storageDir, mountPath: STORAGE_MOUNT, readOnly: true }],
        },
      },
    });
    exporters.push(pod);
    exporterTargets.push(`${pod.ip}:${port}`);
  }
  const smsBridge = await cluster.startPod('Deployment', SMS_BRIDGE.name, {
    overlay: { 'sms-bridge': { env: { TWILIO_BASE_URL: `http://${cluster.hostAddress}:${t.ports.twilio}` } } },
  });
  await Promise.all([...exporters, smsBridge].map((p) => cluster.waitReady(p, { capMs: startTimeoutMs })));
  return {
    cluster,
    exporters,
    smsBridge,
    exporterTargets,
    smsBridgeTarget: `${smsBridge.ip}:${SMS_BRIDGE.port}`,
    smsBridgeUrl: `${cluster.url(smsBridge, SMS_BRIDGE.portName)}${SMS_BRIDGE.path}`,
  };
}

/** One run of a report CronJob against the stack's first Prometheus, reached through the Service name in its arguments. */
export async function runReport(cluster: ManifestCluster, config: MonitoringConfig, period: 'daily' | 'weekly', prometheus: { host: string; port: number }): Promise<JobResult> {
  await cluster.exposeService(PROMETHEUS.name, config.namespace, PROMETHEUS.port, prometheus);
  return cluster.runJob('CronJob', `immigration-ai-${period}-report`, { timeoutMs: 120_000 });
}

/**
 * The deployment verification Job, created from its suspended CronJob as a pipeline's
 * `kubectl create job --from` does, against the stack's demo app: the app's Service name resolves
 * to this host (through a forwarder when pods run in containers), where the demo app listens on the
 * Service's port.
 */
export async function runVerification(cluster: ManifestCluster, config: MonitoringConfig): Promise<JobResult> {
  const v = config.kubernetes.deploymentVerification;
  const svc = `${v.appService}.${config.kubernetes.appNamespace}`;
  if (cluster.runtime.kind === 'container') {
    // The demo app listens on 127.0.0.1 only: a forwarder on the runner network's gateway, at the Service's port, reaches it.
    await cluster.exposeService(v.appService, config.kubernetes.appNamespace, v.port, { host: '127.0.0.1', port: v.port });
  } else {
    // Processes share this host's network: the Service name resolves to 127.0.0.1, where the demo app listens on the Service's port.
    for (const name of [`${svc}.svc`, `${svc}.svc.cluster.local`]) cluster.addHost(name, cluster.hostAddress);
  }
  return cluster.runJob('CronJob', VERIFY_DEPLOYMENT.name, { timeoutMs: 2 * 60_000 });
}
