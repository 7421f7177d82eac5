/**
 * `promtool test rules` for the CPU, memory and disk alerts and their recording rules, over series
 * shaped as node-exporter, the kubelet's cAdvisor and its volume stats really expose them (see
 * helpers/resource-series.ts), in the standalone profile's labels and in kube-prometheus-stack's.
 * Run by the real promtool against the generated rule files of the production config.
 */
import { computeAlertsGroup, storageAlertsGroup } from '../alert-rules/resource-alerts.js';
import { loadConfig } from '../contract/config/index.js';
import { type PanelKey, panelUrl } from '../contract/dashboards.js';
import { METRICS, RESOURCE_JOBS } from '../contract/metric-catalog.js';
import { RECORDED } from '../contract/recording-rules.js';
import { isAlertingRule } from '../contract/rules.js';
import { rulesTree } from './helpers/rendered.js';
import { type ExpectedAlert, runPromtoolTests, type RuleUnitTest, seriesOf as s } from './helpers/promtool-tests.js';
import {
  cadvisorContainer, type Container, kpsNodeTarget, ksmLimit, kubeletTarget, kubeletVolume, nodeCpu, nodeFilesystem, nodeMemory, nodeTarget,
} from './helpers/resource-series.js';
import { writeTempTree } from './helpers/rules-on-disk.js';

const config = loadConfig('production', {});
const RUNBOOKS = 'https://github.com/immigration-ai/immigration-ai-observability/blob/main/dist/runbooks';
const GRAFANA = 'https://grafana.immigrationai.com';
/** The dashboard_url Prometheus renders: the panel, the node's `instance` escaped by Go's `urlquery`. */
const panel = (key: PanelKey, variables: Record<string, string> = {}): string => panelUrl(GRAFANA, key, variables);
const onNode = (instance: string): Record<string, string> => ({ node: encodeURIComponent(instance) });
const GiB = 2 ** 30;
const EXPORTER = { job: 'immigration-ai-exporter', instance: '10.0.3.4:8080', namespace: 'immigration-ai-monitoring', pod: 'immigration-ai-exporter-5f6d7c8b9-q2w3e', service: 'immigration-ai-exporter' };

function alert(name: string, labels: Record<string, string>, summary: string, description: string, dashboardUrl: string): ExpectedAlert {
  return {
    exp_labels: labels,
    exp_annotations: { summary, description, runbook_url: `${RUNBOOKS}/${name}.md`, dashboard_url: dashboardUrl },
  };
}
const CPU = 'ImmigrationAiHighCpuUsage';
const MEMORY = 'ImmigrationAiHighMemoryUsage';
const DISK = 'ImmigrationAiDiskAlmostFull';
const above = (value: string, threshold: string, severity: string) => `${value}, above the ${threshold} ${severity} threshold.`;

const nodeCpuAlert = (node: string, severity: string, value: string, threshold: string) =>
  alert(CPU, { ...nodeTarget(node), scope: 'node', severity }, 'CPU usage is high.', `The CPUs of node ${node} are ${above(`${value} busy over the last 5m`, threshold, severity)}`, panel('nodeCpu', onNode(node)));

const API: Container = { node: 'node-a', namespace: 'immigration-ai', pod: 'immigration-ai-api-6b7c9d5f4-x2x7k', container: 'api', image: 'registry.example.com/immigration-ai/api:1.8.2' };
const WORKER: Container = { node: 'node-a', namespace: 'immigration-ai', pod: 'immigration-ai-worker-7c8d9e6f5-k4m5n', container: 'worker', image: 'registry.example.com/immigration-ai/worker:1.8.2' };
const SIDECAR: Container = { ...API, container: 'sidecar', image: 'registry.example.com/immigration-ai/sidecar:0.4.0' };
const COREDNS: Container = { node: 'node-a', namespace: 'kube-system', pod: 'coredns-5d78c9869d-abcde', container: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.1' };
const containerLabels = (c: Container) => ({ job: RESOURCE_JOBS.kubelet, node: c.node, namespace: c.namespace, pod: c.pod, container: c.container });
const containerAlert = (name: string, c: Container, what: 'CPU' | 'memory', severity: string, value: string, threshold: string) =>
  alert(
    name, { ...containerLabels(c), scope: 'container', severity }, `${what === 'CPU' ? 'CPU' : 'Memory'} usage is high.`,
    `The container ${c.container} of pod ${c.namespace}/${c.pod} on node ${c.node} uses ${above(`${value} of its ${what} limit${what === 'CPU' ? ' over the last 5m' : ' (working set)'}`, threshold, severity)}`,
    panel(what === 'CPU' ? 'containerCpu' : 'containerMemory'),
  );

const fsLabels = (node: string, device: string, fstype: string, mountpoint: string) => ({ ...nodeTarget(node), device, fstype, mountpoint });
const fsAlert = (node: string, device: string, fstype: string, mountpoint: string, resource: string, severity: string, what: string) =>
  alert(
    DISK, { ...fsLabels(node, device, fstype, mountpoint), scope: 'node', resource, severity }, 'A disk is almost full.', `The filesystem ${mountpoint} (${device}, ${fstype}) of node ${node} ${what}`,
    panel(resource === 'inodes' ? 'nodeFilesystemInodes' : 'nodeFilesystems', onNode(node)),
  );
const volumeLabels = (namespace: string, persistentvolumeclaim: string) => ({ job: RESOURCE_JOBS.kubelet, namespace, persistentvolumeclaim });
const volumeAlert = (namespace: string, pvc: string, resource: string, severity: string, what: string) =>
  alert(DISK, { ...volumeLabels(namespace, pvc), scope: 'volume', resource, severity }, 'A disk is almost full.', `The PersistentVolumeClaim ${namespace}/${pvc} ${what}`, panel(resource === 'inodes' ? 'volumeInodes' : 'volumes'));

const RESOURCE_CASES: Record<string, RuleUnitTest[]> = {
  [CPU]: [
    {
      // Two CPUs per node. node-a: 3 s idle per minute (95% busy); node-b: 6 s idle and 3 s waiting for IO (85%: iowait is not busy); node-c: half idle.
      interval: '1m',
      input_series: [
        ...nodeCpu(nodeTarget('node-a'), 2, { idle: 3, user: 50, system: 7 }, 30),
        ...nodeCpu(nodeTarget('node-b'), 2, { idle: 6, iowait: 3, user: 45, system: 6 }, 30),
        ...nodeCpu(nodeTarget('node-c'), 2, { idle: 30, user: 25, system: 5 }, 30),
      ],
      alert_rule_test: [
        { eval_time: '30s', alertname: CPU, exp_alerts: [] },
        // A node at 95% pages after the critical delay (1m), even with less than 5 minutes of data...
        { eval_time: '3m', alertname: CPU, exp_alerts: [nodeCpuAlert('node-a', 'critical', '95%', '90%')] },
        // ...one at 85% warns only after the warning delay (15m).
        { eval_time: '15m', alertname: CPU, exp_alerts: [nodeCpuAlert('node-a', 'critical', '95%', '90%')] },
        {
          eval_time: '17m',
          alertname: CPU,
          exp_alerts: [nodeCpuAlert('node-a', 'warning', '95%', '80%'), nodeCpuAlert('node-a', 'critical', '95%', '90%'), nodeCpuAlert('node-b', 'warning', '85%', '80%')],
        },
      ],
      promql_expr_test: [
        // node-c exactly (binary fractions): 30 of 60 s idle.
        { expr: `${RECORDED.nodeCpuBusyRatio5m}{node="node-c"}`, eval_time: '10m', exp_samples: [{ labels: s(RECORDED.nodeCpuBusyRatio5m, nodeTarget('node-c')), value: 0.5 }] },
      ],
    },
    {
      // Containers against their CPU limits: api uses 0.95 of its 1 core; worker has no limit (no
      // container_spec_cpu_quota) and uses 2 cores; coredns is not ours. A container's usage is
      // underestimated while its 5-minute window fills, so the alerts come after that.
      interval: '1m',
      input_series: [
        ...cadvisorContainer(API, { cpuSecondsPerMinute: 57, cpuLimitCores: 1, memoryLimitBytes: 512 * 2 ** 20, minutes: 40 }),
        ...cadvisorContainer(WORKER, { cpuSecondsPerMinute: 120, minutes: 40 }),
        ...cadvisorContainer(SIDECAR, { cpuSecondsPerMinute: 60, cpuLimitCores: 2, minutes: 40 }),
        ...cadvisorContainer(COREDNS, { cpuSecondsPerMinute: 5.94, cpuLimitCores: 0.1, memoryLimitBytes: 170 * 2 ** 20, minutes: 40 }),
      ],
      alert_rule_test: [
        { eval_time: '7m', alertname: CPU, exp_alerts: [containerAlert(CPU, API, 'CPU', 'critical', '95%', '90%')] },
        { eval_time: '15m', alertname: CPU, exp_alerts: [containerAlert(CPU, API, 'CPU', 'critical', '95%', '90%')] },
        { eval_time: '25m', alertname: CPU, exp_alerts: [containerAlert(CPU, API, 'CPU', 'warning', '95%', '80%'), containerAlert(CPU, API, 'CPU', 'critical', '95%', '90%')] },
      ],
      promql_expr_test: [
        // The recorded ratios, exactly where binary fractions allow it: a sidecar at half of its 2 cores.
        {
          expr: `${RECORDED.containerCpuLimitRatio5m}{container="sidecar"}`,
          eval_time: '10m',
          exp_samples: [{ labels: s(RECORDED.containerCpuLimitRatio5m, containerLabels(SIDECAR)), value: 0.5 }],
        },
      ],
    },
    {
      // The exporter's own measurement alerts only where no node-exporter is scraped (a VM without one).
      interval: '1m',
      input_series: [{ series: s(METRICS.systemCpuUsage.name, EXPORTER), values: '0.95x20' }],
      alert_rule_test: [
        {
          eval_time: '3m',
          alertname: CPU,
          exp_alerts: [
            alert(CPU, { ...EXPORTER, scope: 'host', severity: 'critical' }, 'CPU usage is high.', `CPU usage on ${EXPORTER.instance} is 95% (measured by the exporter: no node-exporter is scraped), above the 90% critical threshold.`, panel('hostCpu')),
          ],
        },
      ],
    },
    {
      // The same with a node-exporter scraped: the node alerts speak for the host, the exporter's stays silent.
      interval: '1m',
      input_series: [
        { series: s(METRICS.systemCpuUsage.name, EXPORTER), values: '0.95x20' },
        { series: s('up', nodeTarget('node-a')), values: '1x20' },
      ],
      alert_rule_test: [{ eval_time: '17m', alertname: CPU, exp_alerts: [] }],
    },
  ],
  [MEMORY]: [
    {
      // node-a: 8% of 16 GiB available (92% in use: page); node-b: 15% available (85%: warning).
      // node-c is a kube-prometheus-stack node-exporter target (no `node` label): the alert names its instance.
      interval: '1m',
      input_series: [
        ...nodeMemory(nodeTarget('node-a'), 16 * GiB, `${0.08 * 16 * GiB}x30`),
        ...nodeMemory(nodeTarget('node-b'), 16 * GiB, `${0.15 * 16 * GiB}x30`),
        ...nodeMemory(kpsNodeTarget('10.0.1.12'), 8 * GiB, `${0.08 * 8 * GiB}x30`),
      ],
      alert_rule_test: [
        {
          eval_time: '3m',
          alertname: MEMORY,
          exp_alerts: [
            alert(MEMORY, { ...nodeTarget('node-a'), scope: 'node', severity: 'critical' }, 'Memory usage is high.', `Memory in use on node node-a is ${above('92% (MemAvailable against MemTotal)', '90%', 'critical')}`, panel('nodeMemory', { node: 'node-a' })),
            alert(MEMORY, { job: 'node-exporter', instance: '10.0.1.12:9100', scope: 'node', severity: 'critical' }, 'Memory usage is high.', `Memory in use on node 10.0.1.12:9100 is ${above('92% (MemAvailable against MemTotal)', '90%', 'critical')}`, panel('nodeMemory', { node: '10.0.1.12%3A9100' })),
          ],
        },
      ],
    },
    {
      // api's working set is 95% of its 512 MiB limit: a page. worker has no memory limit (cAdvisor
      // reports 0) and uses 3 GiB: never an alert. coredns (kube-system) is not ours.
      interval: '1m',
      input_series: [
        ...cadvisorContainer(API, { cpuSecondsPerMinute: 6, cpuLimitCores: 0.5, workingSetBytes: `${0.95 * 512 * 2 ** 20}x30`, memoryLimitBytes: 512 * 2 ** 20, minutes: 30 }),
        ...cadvisorContainer(WORKER, { cpuSecondsPerMinute: 6, workingSetBytes: `${3 * GiB}x30`, minutes: 30 }),
        ...cadvisorContainer(COREDNS, { workingSetBytes: `${169 * 2 ** 20}x30`, memoryLimitBytes: 170 * 2 ** 20, minutes: 30 }),
      ],
      alert_rule_test: [
        { eval_time: '3m', alertname: MEMORY, exp_alerts: [containerAlert(MEMORY, API, 'memory', 'critical', '95%', '90%')] },
        { eval_time: '29m', alertname: MEMORY, exp_alerts: [containerAlert(MEMORY, API, 'memory', 'warning', '95%', '80%'), containerAlert(MEMORY, API, 'memory', 'critical', '95%', '90%')] },
      ],
    },
    {
      // kube-prometheus-stack drops cAdvisor's container_spec_*: the limit comes from kube-state-metrics.
      interval: '1m',
      input_series: [
        ...cadvisorContainer(API, { workingSetBytes: `${0.95 * 512 * 2 ** 20}x30`, minutes: 30, spec: false }),
        ksmLimit(API, 'memory', 512 * 2 ** 20, 30),
        ...cadvisorContainer(WORKER, { workingSetBytes: `${3 * GiB}x30`, minutes: 30, spec: false }),
      ],
      alert_rule_test: [{ eval_time: '3m', alertname: MEMORY, exp_alerts: [containerAlert(MEMORY, API, 'memory', 'critical', '95%', '90%')] }],
    },
  ],
  [DISK]: [
    {
      // node-a: / at 96% pages; /data at 90% warns, and its inodes at 96% page; a tmpfs, an overlay
      // layer and a read-only mount at 100% never alert.
      interval: '1m',
      input_series: [
        ...nodeFilesystem(nodeTarget('node-a'), { device: '/dev/nvme0n1p1', fstype: 'ext4', mountpoint: '/', size: 100e9, avail: '4e9x30' }),
        ...nodeFilesystem(nodeTarget('node-a'), { device: '/dev/nvme1n1', fstype: 'xfs', mountpoint: '/data', size: 500e9, avail: '50e9x30', files: 1e6, filesFree: '4e4x30' }),
        ...nodeFilesystem(nodeTarget('node-a'), { device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/run', size: 1.6e9, avail: '0x30' }),
        ...nodeFilesystem(nodeTarget('node-a'), { device: 'overlay', fstype: 'overlay', mountpoint: '/run/containerd/io.containerd.runtime.v2.task/k8s.io/0a1b2c/rootfs', size: 100e9, avail: '0x30' }),
        ...nodeFilesystem(nodeTarget('node-a'), { device: '/dev/nvme0n1p15', fstype: 'vfat', mountpoint: '/boot/efi', size: 100e6, avail: '0x30', readonly: true }),
      ],
      alert_rule_test: [
        { eval_time: '30s', alertname: DISK, exp_alerts: [] },
        {
          eval_time: '2m',
          alertname: DISK,
          exp_alerts: [
            fsAlert('node-a', '/dev/nvme0n1p1', 'ext4', '/', 'space', 'critical', `is ${above('96% full', '95%', 'critical')}`),
            fsAlert('node-a', '/dev/nvme1n1', 'xfs', '/data', 'inodes', 'critical', `has used ${above('96% of its inodes', '95%', 'critical')}`),
          ],
        },
        {
          eval_time: '17m',
          alertname: DISK,
          exp_alerts: [
            fsAlert('node-a', '/dev/nvme0n1p1', 'ext4', '/', 'space', 'warning', `is ${above('96% full', '85%', 'warning')}`),
            fsAlert('node-a', '/dev/nvme0n1p1', 'ext4', '/', 'space', 'critical', `is ${above('96% full', '95%', 'critical')}`),
            fsAlert('node-a', '/dev/nvme1n1', 'xfs', '/data', 'space', 'warning', `is ${above('90% full', '85%', 'warning')}`),
            fsAlert('node-a', '/dev/nvme1n1', 'xfs', '/data', 'inodes', 'warning', `has used ${above('96% of its inodes', '85%', 'warning')}`),
            fsAlert('node-a', '/dev/nvme1n1', 'xfs', '/data', 'inodes', 'critical', `has used ${above('96% of its inodes', '95%', 'critical')}`),
          ],
        },
      ],
    },
    {
      // The database volume at 96% pages (available 4 of 100 GiB, as the kubelet reports it); the
      // documents volume at 50% does not; nor does a full volume outside our namespaces.
      interval: '1m',
      input_series: [
        ...kubeletVolume({ node: 'node-a', namespace: 'immigration-ai', persistentvolumeclaim: 'data-postgres-0', capacity: 100 * GiB, available: `${4 * GiB}x30` }),
        ...kubeletVolume({ node: 'node-b', namespace: 'immigration-ai', persistentvolumeclaim: 'documents', capacity: 200 * GiB, available: `${100 * GiB}x30`, inodes: 1e6, inodesFree: '3e4x30' }),
        ...kubeletVolume({ node: 'node-b', namespace: 'other-team', persistentvolumeclaim: 'cache', capacity: 10 * GiB, available: '0x30' }),
      ],
      alert_rule_test: [
        {
          eval_time: '2m',
          alertname: DISK,
          exp_alerts: [
            volumeAlert('immigration-ai', 'data-postgres-0', 'space', 'critical', `is ${above('96% full', '95%', 'critical')}`),
            volumeAlert('immigration-ai', 'documents', 'inodes', 'critical', `has used ${above('97% of its inodes', '95%', 'critical')}`),
          ],
        },
      ],
      promql_expr_test: [
        {
          expr: RECORDED.volumeUsedRatio,
          eval_time: '5m',
          exp_samples: [
            { labels: s(RECORDED.volumeUsedRatio, volumeLabels('immigration-ai', 'data-postgres-0')), value: 0.96 },
            { labels: s(RECORDED.volumeUsedRatio, volumeLabels('immigration-ai', 'documents')), value: 0.5 },
          ],
        },
      ],
    },
    {
      // /var/lib/kubelet at 70% loses 100 MB a minute: full in about 5 hours. The warning waits an
      // hour for the trend to hold; a steady filesystem at 80% and a fast one at 30% stay silent.
      interval: '1m',
      input_series: [
        ...nodeFilesystem(nodeTarget('node-b'), { device: '/dev/nvme0n1p1', fstype: 'ext4', mountpoint: '/var/lib/kubelet', size: 100e9, avail: '30e9-1e8x120', samples: 120 }),
        ...nodeFilesystem(nodeTarget('node-b'), { device: '/dev/nvme1n1', fstype: 'ext4', mountpoint: '/steady', size: 100e9, avail: '20e9x120', samples: 120 }),
        ...nodeFilesystem(nodeTarget('node-b'), { device: '/dev/nvme2n1', fstype: 'ext4', mountpoint: '/fresh', size: 100e9, avail: '70e9-2e8x120', samples: 120 }),
      ],
      alert_rule_test: [
        { eval_time: '60m', alertname: DISK, exp_alerts: [] },
        {
          eval_time: '63m30s',
          alertname: DISK,
          exp_alerts: [
            {
              ...fsAlert('node-b', '/dev/nvme0n1p1', 'ext4', '/var/lib/kubelet', 'space', 'warning', 'is 76.3% full and, at the rate of the last 6h, fills up within 24 hours.'),
              exp_labels: { ...fsLabels('node-b', '/dev/nvme0n1p1', 'ext4', '/var/lib/kubelet'), scope: 'node', resource: 'space', condition: 'filling_up', severity: 'warning' },
            },
          ],
        },
      ],
    },
    {
      // A VM without node-exporter: the exporter's statfs of DISK_PATHS pages.
      interval: '1m',
      input_series: [{ series: s(METRICS.systemDiskUsage.name, { ...EXPORTER, mountpoint: '/var/lib/postgresql' }), values: '0.97x20' }],
      alert_rule_test: [
        {
          eval_time: '2m',
          alertname: DISK,
          exp_alerts: [
            alert(
              DISK, { ...EXPORTER, mountpoint: '/var/lib/postgresql', scope: 'host', resource: 'space', severity: 'critical' }, 'A disk is almost full.',
              `Disk /var/lib/postgresql on ${EXPORTER.instance} is 97% full (measured by the exporter: no node-exporter is scraped), above the 95% critical threshold.`, panel('hostDisk'),
            ),
          ],
        },
      ],
    },
  ],
  ImmigrationAiResourceMetricsDown: [
    {
      interval: '1m',
      input_series: [
        { series: s('up', kubeletTarget('node-a', 'cadvisor')), values: '1 0x30' },
        { series: s('up', kubeletTarget('node-a', 'metrics')), values: '1x30' },
        { series: s('up', nodeTarget('node-a')), values: '1x30' },
      ],
      alert_rule_test: [
        { eval_time: '14m', alertname: 'ImmigrationAiResourceMetricsDown', exp_alerts: [] },
        {
          eval_time: '17m',
          alertname: 'ImmigrationAiResourceMetricsDown',
          exp_alerts: [
            alert(
              'ImmigrationAiResourceMetricsDown', { ...kubeletTarget('node-a', 'cadvisor'), severity: 'warning' }, 'Node or container metrics cannot be scraped.',
              'Prometheus cannot scrape kubelet /metrics/cadvisor on node-a: the CPU, memory and disk alerts of that node, its containers and its volumes cannot fire.', panel('scrapeTargets'),
            ),
          ],
        },
      ],
    },
  ],
};

describe('promtool test rules: resources', () => {
  let dir: string;
  let cleanup: () => void;
  let ruleFiles: string[];
  beforeAll(() => {
    const tree = rulesTree(config);
    ({ dir, cleanup } = writeTempTree(tree, 'promtool-resources-'));
    ruleFiles = tree.paths().map((p) => `${dir}/${p}`);
  });
  afterAll(() => cleanup());
  const evalInterval = `${config.evaluationIntervalSeconds}s`;

  it('has unit tests for every resource alert', () => {
    const names = [...new Set([computeAlertsGroup(config), storageAlertsGroup(config)].flatMap((g) => g.rules.filter(isAlertingRule).map((r) => r.alert)))].sort();
    expect(Object.keys(RESOURCE_CASES).sort()).toEqual(names);
  });

  it.each(Object.keys(RESOURCE_CASES))('%s', (name) => {
    const r = runPromtoolTests(dir, ruleFiles, RESOURCE_CASES[name], evalInterval);
    expect(r.output).toContain('SUCCESS');
    expect(r).toMatchObject({ ok: true });
  });

  it('fails when an expectation is wrong (a tmpfs at 100% must not alert)', () => {
    const wrong: RuleUnitTest[] = [
      {
        interval: '1m',
        input_series: nodeFilesystem(nodeTarget('node-a'), { device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/run', size: 1.6e9, avail: '0x30' }),
        alert_rule_test: [{ eval_time: '5m', alertname: DISK, exp_alerts: [fsAlert('node-a', 'tmpfs', 'tmpfs', '/run', 'space', 'critical', `is ${above('100% full', '95%', 'critical')}`)] }],
      },
    ];
    const r = runPromtoolTests(dir, ruleFiles, wrong, evalInterval);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/FAILED/);
  });
});
