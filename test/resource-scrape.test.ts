/**
 * The generated node-exporter and kubelet scrape jobs, run by a real Prometheus (Debian's 2.42)
 * against Debian's real node-exporter started with the DaemonSet's collector flags and against a
 * stand-in kubelet (helpers/fake-kubelet.ts: none runs here). Only service discovery is swapped
 * for static targets carrying the same discovery labels; relabelling, keep-lists, the bearer token
 * and the resource recording rules are the generated ones. Proves the keep-lists keep exactly what
 * the rules read, and measures the series per node.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildRuleGroups } from '../alert-rules/index.js';
import { KUBELET_CADVISOR_POOL } from '../charts/files/prometheus-yml.js';
import { loadConfig } from '../contract/config/index.js';
import { ALL_EXTERNAL, externalNames } from '../contract/external-metrics.js';
import { RESOURCE_JOBS } from '../contract/metric-catalog.js';
import { RECORDED } from '../contract/recording-rules.js';
import { watchedNamespaces } from '../contract/resources.js';
import { ruleFiles } from '../contract/rules.js';
import { toYaml } from '../contract/serialize.js';
import { synthesizeEnvironment } from '../stacks/synth.js';
import { fakeKubelet, type FakeContainer, type FakeVolume } from './helpers/fake-kubelet.js';
import { localNodeExporterArgs } from './local-stack/components.js';
import { find, objectsIn } from './helpers/manifests.js';
import { close, listen } from './helpers/net.js';
import { waitFor } from './helpers/net.js';
import { freePort } from './helpers/postgres.js';
import { startPrometheus, type TestPrometheus } from './helpers/prometheus.js';
import { requireTool } from './helpers/tools.js';

const GiB = 2 ** 30;
const NODE = 'node-a';
const TOKEN = 'test-service-account-token';
const CONTAINERS: FakeContainer[] = [
  { namespace: 'immigration-ai', pod: 'api-0', container: 'api', cpuSecondsTotal: 500, workingSetBytes: 0.5 * GiB, cpuLimit: 1, memoryLimitBytes: GiB },
  { namespace: 'immigration-ai', pod: 'api-0', container: '', cpuSecondsTotal: 501, workingSetBytes: 0.6 * GiB, cpuLimit: 1, memoryLimitBytes: GiB },
  { namespace: 'immigration-ai', pod: 'worker-0', container: 'worker', cpuSecondsTotal: 800, workingSetBytes: 3 * GiB, memoryLimitBytes: 0 },
  { namespace: 'immigration-ai-monitoring', pod: 'prometheus-0', container: 'prometheus', cpuSecondsTotal: 900, workingSetBytes: GiB, cpuLimit: 1, memoryLimitBytes: 2 * GiB },
  { namespace: 'kube-system', pod: 'coredns-0', container: 'coredns', cpuSecondsTotal: 100, workingSetBytes: 160 * 2 ** 20, cpuLimit: 0.1, memoryLimitBytes: 170 * 2 ** 20 },
  { namespace: 'kube-system', pod: 'kube-proxy-0', container: 'kube-proxy', cpuSecondsTotal: 100, workingSetBytes: 50 * 2 ** 20, memoryLimitBytes: 0 },
];
const VOLUMES: FakeVolume[] = [
  { namespace: 'immigration-ai', persistentvolumeclaim: 'data-postgres-0', capacityBytes: 100 * GiB, availableBytes: 25 * GiB, inodes: 6_553_600, inodesFree: 6_000_000 },
  { namespace: 'immigration-ai-monitoring', persistentvolumeclaim: 'data-prometheus-0', capacityBytes: 100 * GiB, availableBytes: 50 * GiB, inodes: 6_553_600, inodesFree: 6_500_000 },
  { namespace: 'other-team', persistentvolumeclaim: 'cache', capacityBytes: 10 * GiB, availableBytes: 0, inodes: 1000, inodesFree: 0 },
];

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('node-exporter and kubelet scrapes, live (Prometheus 2.42, Debian node-exporter, a stand-in kubelet)', () => {
  const config = loadConfig('local', {});
  let dir: string;
  let nodeExporter: ChildProcess | undefined;
  let kubelet: ReturnType<typeof fakeKubelet>;
  let prometheus: TestPrometheus | undefined;

  const query = async (expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
    const r = (await (await fetch(`${prometheus!.url}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { status: string; data: { result: never[] } };
    if (r.status !== 'success') throw new Error(`query failed: ${expr}`);
    return r.data.result;
  };
  const value = async (expr: string): Promise<number | undefined> => {
    const [first] = await query(expr);
    return first === undefined ? undefined : Number(first.value[1]);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'resource-scrape-'));
    // node-exporter with the DaemonSet's collectors and filters, reading this machine's /proc, /sys and /.
    const nePort = await freePort();
    nodeExporter = spawn(requireTool('node-exporter'), localNodeExporterArgs(`127.0.0.1:${nePort}`), { stdio: 'ignore' });
    kubelet = fakeKubelet(CONTAINERS, VOLUMES);
    const k = await listen(kubelet.server);

    // The generated scrape jobs of the standalone profile, discovery swapped for static targets.
    const objects = objectsIn(synthesizeEnvironment(config), '', 'k8s');
    const generated = parse(find(objects, 'ConfigMap', 'prometheus-config').data!['prometheus.yml' as never]) as Json;
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, TOKEN);
    const jobs = (generated.scrape_configs as Json[])
      .filter((j) => [RESOURCE_JOBS.nodeExporter, RESOURCE_JOBS.kubelet, KUBELET_CADVISOR_POOL].includes(j.job_name))
      .map((j): Json => {
        const { kubernetes_sd_configs: sd, tls_config: tls, ...rest } = j;
        expect(sd).toHaveLength(1);
        if (j.job_name === RESOURCE_JOBS.nodeExporter) {
          return {
            ...rest,
            static_configs: [{
              targets: [`127.0.0.1:${nePort}`],
              labels: { __meta_kubernetes_service_name: 'node-exporter', __meta_kubernetes_endpointslice_port_name: 'http-metrics', __meta_kubernetes_pod_node_name: NODE },
            }],
          };
        }
        expect(tls).toMatchObject({ ca_file: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt' });
        // The stand-in speaks plain HTTP; the token still travels, from the file the pod would have.
        return { ...rest, scheme: 'http', authorization: { ...rest.authorization, credentials_file: tokenFile }, static_configs: [{ targets: [`127.0.0.1:${k.port}`], labels: { __meta_kubernetes_node_name: NODE } }] };
      });
    expect(jobs.map((j) => j.job_name).sort()).toEqual([KUBELET_CADVISOR_POOL, RESOURCE_JOBS.kubelet, RESOURCE_JOBS.nodeExporter].sort());
    mkdirSync(join(dir, 'rules'));
    const groups = buildRuleGroups(config).filter((g) => g.name === 'immigration-ai-resources.rules');
    for (const f of ruleFiles(groups)) writeFileSync(join(dir, 'rules', f.name), f.text);
    writeFileSync(join(dir, 'prometheus.yml'), toYaml({ global: { scrape_interval: '1s', evaluation_interval: '1s' }, rule_files: [join(dir, 'rules', '*.yaml')], scrape_configs: jobs }));
    prometheus = await startPrometheus(dir);
    // Three targets up, and the rates of the recording rules need a few samples.
    await waitFor(async () => (await value('count(up == 1)')) === 3 && (await value(`count(${RECORDED.nodeCpuBusyRatio5m})`)) === 1, 30_000, 250);
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    nodeExporter?.kill('SIGTERM');
    await close(kubelet?.server);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('labels every series with the node, job `kubelet` for both kubelet endpoints (told apart by metrics_path), and sends the token', async () => {
    const up = (await query('up')).map((s) => s.metric).sort((a, b) => (a.job + (a.metrics_path ?? '')).localeCompare(b.job + (b.metrics_path ?? '')));
    expect(up).toEqual([
      { __name__: 'up', job: 'kubelet', instance: NODE, node: NODE, metrics_path: '/metrics' },
      { __name__: 'up', job: 'kubelet', instance: NODE, node: NODE, metrics_path: '/metrics/cadvisor' },
      { __name__: 'up', job: 'node-exporter', instance: NODE, node: NODE },
    ]);
    expect(new Set(kubelet.authorizations)).toEqual(new Set([`Bearer ${TOKEN}`]));
  });

  it('keeps from the kubelet exactly the series of our namespaces the rules read, and none of the rest', async () => {
    // Scraped series only: not Prometheus' own per-target series, not the recording rules' output (which keeps job `kubelet`).
    const kept = await query(`{job="kubelet", __name__!~"up|scrape_.+|.+:.+"}`);
    const names = new Set(kept.map((s) => s.metric.__name__));
    expect([...names].sort()).toEqual([...externalNames('cadvisor', 'kubelet')].sort());
    const namespaces = new Set(kept.map((s) => s.metric.namespace));
    expect([...namespaces].sort()).toEqual(['immigration-ai', 'immigration-ai-monitoring']);
    for (const ns of namespaces) expect(watchedNamespaces(config)).toContain(ns);
    expect(kept.filter((s) => s.metric.__name__.startsWith('container_') && (s.metric.container ?? '') === '')).toEqual([]);
    // api and prometheus: usage, working set, period, quota, memory limit; worker (no CPU limit): no quota. 6 volume stats per PVC.
    expect(kept.filter((s) => s.metric.metrics_path === '/metrics/cadvisor')).toHaveLength(5 + 4 + 5);
    expect(kept.filter((s) => s.metric.metrics_path === '/metrics')).toHaveLength(6 * 2);
    // Every label a rule or dashboard may match on is there, as external-metrics.ts lists it.
    for (const s of kept) {
      const def = ALL_EXTERNAL.find((d) => d.name === s.metric.__name__)!;
      for (const l of def.labels.filter((x) => x !== 'device_error')) expect({ series: s.metric.__name__, label: l, present: s.metric[l] !== undefined }).toEqual({ series: s.metric.__name__, label: l, present: true });
    }
  });

  it('feeds the recording rules: containers against their limits (none without), volumes, the node', async () => {
    const memory = await query(RECORDED.containerMemoryLimitRatio);
    expect(memory.map((s) => [s.metric.namespace, s.metric.container, s.metric.node, Number(s.value[1])]).sort()).toEqual([
      ['immigration-ai', 'api', NODE, 0.5],
      ['immigration-ai-monitoring', 'prometheus', NODE, 0.5],
    ]);
    const volumes = await query(RECORDED.volumeUsedRatio);
    expect(volumes.map((s) => [s.metric.persistentvolumeclaim, Number(s.value[1])]).sort()).toEqual([['data-postgres-0', 0.75], ['data-prometheus-0', 0.5]]);
    for (const name of [RECORDED.nodeCpuBusyRatio5m, RECORDED.nodeMemoryUsedRatio]) {
      const v = await value(`${name}{node="${NODE}", instance="${NODE}", job="node-exporter"}`);
      expect({ name, inRange: v !== undefined && v >= 0 && v <= 1 }).toEqual({ name, inRange: true });
    }
    // This machine's disks, as node-exporter reports them through the DaemonSet's filters: at least the root filesystem.
    const filesystems = await query(RECORDED.nodeFilesystemUsedRatio);
    expect(filesystems.map((s) => s.metric.mountpoint)).toContain('/');
    for (const s of filesystems) expect(['tmpfs', 'overlay', 'squashfs', 'ramfs']).not.toContain(s.metric.fstype);
  });

  it('measures the series per node: node-exporter with four collectors, the kubelet before and after the keep-lists', async () => {
    const samples = async (job: string, path?: string) => {
      const sel = `job="${job}"${path ? `, metrics_path="${path}"` : ''}`;
      return { scraped: await value(`scrape_samples_scraped{${sel}}`), kept: await value(`scrape_samples_post_metric_relabeling{${sel}}`) };
    };
    const ne = await samples('node-exporter');
    const cadvisor = await samples('kubelet', '/metrics/cadvisor');
    const metrics = await samples('kubelet', '/metrics');
    const cores = Number(await value('count(node_cpu_seconds_total{mode="idle"})'));
    const filesystems = Number(await value('count(node_filesystem_size_bytes)'));
    process.stdout.write(
      `series per node: node-exporter ${ne.kept} (${cores} CPUs, ${filesystems} filesystems); ` +
        `kubelet /metrics/cadvisor ${cadvisor.scraped} -> ${cadvisor.kept}, /metrics ${metrics.scraped} -> ${metrics.kept} (stand-in kubelet: ${CONTAINERS.length} cgroups of pods, ${VOLUMES.length} volumes)\n`,
    );
    // node-exporter: well under 300 on a small node (no keep-list needed: four collectors).
    expect(ne.kept).toBeLessThan(120 + 12 * cores + 10 * filesystems);
    expect(cadvisor.kept).toBe(14);
    expect(cadvisor.scraped! / cadvisor.kept!).toBeGreaterThan(10);
    expect(metrics.kept).toBe(12);
  });
});
