/**
 * Deployment verification as shipped: the Job of `verify-deployment/` (Argo CD PostSync hook) and the
 * suspended CronJob pipelines create Jobs from, and the Job run as written by the manifest runner
 * (the project's image under podman, or its process fallback) against the demo app behind the app's
 * Service name: healthy, unhealthy, metrics missing and never ready, with the result posted to a
 * Slack stand-in from the Secret an operator creates.
 */
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROMETHEUS, VERIFY_DEPLOYMENT } from '../contract/components.js';
import { type DeepPartial, loadConfig, type MonitoringConfig } from '../contract/config/index.js';
import { IMAGE_COMMANDS } from '../contract/image.js';
import { createLogger } from '../exporters/logging/logger.js';
import { allowed, type Endpoint } from '../stacks/review/network-policy.js';
import { synthesizeEnvironment } from '../stacks/synth.js';
import { createDemoApp, type DemoApp } from './demo-app/app.js';
import { containerEngine } from './helpers/container-engine.js';
import { find, type K8sObject, objectsIn, podLabelsOf, podSpecOf } from './helpers/manifests.js';
import { close, LineCollector } from './helpers/net.js';
import { freePort } from './helpers/postgres.js';
import { ManifestCluster } from './manifest-run/cluster.js';
import { projectImage } from './manifest-run/images.js';

const MINUTE = 60_000;
const NAME = VERIFY_DEPLOYMENT.name;

function manifests(config: MonitoringConfig): { stack: K8sObject[]; hook: K8sObject[] } {
  const tree = synthesizeEnvironment(config);
  return { stack: objectsIn(tree, '', 'k8s'), hook: objectsIn(tree, '', 'verify-deployment') };
}

describe('the deployment verification manifests', () => {
  const config = loadConfig('production', {});
  const { stack, hook } = manifests(config);
  const v = config.kubernetes.deploymentVerification;

  it('a PostSync hook Job of the project\'s image that checks the app through its Service', () => {
    expect(hook.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([`Job/${NAME}`]);
    const job = hook[0];
    expect(job.metadata.namespace).toBe(config.namespace);
    expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
    const spec = job.spec as { backoffLimit: number; activeDeadlineSeconds: number };
    expect(spec.backoffLimit).toBe(0);
    expect(spec.activeDeadlineSeconds).toBeGreaterThan(v.timeoutSeconds);
    const c = podSpecOf(job).containers[0];
    expect(c.image).toBe(config.images.exporter);
    expect(c.command).toEqual([...IMAGE_COMMANDS.verify]);
    const arg = (flag: string): string => c.args[c.args.indexOf(flag) + 1];
    expect(arg('--url')).toBe(`http://${v.appService}.${config.kubernetes.appNamespace}.svc:${v.port}`);
    expect([arg('--health-path'), arg('--metrics-path'), arg('--timeout')]).toEqual([v.healthPath, v.metricsPath, String(v.timeoutSeconds)]);
    // Slack is on in production: the webhook is a file of the Slack Secret, never a value.
    expect(c.args).toContain('--slack');
    const secret = config.channels.slack.webhookUrlSecret;
    expect(c.env).toEqual([{ name: 'SLACK_WEBHOOK_URL_FILE', value: expect.stringMatching(new RegExp(`/${secret.name}/${secret.key}$`)) }]);
  });

  it('the stack carries the same pod as a suspended CronJob (for kubectl create job --from), its ServiceAccount and NetworkPolicy', () => {
    const cron = find(stack, 'CronJob', NAME);
    const spec = cron.spec as { suspend: boolean; jobTemplate: { spec: unknown } };
    expect(spec.suspend).toBe(true);
    expect(spec.jobTemplate.spec).toEqual(hook[0].spec);
    find(stack, 'ServiceAccount', NAME);
    expect(stack.some((o) => o.kind === 'Job')).toBe(false);
  });

  it('may reach the app\'s Service port and Slack, nothing else of ours', () => {
    const policies = stack.filter((o) => o.kind === 'NetworkPolicy');
    const verify: Endpoint = { name: NAME, namespace: config.namespace, labels: podLabelsOf(find(stack, 'CronJob', NAME)) };
    const app: Endpoint = { name: 'the app', namespace: config.kubernetes.appNamespace, labels: { app: 'immigration-ai' } };
    const prometheus: Endpoint = { name: PROMETHEUS.name, namespace: config.namespace, labels: podLabelsOf(find(stack, 'StatefulSet', PROMETHEUS.name)) };
    const world: Endpoint = { name: 'outside the cluster', external: true };
    expect(allowed(policies, verify, app, v.port)).toBe(true);
    expect(allowed(policies, verify, app, v.port + 1)).toBe(false);
    expect(allowed(policies, verify, world, 443)).toBe(true);
    expect(allowed(policies, verify, prometheus, PROMETHEUS.port)).toBe(false);
    expect(allowed(policies, app, verify, 8080)).toBe(false);
    // Without Slack, no way out.
    const noSlack = manifests(loadConfig('dev', {}, { channels: { slack: { enabled: false } } })).stack.filter((o) => o.kind === 'NetworkPolicy');
    expect(allowed(noSlack, verify, world, 443)).toBe(false);
  });
});

describe('the verification Job, run as written against the demo app', () => {
  const engine = containerEngine();
  let demo: DemoApp;
  let appServer: Server | undefined;
  let slack: Server;
  const slackPosts: string[] = [];
  let cluster: ManifestCluster;
  // The demo app listens on the Service port the Job's URL names, on every address: pods reach
  // this host at cluster.hostAddress, a bridge that exists only once a pod runs.
  let servicePort = 0;

  const startApp = async (): Promise<void> => {
    appServer = createServer(demo.app);
    await new Promise<void>((resolve, reject) => {
      appServer!.once('error', reject);
      appServer!.listen(servicePort, '0.0.0.0', () => resolve());
    });
  };

  beforeAll(async () => {
    demo = createDemoApp(createLogger({ component: 'demo-app', destination: new LineCollector() }));
    // Some traffic, so the app's immigration_ai_ counters have samples.
    demo.recorders.userRegistered();
    servicePort = await freePort();
    await startApp();
    // A short deadline keeps the failing cases short; the Job's interval follows it (1 s here).
    const extra: DeepPartial<MonitoringConfig> = { kubernetes: { deploymentVerification: { port: servicePort, timeoutSeconds: 10 } } };
    const config = loadConfig('local', {}, extra);
    const { stack, hook } = manifests(config);
    cluster = new ManifestCluster({
      objects: [...stack, ...hook],
      workDir: join(tmpdir(), `verify-deployment-test-${process.pid}`),
      images: { [config.images.exporter]: projectImage(engine) },
      log: (m) => process.stdout.write(`[manifest-run] ${m}\n`),
    });
    slack = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        slackPosts.push((JSON.parse(body) as { text: string }).text);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve, reject) => {
      slack.once('error', reject);
      slack.listen(0, '0.0.0.0', () => resolve());
    });
    const secret = config.channels.slack.webhookUrlSecret;
    cluster.setSecret(secret.name, { [secret.key]: `http://${cluster.hostAddress}:${(slack.address() as { port: number }).port}/services/T0/B0/verify` });
    // The app's Service, as the Job's --url names it, leads to the demo app on this host.
    const svc = `${config.kubernetes.deploymentVerification.appService}.${config.kubernetes.appNamespace}`;
    for (const name of [`${svc}.svc`, `${svc}.svc.cluster.local`]) cluster.addHost(name, cluster.hostAddress);
  }, 20 * MINUTE);

  afterAll(async () => {
    await cluster?.stop();
    await close(appServer);
    await close(slack);
  }, MINUTE);

  const runJob = async (): Promise<{ code: number | null; logs: string; slack: string }> => {
    const before = slackPosts.length;
    const r = await cluster.runJob('Job', NAME, { timeoutMs: 2 * MINUTE });
    return { code: r.exitCode, logs: r.logs, slack: slackPosts.slice(before).join('\n') };
  };

  it('healthy: exit 0, and Slack hears it', async () => {
    demo.faults.clear();
    const r = await runJob();
    expect({ code: r.code, logs: r.logs }).toEqual({ code: 0, logs: expect.stringMatching(/Deployment completed and monitoring verified: healthy, \d+ immigration_ai_ samples at \/metrics/) });
    expect(r.slack).toMatch(/^:white_check_mark: Deployment completed and monitoring verified/);
  }, 3 * MINUTE);

  it('unhealthy: the health endpoint fails throughout: exit 1 after the deadline', async () => {
    demo.faults.set({ route: '/healthz', errorRatio: 1, latencyMs: 0, status: 503 });
    const r = await runJob();
    demo.faults.clear();
    expect(r.code).toBe(1);
    expect(r.logs).toMatch(/\/healthz not healthy within 10s \(last: HTTP 503\)/);
    expect(r.slack).toMatch(/^:x: Deployment verification failed/);
  }, 3 * MINUTE);

  it('metrics missing: healthy, but /metrics fails: exit 2', async () => {
    demo.faults.set({ route: '/metrics', errorRatio: 1, latencyMs: 0, status: 404 });
    const r = await runJob();
    demo.faults.clear();
    expect(r.code).toBe(2);
    expect(r.logs).toMatch(/\/metrics answered HTTP 404 with 0 immigration_ai_ samples/);
  }, 3 * MINUTE);

  it('never ready: nothing answers behind the Service: exit 1 after the deadline', async () => {
    await close(appServer);
    appServer = undefined;
    const r = await runJob();
    expect(r.code).toBe(1);
    expect(r.logs).toMatch(/\/healthz not healthy within 10s \(last: /);
    expect(r.slack).toMatch(/^:x: Deployment verification failed/);
  }, 3 * MINUTE);
});
