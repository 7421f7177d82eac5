/**
 * The project's container image (Containerfile, `npm run image`): built from this checkout when
 * missing or stale, under the reference the manifests run; non-root, production dependencies only;
 * and the exporter Deployment of production, run as its manifest says (user, read-only root
 * filesystem, dropped capabilities, limits, environment from its ConfigMap and Secret), passes its
 * probes and serves /healthz and /api/health. Without a container runtime the image tests are
 * skipped and the same Deployment runs as a process (test/manifest-run/runtime-process.ts).
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { IMAGE_REFERENCE, repositoryRoot } from '../stacks/image/build.js';
import { engineOk, engineRun } from '../stacks/image/engine.js';
import { ENVIRONMENT_NAMES, loadConfig } from '../contract/config/index.js';
import { IMAGE_COMMANDS, IMAGE_UID } from '../contract/image.js';
import { EXPORTER, SMS_BRIDGE } from '../contract/components.js';
import { EXPORTER_SECRET } from '../contract/secrets.js';
import { synthesizeEnvironment } from '../stacks/synth.js';
import { containerEngine } from './helpers/container-engine.js';
import { objectsIn } from './helpers/manifests.js';
import { ManifestCluster } from './manifest-run/cluster.js';
import { ensureProjectImage, projectImage } from './manifest-run/images.js';

const MINUTE = 60_000;
const engine = containerEngine();
const describeImage = engine ? describe : describe.skip;
if (!engine) process.stdout.write('image.test: no container runtime here (podman or docker); the image tests are skipped and the exporter runs as a process\n');

describeImage('the image', () => {
  let build: { built: boolean; seconds: number };
  beforeAll(() => {
    build = ensureProjectImage(engine!, (m) => process.stdout.write(`[image] ${m}\n`));
  }, 20 * MINUTE);

  const run = (args: string[]): { status: number | null; out: string } => {
    const r = engineRun(engine!, ['run', '--rm', '--pull=never', '--read-only', '--read-only-tmpfs=false', ...engine!.limits, ...args]);
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };

  it('is tagged with the reference every environment runs, whose tag is the package version', () => {
    if (build.built) process.stdout.write(`[image] built in ${build.seconds.toFixed(1)} s\n`);
    const version = (JSON.parse(readFileSync(join(repositoryRoot(), 'package.json'), 'utf8')) as { version: string }).version;
    expect(IMAGE_REFERENCE.endsWith(`:${version}`)).toBe(true);
    for (const env of ENVIRONMENT_NAMES) expect(loadConfig(env, {}).images.exporter).toBe(IMAGE_REFERENCE);
    const size = Number(engineOk(engine!, ['image', 'inspect', '--format', '{{.Size}}', IMAGE_REFERENCE]).trim());
    process.stdout.write(`[image] ${IMAGE_REFERENCE}: ${(size / 1024 / 1024).toFixed(1)} MiB\n`);
    expect(size).toBeGreaterThan(0);
  });

  it('runs as the non-root user the manifests declare', () => {
    expect(engineOk(engine!, ['image', 'inspect', '--format', '{{.Config.User}}', IMAGE_REFERENCE]).trim()).toBe(`${IMAGE_UID}:${IMAGE_UID}`);
    const r = run([IMAGE_REFERENCE, 'node', '-e', 'process.stdout.write(`${process.getuid()}:${process.getgid()} ${process.cwd()}`)']);
    expect(r.out).toBe(`${IMAGE_UID}:${IMAGE_UID} /app`);
  });

  it('holds the compiled programs and production dependencies only (as the lockfile splits them)', () => {
    const lock = JSON.parse(readFileSync(join(repositoryRoot(), 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const installed = Object.entries(lock.packages).filter(([k]) => k.startsWith('node_modules/'));
    const devOnly = installed.filter(([, v]) => v.dev).map(([k]) => k);
    const production = installed.filter(([, v]) => !v.dev).map(([k]) => k);
    expect(devOnly.length).toBeGreaterThan(100);
    const script = `
      const fs = require('fs');
      const present = (p) => fs.existsSync('/app/' + p);
      console.log(JSON.stringify({
        missing: ${JSON.stringify(production)}.filter((p) => !present(p)),
        dev: ${JSON.stringify(devOnly)}.filter(present),
        build: fs.readdirSync('/app/build').sort(),
        commands: ${JSON.stringify(Object.values(IMAGE_COMMANDS).map((c) => c[1]))}.filter((f) => !present(f)),
      }));`;
    const r = run([IMAGE_REFERENCE, 'node', '-e', script]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ missing: [], dev: [], build: ['contract', 'exporters'], commands: [] });
  });

  it('writes nowhere but /tmp when the root filesystem is read-only', () => {
    const r = run([IMAGE_REFERENCE, 'node', '-e', "try { require('fs').writeFileSync('/app/x', 'y'); console.log('wrote') } catch (e) { console.log(e.code) }"]);
    expect(r.out.trim()).toBe('EROFS');
  });

  it('runs the report command (usage error: exit 64, not a crash)', () => {
    const r = run(['--entrypoint', JSON.stringify(IMAGE_COMMANDS.report), IMAGE_REFERENCE, '--period', 'yearly']);
    expect(r.status).toBe(64);
  });
});

describe('the exporter and SMS bridge Deployments of production, run as written', () => {
  const config = loadConfig('production', {});
  const objects = objectsIn(synthesizeEnvironment(config), '', 'k8s');
  let cluster: ManifestCluster;

  beforeAll(() => {
    cluster = new ManifestCluster({
      objects,
      workDir: join(tmpdir(), `image-test-${process.pid}`),
      // What an operator creates; the database is absent on purpose (the check reports it).
      secrets: {
        [EXPORTER_SECRET]: { DATABASE_URL: 'postgres://monitor:unused@database.invalid:5432/immigration_ai' },
        [config.channels.sms.credentialsSecret]: { TWILIO_ACCOUNT_SID: 'AC0000', TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM: '+15555550100', SMS_TO: '+15555550199' },
      },
      images: { [config.images.exporter]: projectImage(engine) },
      log: (m) => process.stdout.write(`[manifest-run] ${m}\n`),
    });
  }, 20 * MINUTE);
  afterAll(async () => cluster?.stop(), MINUTE);

  it('the exporter passes its readiness and liveness probes and serves /healthz and /api/health', async () => {
    const pod = await cluster.startPod('Deployment', EXPORTER.name);
    const probes = await cluster.waitReady(pod, { capMs: MINUTE });
    expect(probes.map((p) => `${p.probe} ${p.ok}`)).toEqual(['readinessProbe true', 'livenessProbe true']);
    const base = cluster.url(pod, EXPORTER.portName);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const health = await fetch(`${base}/api/health`);
    const body = (await health.json()) as { overall_status: string; checks: Record<string, { status: string; details: string }> };
    expect(Object.keys(body.checks).sort()).toEqual(['database', 'storage', 'system']);
    // Readiness already proved the system check answers; its verdict depends on this machine's load.
    expect(['healthy', 'unhealthy']).toContain(body.checks.system.status);
    // The DATABASE_URL came from the Secret through envFrom: the check tried that host.
    expect(health.status).toBe(503);
    expect(body.checks.database.status).toBe('unhealthy');
    expect(body.checks.database.details).not.toMatch(/not configured/);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^immigration_ai_health_status/m);
  }, 3 * MINUTE);

  // The process fallback runs under the same user but cannot make the root filesystem read-only.
  (engine ? it : it.skip)('under the manifest\'s security context: user 1000, read-only root filesystem, no capabilities', async () => {
    const pod = cluster.pods.find((p) => p.plan.workload.name === EXPORTER.name)!;
    const name = engineOk(engine!, ['ps', '--format', '{{.Names}}', '--filter', `label=io.immigration-ai.manifest-run`]).split('\n').find((n) => n.includes(pod.plan.name))!;
    const inside = engineOk(engine!, ['exec', name, 'node', '-e', `
      const fs = require('fs');
      let root = 'writable'; try { fs.writeFileSync('/x', '') } catch (e) { root = e.code }
      let tmp = 'read-only'; try { fs.writeFileSync('/tmp/x', ''); tmp = 'writable' } catch (e) {}
      const caps = fs.readFileSync('/proc/self/status', 'utf8').match(/^CapEff:\\s+(\\w+)/m)[1];
      const nnp = fs.readFileSync('/proc/self/status', 'utf8').match(/^NoNewPrivs:\\s+(\\d)/m)[1];
      console.log(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), root, tmp, caps, nnp }))`]);
    expect(JSON.parse(inside)).toEqual({ uid: IMAGE_UID, gid: IMAGE_UID, root: 'EROFS', tmp: 'writable', caps: '0000000000000000', nnp: '1' });
  });

  it('the SMS bridge reads its Twilio credentials from the mounted Secret and passes its probes', async () => {
    const pod = await cluster.startPod('Deployment', SMS_BRIDGE.name);
    await cluster.waitReady(pod, { capMs: MINUTE });
    const metrics = await (await fetch(`${cluster.url(pod, SMS_BRIDGE.portName)}/metrics`)).text();
    expect(metrics).toMatch(/^immigration_ai_sms_messages_total/m);
    // Configured from the *_FILE paths: the bridge logs its recipients count, never the numbers.
    expect(pod.logs()).toMatch(/"recipients":1/);
    expect(pod.logs()).not.toMatch(/not configured/);
  }, 3 * MINUTE);
});
