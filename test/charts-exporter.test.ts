/**
 * The exporter's Kubernetes wiring from the typed config: storage (none, a mounted directory, S3)
 * and the maintenance toggle (a ConfigMap key mounted as MAINTENANCE_MODE_FILE). The generated
 * environment is fed to the exporter's own configuration parser and, for the directory and the
 * toggle, to a running exporter, so the manifests and the program cannot disagree.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flows } from '../charts/network-policies.js';
import { EXPORTER, EXPORTER_MAINTENANCE } from '../contract/components.js';
import { type DeepPartial, loadConfig, type MonitoringConfig } from '../contract/config/index.js';
import { loadExporterConfig } from '../exporters/health-exporter/config.js';
import { startExporter } from '../exporters/health-exporter/exporter.js';
import { createLogger } from '../exporters/logging/logger.js';
import { synthesizeEnvironment } from '../stacks/synth.js';
import { find, type K8sObject, objectsIn, podSpecOf } from './helpers/manifests.js';
import { LineCollector } from './helpers/net.js';

const NS = 'immigration-ai-monitoring';
const objects = (extra?: DeepPartial<MonitoringConfig>, env = 'production', folder = 'k8s'): K8sObject[] =>
  objectsIn(synthesizeEnvironment(loadConfig(env, {}, extra)), '', folder);
const configMapData = (o: K8sObject[], name: string): Record<string, string> => find(o, 'ConfigMap', name).data as Record<string, string>;
const exporterEnv = (o: K8sObject[]): Record<string, string> => configMapData(o, `${EXPORTER.name}-config`);
const exporterPod = (o: K8sObject[]): Record<string, any> => podSpecOf(find(o, 'Deployment', EXPORTER.name));

describe('exporter wiring from the typed config', () => {
  it('by default: no storage settings (reported as not configured), the maintenance toggle mounted and off', () => {
    for (const folder of ['k8s', 'operator']) {
      const o = objects(undefined, 'production', folder);
      const env = exporterEnv(o);
      expect(env).not.toHaveProperty('STORAGE_DIR');
      expect(env).not.toHaveProperty('S3_ENDPOINT');
      expect(env.MAINTENANCE_MODE_FILE).toBe(`${EXPORTER_MAINTENANCE.mountDir}/${EXPORTER_MAINTENANCE.key}`);
      expect(configMapData(o, EXPORTER_MAINTENANCE.configMap)).toEqual({ [EXPORTER_MAINTENANCE.key]: 'off' });
      const pod = exporterPod(o);
      // Mounted as a folder, not with subPath: a subPath mount never sees the ConfigMap change.
      const mount = pod.containers[0].volumeMounts.find((m: { name: string }) => m.name === 'maintenance');
      expect(mount).toEqual({ name: 'maintenance', mountPath: EXPORTER_MAINTENANCE.mountDir, readOnly: true });
      expect(pod.volumes).toContainEqual({ name: 'maintenance', configMap: { name: EXPORTER_MAINTENANCE.configMap } });
      expect(loadExporterConfig(env).storage).toBeUndefined();
    }
    expect(configMapData(objects({ exporter: { maintenanceMode: true } }), EXPORTER_MAINTENANCE.configMap)).toEqual({ [EXPORTER_MAINTENANCE.key]: 'on' });
  });

  it('S3: endpoint, buckets and region in the ConfigMap, keys from the Secret; the endpoint port in the NetworkPolicy', () => {
    const s3 = { kind: 's3' as const, s3: { endpoint: 'http://minio.storage.svc:9000', buckets: ['documents', 'avatars'], region: 'eu-west-1' } };
    const env = exporterEnv(objects({ exporter: { storage: s3 } }));
    expect(env).toMatchObject({ S3_ENDPOINT: 'http://minio.storage.svc:9000', S3_BUCKETS: 'documents,avatars', AWS_REGION: 'eu-west-1' });
    // The Secret supplies the keys (envFrom); with them, the exporter's parser accepts the result.
    const parsed = loadExporterConfig({ ...env, AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 'secret' });
    expect(parsed.storage).toMatchObject({ kind: 's3', endpoint: 'http://minio.storage.svc:9000', buckets: ['documents', 'avatars'], region: 'eu-west-1' });
    // Without them it refuses to start, naming them (ImmigrationAiExporterDown then pages).
    expect(() => loadExporterConfig(env)).toThrow(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: required with S3_ENDPOINT/);
    const ctx = { namespace: NS, environment: 'production' };
    const base = { appNamespace: 'immigration-ai', logCollectorNamespace: 'logs', nodeExporterNamespace: 'nodes', ingressControllerNamespace: 'ingress-nginx', smtpPort: 587, alertmanagerReplicas: 3, grafanaReplicas: 2, smsBridge: true, ldap: false };
    const exporterOut = (port?: number) => flows(ctx, { ...base, exporterStoragePort: port }).find((f) => f.from.kind === 'pod' && f.from.component === EXPORTER.name && f.to.kind === 'anywhere');
    expect(exporterOut(9000)?.ports.map((p) => p.port)).toEqual([5432, 443, 9000]);
    expect(exporterOut()?.ports.map((p) => p.port)).toEqual([5432, 443]);
    const policy = find(objects({ exporter: { storage: s3 } }), 'NetworkPolicy', EXPORTER.name);
    expect(JSON.stringify(policy.spec)).toContain('"port":9000');
  });

  it('refuses S3 without buckets and bad values, naming the field and the fix', () => {
    expect(() => loadConfig('production', {}, { exporter: { storage: { kind: 's3' } } })).toThrow(/exporter\.storage\.s3\.buckets: list at least one bucket/);
    expect(() => loadConfig('production', {}, { exporter: { storage: { kind: 's3', s3: { buckets: ['ok', 'not ok'], endpoint: 'https://s3.example/path' } } } })).toThrow(
      /exporter\.storage\.s3\.endpoint: must be the endpoint's http\(s\) URL without a path[\s\S]*exporter\.storage\.s3\.buckets\.1: must be a bucket name/,
    );
    expect(() => loadConfig('production', {}, { exporter: { storage: { kind: 'directory', directory: { mountPath: 'data' } } } })).toThrow(/exporter\.storage\.directory\.mountPath: must be an absolute path/);
  });

  describe('on a running exporter', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'exporter-wiring-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('a directory volume is listed as storage, and the mounted toggle switches maintenance mode', async () => {
      const o = objects({ exporter: { storage: { kind: 'directory', directory: { claimName: 'app-files', mountPath: '/data/storage' } } } });
      const pod = exporterPod(o);
      expect(pod.volumes).toContainEqual({ name: 'storage', persistentVolumeClaim: { claimName: 'app-files', readOnly: true } });
      expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'storage', mountPath: '/data/storage', readOnly: true });
      const env = exporterEnv(o);
      expect(env.STORAGE_DIR).toBe('/data/storage');
      // The pod's mounts, here as folders: the volume holds one folder per bucket; the toggle file
      // has the ConfigMap's content and is then patched to "on".
      const storage = join(dir, 'storage');
      mkdirSync(join(storage, 'documents'), { recursive: true });
      writeFileSync(join(storage, 'documents', 'a.pdf'), 'x');
      const toggle = join(dir, 'maintenance-mode');
      writeFileSync(toggle, configMapData(o, EXPORTER_MAINTENANCE.configMap)[EXPORTER_MAINTENANCE.key]);
      const config = loadExporterConfig({ ...env, STORAGE_DIR: storage, MAINTENANCE_MODE_FILE: toggle, PORT: '0', HOST: '127.0.0.1', METRICS_MAX_AGE: '0' });
      const exporter = await startExporter(config, { logger: createLogger({ component: 'exporter', level: 'error', destination: new LineCollector() }), background: false });
      try {
        const base = `http://127.0.0.1:${exporter.port}`;
        const storageCheck = (await (await fetch(`${base}/api/health/storage`)).json()) as { status: string; buckets_available: number };
        expect(storageCheck).toMatchObject({ status: 'healthy', buckets_available: 1 });
        const mode = async (): Promise<string | undefined> => /^immigration_ai_maintenance_mode (\d)$/m.exec(await (await fetch(`${base}/metrics`)).text())?.[1];
        expect(await mode()).toBe('0');
        writeFileSync(toggle, 'on');
        expect(await mode()).toBe('1');
      } finally {
        await exporter.stop();
      }
    });
  });
});
