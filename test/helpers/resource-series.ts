/**
 * promtool input series shaped exactly as node-exporter, the kubelet's cAdvisor and the kubelet's
 * volume stats expose them, with the target labels our standalone scrape jobs add (`node`,
 * `instance` = the node name, `metrics_path` on kubelet series), or kube-prometheus-stack's
 * (instance = node IP:port, the ServiceMonitor's `namespace`, `pod`, `service`, `endpoint`,
 * `container`, no `node` on node-exporter series). Values are promtool's expanding notation
 * (`a+bxn`: start at a, add b per interval, n times).
 */
import { EXTERNAL, KUBELET_PATHS } from '../../contract/external-metrics.js';
import { RESOURCE_JOBS } from '../../contract/metric-catalog.js';
import { type InputSeries, seriesOf } from './promtool-tests.js';

export type Labels = Record<string, string>;
const e = EXTERNAL;

/** A node-exporter target of the standalone profile: instance and node are the node's name. */
export const nodeTarget = (node: string): Labels => ({ job: RESOURCE_JOBS.nodeExporter, instance: node, node });
/** The same node as kube-prometheus-stack's node-exporter ServiceMonitor labels it (no `node` unless relabelled). */
export const kpsNodeTarget = (ip: string): Labels => ({
  job: RESOURCE_JOBS.nodeExporter,
  instance: `${ip}:9100`,
  namespace: 'monitoring',
  pod: `kube-prometheus-stack-prometheus-node-exporter-${ip.split('.').pop()}`,
  service: 'kube-prometheus-stack-prometheus-node-exporter',
  endpoint: 'http-metrics',
  container: 'node-exporter',
});
export const kubeletTarget = (node: string, path: keyof typeof KUBELET_PATHS): Labels => ({
  job: RESOURCE_JOBS.kubelet,
  instance: node,
  node,
  metrics_path: KUBELET_PATHS[path],
});

/** Every mode node-exporter reports per CPU; the ones not given stay at 0. */
const CPU_MODES = ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'] as const;

/**
 * `node_cpu_seconds_total` of `cpus` CPUs, each spending the given seconds per minute in each
 * mode (they should add up to 60).
 */
export function nodeCpu(target: Labels, cpus: number, secondsPerMinute: Partial<Record<(typeof CPU_MODES)[number], number>>, minutes: number): InputSeries[] {
  const out: InputSeries[] = [];
  for (let cpu = 0; cpu < cpus; cpu++) {
    for (const mode of CPU_MODES) {
      out.push({ series: seriesOf(e.nodeCpuSeconds.name, { ...target, cpu: String(cpu), mode }), values: `0+${secondsPerMinute[mode] ?? 0}x${minutes}` });
    }
  }
  return out;
}

export function nodeMemory(target: Labels, totalBytes: number, availableBytes: string): InputSeries[] {
  return [
    { series: seriesOf(e.nodeMemoryTotal.name, target), values: `${totalBytes}x60` },
    { series: seriesOf(e.nodeMemoryAvailable.name, target), values: availableBytes },
  ];
}

export interface Filesystem {
  device: string;
  fstype: string;
  mountpoint: string;
  size: number;
  /** Values of node_filesystem_avail_bytes (promtool notation). */
  avail: string;
  files?: number;
  /** Values of node_filesystem_files_free. */
  filesFree?: string;
  readonly?: boolean;
  samples?: number;
}

/** Every gauge the filesystem collector reports for one mount (free = avail here: no reserved blocks). */
export function nodeFilesystem(target: Labels, fs: Filesystem): InputSeries[] {
  const l = { ...target, device: fs.device, fstype: fs.fstype, mountpoint: fs.mountpoint };
  const n = fs.samples ?? 60;
  const files = fs.files ?? 1_000_000;
  return [
    { series: seriesOf(e.nodeFilesystemSize.name, l), values: `${fs.size}x${n}` },
    { series: seriesOf(e.nodeFilesystemAvail.name, l), values: fs.avail },
    { series: seriesOf('node_filesystem_free_bytes', l), values: fs.avail },
    { series: seriesOf(e.nodeFilesystemFiles.name, l), values: `${files}x${n}` },
    { series: seriesOf(e.nodeFilesystemFilesFree.name, l), values: fs.filesFree ?? `${files / 2}x${n}` },
    { series: seriesOf(e.nodeFilesystemReadonly.name, l), values: `${fs.readonly ? 1 : 0}x${n}` },
    { series: seriesOf('node_filesystem_device_error', l), values: `0x${n}` },
  ];
}

export interface Container {
  node: string;
  namespace: string;
  pod: string;
  container: string;
  image: string;
}

/** cAdvisor's labels of one container as the kubelet reports it (cgroup v2 with the systemd driver, containerd). */
export function cadvisorLabels(c: Container): Labels {
  const hash = Buffer.from(`${c.pod}/${c.container}`).toString('hex').padEnd(64, '0').slice(0, 64);
  return {
    ...kubeletTarget(c.node, 'cadvisor'),
    namespace: c.namespace,
    pod: c.pod,
    container: c.container,
    image: c.image,
    name: hash,
    id: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${hash.slice(0, 8)}.slice/cri-containerd-${hash}.scope`,
  };
}

export interface ContainerUse {
  /** CPU seconds used per minute. */
  cpuSecondsPerMinute?: number;
  /** CPU limit in cores; omitted = no limit (cAdvisor then has no container_spec_cpu_quota). */
  cpuLimitCores?: number;
  workingSetBytes?: string;
  /** Memory limit in bytes; omitted = no limit (cAdvisor reports 0). */
  memoryLimitBytes?: number;
  minutes?: number;
  /** false: no container_spec_* series, as kube-prometheus-stack drops them at scrape time. */
  spec?: boolean;
}

/** One container's cAdvisor series: CPU usage, working set and the spec gauges for its limits. */
export function cadvisorContainer(c: Container, use: ContainerUse): InputSeries[] {
  const l = cadvisorLabels(c);
  const n = use.minutes ?? 60;
  const period = 100_000;
  const out: InputSeries[] = [
    { series: seriesOf(e.containerCpuUsage.name, { ...l, cpu: 'total' }), values: `0+${use.cpuSecondsPerMinute ?? 0}x${n}` },
    { series: seriesOf(e.containerMemoryWorkingSet.name, l), values: use.workingSetBytes ?? `${50 * 2 ** 20}x${n}` },
  ];
  if (use.spec === false) return out;
  out.push(
    { series: seriesOf(e.containerSpecCpuPeriod.name, l), values: `${period}x${n}` },
    { series: seriesOf(e.containerSpecMemoryLimit.name, l), values: `${use.memoryLimitBytes ?? 0}x${n}` },
  );
  if (use.cpuLimitCores !== undefined) out.push({ series: seriesOf(e.containerSpecCpuQuota.name, l), values: `${use.cpuLimitCores * period}x${n}` });
  return out;
}

/** kube-state-metrics' limit of one container (kube-prometheus-stack, where cAdvisor's container_spec_* are dropped). */
export function ksmLimit(c: Container, resource: 'cpu' | 'memory', value: number, minutes = 60): InputSeries {
  return {
    series: seriesOf(e.kubeContainerLimits.name, {
      job: RESOURCE_JOBS.kubeStateMetrics,
      instance: '10.0.2.7:8080',
      namespace: c.namespace,
      pod: c.pod,
      uid: '0b9c1e8a-3f7d-4c61-9a2e-5d8f7b6c4a31',
      container: c.container,
      node: c.node,
      resource,
      unit: resource === 'cpu' ? 'core' : 'byte',
    }),
    values: `${value}x${minutes}`,
  };
}

export interface Volume {
  node: string;
  namespace: string;
  persistentvolumeclaim: string;
  capacity: number;
  /** Values of kubelet_volume_stats_available_bytes. */
  available: string;
  inodes?: number;
  inodesFree?: string;
  samples?: number;
}

/** The kubelet's volume stats of one mounted PersistentVolumeClaim (its /metrics endpoint). */
export function kubeletVolume(v: Volume): InputSeries[] {
  const l = { ...kubeletTarget(v.node, 'metrics'), namespace: v.namespace, persistentvolumeclaim: v.persistentvolumeclaim };
  const n = v.samples ?? 60;
  const inodes = v.inodes ?? 6_553_600;
  return [
    { series: seriesOf(e.volumeCapacity.name, l), values: `${v.capacity}x${n}` },
    { series: seriesOf(e.volumeAvailable.name, l), values: v.available },
    { series: seriesOf(e.volumeInodes.name, l), values: `${inodes}x${n}` },
    { series: seriesOf(e.volumeInodesFree.name, l), values: v.inodesFree ?? `${inodes / 2}x${n}` },
  ];
}
