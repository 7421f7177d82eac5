/**
 * The Prometheus and Alertmanager configs embedded in the manifests, extracted the way the pods
 * mount them (with the rule files and templates they reference), load in promtool and amtool.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { requireTool } from './helpers/tools.js';
import { buildPrometheusConfig } from '../charts/files/prometheus-yml.js';
import { loadConfig } from '../contract/config/index.js';
import { toYaml } from '../contract/serialize.js';
import { synthesizeEnvironment } from '../stacks/synth.js';
import { rulesTree } from './helpers/rendered.js';
import { find, objectsIn, type K8sObject } from './helpers/manifests.js';

const ENVS = ['dev', 'staging', 'production'] as const;
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'charts-configs-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function write(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

function run(tool: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function objects(env: string, extra?: Parameters<typeof loadConfig>[2]): K8sObject[] {
  const config = loadConfig(env, {}, extra);
  return objectsIn(synthesizeEnvironment(config), '');
}

/**
 * Debian builds Prometheus without Kubernetes service discovery (promtool 2.42+ds rejects
 * `kubernetes_sd_configs` as an unknown field). So each Kubernetes SD block is checked here
 * against the upstream schema of the fields we use, then swapped for a static target, and promtool
 * checks everything else: globals, relabelling, alerting, rule files, remote_write.
 */
const SD_ROLES = ['node', 'service', 'pod', 'endpoints', 'endpointslice', 'ingress'];
function swapKubernetesSd(value: unknown, seen: unknown[]): unknown {
  if (Array.isArray(value)) return value.map((v) => swapKubernetesSd(v, seen));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'kubernetes_sd_configs') {
      seen.push(...(v as unknown[]));
      out.static_configs = [{ targets: ['sd-placeholder.invalid:80'] }];
    } else out[k] = swapKubernetesSd(v, seen);
  }
  return out;
}
function expectValidKubernetesSd(sd: unknown): void {
  const s = sd as { role: string; namespaces: { names: string[] } };
  // Nodes are cluster-scoped: node discovery (the kubelets) has no namespaces.
  if (s.role === 'node') {
    expect(s).toEqual({ role: 'node' });
    return;
  }
  expect(Object.keys(s).sort()).toEqual(['namespaces', 'role']);
  expect(SD_ROLES).toContain(s.role);
  expect(Object.keys(s.namespaces)).toEqual(['names']);
  expect(s.namespaces.names.length).toBeGreaterThan(0);
  for (const n of s.namespaces.names) expect(n).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
}

/** Writes prometheus.yml and the rules ConfigMap as the pod sees them, rule paths moved under `dir`. */
function extractPrometheus(objs: K8sObject[], dir: string, jobs: number): string {
  const cfg = find(objs, 'ConfigMap', 'prometheus-config').data as Record<string, string>;
  const rules = find(objs, 'ConfigMap', 'prometheus-rules').data as Record<string, string>;
  expect(Object.keys(rules).length).toBeGreaterThan(0);
  for (const [name, content] of Object.entries(rules)) write(join(dir, 'rules', name), content);
  // The ServiceAccount token and CA Kubernetes mounts into the pod (the kubelet scrape reads them; promtool wants them to exist).
  const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
  write(join(dir, 'serviceaccount', 'token'), 'placeholder-token');
  write(join(dir, 'serviceaccount', 'ca.crt'), 'placeholder-ca');
  const text = cfg['prometheus.yml'].split('/etc/prometheus/rules/').join(`${dir}/rules/`).split(`${sa}/`).join(`${dir}/serviceaccount/`);
  expect(text).not.toBe(cfg['prometheus.yml'].split('/etc/prometheus/rules/').join(`${dir}/rules/`));
  const sds: unknown[] = [];
  const checkable = swapKubernetesSd(parse(text), sds);
  expect(sds.length).toBe(jobs + 1); // every scrape job + the Alertmanager discovery
  sds.forEach(expectValidKubernetesSd);
  write(join(dir, 'prometheus.yml'), toYaml(checkable));
  return join(dir, 'prometheus.yml');
}

describe('embedded Prometheus config', () => {
  const promtool = requireTool('promtool');

  it.each(ENVS)('%s: promtool check config passes on the extracted config and its rules', (env) => {
    const dir = join(work, `prom-${env}`);
    const file = extractPrometheus(objects(env), dir, env === 'production' ? 11 : 10);
    const r = run(promtool, ['check', 'config', file]);
    const ruleFiles = rulesTree(loadConfig(env, {})).paths().length;
    expect(ruleFiles).toBeGreaterThan(1);
    expect(r.out).toContain(`SUCCESS: ${ruleFiles} rule files found`);
    expect(r.status).toBe(0);
  });

  it('carries cluster and per-replica external labels, every scrape job and alerting to Alertmanager', () => {
    const cfg = parse(find(objects('production'), 'ConfigMap', 'prometheus-config').data!['prometheus.yml' as never]);
    expect(cfg.global.external_labels).toEqual({ cluster: 'immigration-ai-production', replica: '$(POD_NAME)' });
    expect(cfg.scrape_configs.map((j: { job_name: string }) => j.job_name)).toEqual(
      ['immigration-ai-exporter', 'immigration-ai', 'prometheus', 'alertmanager', 'grafana', 'loki', 'alloy', 'immigration-ai-sms-bridge', 'node-exporter', 'kubelet', 'kubelet-cadvisor']);
    expect(cfg.alerting.alert_relabel_configs).toEqual([{ action: 'labeldrop', regex: 'replica' }]);
    expect(cfg.alerting.alertmanagers[0].kubernetes_sd_configs[0]).toEqual({ role: 'endpointslice', namespaces: { names: ['immigration-ai-monitoring'] } });
    expect(cfg.rule_files).toEqual(['/etc/prometheus/rules/*.yaml']);
  });

  it('with remote_write on, the config still loads and reads the token from the mounted Secret', () => {
    const objs = objects('production', { kubernetes: { remoteWrite: { enabled: true, url: 'https://mimir.example.internal/api/v1/push' } } });
    const dir = join(work, 'prom-rw');
    const file = extractPrometheus(objs, dir, 11);
    const cfg = parse(find(objs, 'ConfigMap', 'prometheus-config').data!['prometheus.yml' as never]);
    expect(cfg.remote_write[0].authorization.credentials_file).toBe('/etc/prometheus/secrets/prometheus-remote-write/token');
    const r = run(promtool, ['check', 'config', file]);
    expect(r.status).toBe(0);
  });

  it('the static variant (local stack: 2 replicas, 3 Alertmanagers on loopback) loads too', () => {
    const config = loadConfig('production', {});
    for (const replica of ['prometheus-a', 'prometheus-b']) {
      const cfg = buildPrometheusConfig(config, {
        replica,
        ruleFiles: [],
        discovery: {
          kind: 'static',
          targets: { exporter: ['127.0.0.1:19210'], app: ['127.0.0.1:19211'], prometheus: ['127.0.0.1:19220', '127.0.0.1:19221'] },
          alertmanagers: ['127.0.0.1:19230', '127.0.0.1:19231', '127.0.0.1:19232'],
        },
      });
      const file = join(work, `static-${replica}.yml`);
      write(file, toYaml(cfg));
      const r = run(promtool, ['check', 'config', file]);
      expect(r.status).toBe(0);
      expect((cfg.alerting as any).alertmanagers[0].static_configs[0].targets).toHaveLength(3);
      expect((cfg.global as any).external_labels.replica).toBe(replica);
    }
  });

  it('the plain prometheus.yml for VM users loads with the rules next to it', () => {
    const tree = synthesizeEnvironment(loadConfig('production', {}));
    const dir = join(work, 'plain');
    for (const p of tree.paths().filter((x) => x.startsWith('prometheus/'))) write(join(dir, p), tree.get(p) as string);
    const r = run(promtool, ['check', 'config', join(dir, 'prometheus/prometheus.yml')]);
    expect(r.out).toContain(`SUCCESS: ${tree.paths().filter((p) => p.startsWith('prometheus/rules/')).length} rule files found`);
    expect(r.status).toBe(0);
  });
});

describe('embedded Alertmanager config', () => {
  const amtool = requireTool('amtool');

  it.each(ENVS)('%s: amtool check-config passes on the files mounted from the config Secret', (env) => {
    const objs = objects(env);
    const secret = find(objs, 'Secret', 'alertmanager-config');
    const sts = find(objs, 'StatefulSet', 'alertmanager');
    const volume = (sts.spec as any).template.spec.volumes.find((v: { name: string }) => v.name === 'config');
    const data = secret.stringData as Record<string, string>;
    const dir = join(work, `am-${env}`);
    for (const item of volume.secret.items as { key: string; path: string }[]) write(join(dir, item.path), data[item.key]);
    expect(Object.keys(data).sort()).toEqual(volume.secret.items.map((i: { key: string }) => i.key).sort());
    const r = run(amtool, ['check-config', join(dir, 'alertmanager.yml')]);
    expect(r.out).toContain('1 templates');
    expect(r.status).toBe(0);
  });

  it('mounts exactly the Secrets the config reads credentials from, where the *_file paths point', () => {
    const spec = (find(objects('production'), 'StatefulSet', 'alertmanager').spec as any).template.spec;
    const secretVolumes = spec.volumes.filter((v: any) => v.secret && v.name !== 'config');
    expect(secretVolumes.map((v: any) => [v.secret.secretName, v.secret.optional])).toEqual([
      ['alertmanager-heartbeat', true], ['alertmanager-slack', true], ['alertmanager-smtp', true],
    ]);
    const mounts = spec.containers[0].volumeMounts.filter((m: any) => m.name.startsWith('secret-')).map((m: any) => m.mountPath);
    expect(mounts).toEqual(['/etc/alertmanager/secrets/alertmanager-heartbeat', '/etc/alertmanager/secrets/alertmanager-slack', '/etc/alertmanager/secrets/alertmanager-smtp']);
  });
});
