/**
 * The series other programs publish that our resource rules and dashboards read: node-exporter's
 * node metrics, the kubelet's cAdvisor container metrics and volume stats, and (operator profile
 * only) kube-state-metrics' container limits. We do not publish these, so they are not in the
 * metric catalog; this list is what our queries may name, with the labels the series really carry.
 * The query lint learns them from here, and the standalone scrape configs keep exactly the cAdvisor
 * and kubelet series listed (metric_relabel_configs keep-lists), so a query cannot use a series the
 * scrape drops.
 */
import { RESOURCE_JOBS } from './metric-catalog.js';

/** Which program publishes a series, which decides its scrape job (and, for the kubelet, its path). */
export type ExternalSource = 'node-exporter' | 'cadvisor' | 'kubelet' | 'kube-state-metrics';

/** The kubelet's two endpoints we read, as the `metrics_path` label names them. */
export const KUBELET_PATHS = { metrics: '/metrics', cadvisor: '/metrics/cadvisor' } as const;

export interface ExternalSeries {
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  readonly source: ExternalSource;
  /** The labels the program itself sets (an empty value, such as node-exporter's `device_error=""`, is no label in Prometheus). */
  readonly labels: readonly string[];
}

const NODE_FS = ['device', 'fstype', 'mountpoint', 'device_error'] as const;
/** cAdvisor as the kubelet runs it: the pod's namespace and name, the container name, the cgroup path (`id`), the runtime's container name and image. */
const CADVISOR = ['container', 'id', 'image', 'name', 'namespace', 'pod'] as const;
const VOLUME = ['namespace', 'persistentvolumeclaim'] as const;

function define<const T extends ExternalSeries>(s: T): T {
  return Object.freeze({ ...s, labels: Object.freeze([...s.labels]) });
}

export const EXTERNAL = {
  // node-exporter (collectors cpu, meminfo, filesystem)
  nodeCpuSeconds: define({ name: 'node_cpu_seconds_total', type: 'counter', help: 'Seconds the CPUs spent in each mode.', source: 'node-exporter', labels: ['cpu', 'mode'] }),
  nodeMemoryAvailable: define({ name: 'node_memory_MemAvailable_bytes', type: 'gauge', help: 'Memory available to new work without swapping (MemAvailable).', source: 'node-exporter', labels: [] }),
  nodeMemoryTotal: define({ name: 'node_memory_MemTotal_bytes', type: 'gauge', help: 'Physical memory (MemTotal).', source: 'node-exporter', labels: [] }),
  nodeFilesystemAvail: define({ name: 'node_filesystem_avail_bytes', type: 'gauge', help: 'Filesystem space available to non-root users.', source: 'node-exporter', labels: NODE_FS }),
  nodeFilesystemSize: define({ name: 'node_filesystem_size_bytes', type: 'gauge', help: 'Filesystem size.', source: 'node-exporter', labels: NODE_FS }),
  nodeFilesystemReadonly: define({ name: 'node_filesystem_readonly', type: 'gauge', help: 'Filesystem mounted read-only: 1, else 0.', source: 'node-exporter', labels: NODE_FS }),
  nodeFilesystemFiles: define({ name: 'node_filesystem_files', type: 'gauge', help: 'Filesystem inodes.', source: 'node-exporter', labels: NODE_FS }),
  nodeFilesystemFilesFree: define({ name: 'node_filesystem_files_free', type: 'gauge', help: 'Filesystem free inodes.', source: 'node-exporter', labels: NODE_FS }),
  nodeBootTime: define({ name: 'node_boot_time_seconds', type: 'gauge', help: 'Unix time the node booted.', source: 'node-exporter', labels: [] }),

  // cAdvisor in the kubelet (/metrics/cadvisor)
  containerCpuUsage: define({
    name: 'container_cpu_usage_seconds_total',
    type: 'counter',
    help: 'CPU seconds a container used (the kubelet reports `cpu="total"`).',
    source: 'cadvisor',
    labels: [...CADVISOR, 'cpu'],
  }),
  containerMemoryWorkingSet: define({
    name: 'container_memory_working_set_bytes',
    type: 'gauge',
    help: 'A container\'s working set: what the kernel cannot reclaim, and what the OOM killer and the kubelet\'s evictions compare with the limit.',
    source: 'cadvisor',
    labels: CADVISOR,
  }),
  containerSpecCpuQuota: define({
    name: 'container_spec_cpu_quota',
    type: 'gauge',
    help: 'CFS quota of a container in microseconds per period; absent when the container has no CPU limit.',
    source: 'cadvisor',
    labels: CADVISOR,
  }),
  containerSpecCpuPeriod: define({ name: 'container_spec_cpu_period', type: 'gauge', help: 'CFS period of a container in microseconds.', source: 'cadvisor', labels: CADVISOR }),
  containerSpecMemoryLimit: define({
    name: 'container_spec_memory_limit_bytes',
    type: 'gauge',
    help: 'Memory limit of a container; 0 when it has none (cAdvisor reports "unlimited" as 0).',
    source: 'cadvisor',
    labels: CADVISOR,
  }),

  // kubelet (/metrics): volume stats of mounted PersistentVolumeClaims
  volumeCapacity: define({ name: 'kubelet_volume_stats_capacity_bytes', type: 'gauge', help: 'Capacity of a mounted volume.', source: 'kubelet', labels: VOLUME }),
  volumeAvailable: define({ name: 'kubelet_volume_stats_available_bytes', type: 'gauge', help: 'Space of a mounted volume available to non-root users.', source: 'kubelet', labels: VOLUME }),
  volumeUsed: define({ name: 'kubelet_volume_stats_used_bytes', type: 'gauge', help: 'Space used on a mounted volume.', source: 'kubelet', labels: VOLUME }),
  volumeInodes: define({ name: 'kubelet_volume_stats_inodes', type: 'gauge', help: 'Inodes of a mounted volume.', source: 'kubelet', labels: VOLUME }),
  volumeInodesFree: define({ name: 'kubelet_volume_stats_inodes_free', type: 'gauge', help: 'Free inodes of a mounted volume.', source: 'kubelet', labels: VOLUME }),
  volumeInodesUsed: define({ name: 'kubelet_volume_stats_inodes_used', type: 'gauge', help: 'Used inodes of a mounted volume.', source: 'kubelet', labels: VOLUME }),

  // kube-state-metrics (kube-prometheus-stack only)
  kubeContainerLimits: define({
    name: 'kube_pod_container_resource_limits',
    type: 'gauge',
    help: 'A container\'s limit per resource (`resource="cpu"` in cores, `"memory"` in bytes), from its pod spec.',
    source: 'kube-state-metrics',
    labels: ['namespace', 'pod', 'uid', 'container', 'node', 'resource', 'unit'],
  }),
} as const;

export type ExternalKey = keyof typeof EXTERNAL;
export const ALL_EXTERNAL: readonly ExternalSeries[] = Object.values(EXTERNAL);

/** The scrape job a source's series appear under. */
export function externalJob(source: ExternalSource): string {
  switch (source) {
    case 'node-exporter':
      return RESOURCE_JOBS.nodeExporter;
    case 'cadvisor':
    case 'kubelet':
      return RESOURCE_JOBS.kubelet;
    case 'kube-state-metrics':
      return RESOURCE_JOBS.kubeStateMetrics;
  }
}

/**
 * Labels the scrape adds to a source's series besides `job` and `instance`: `node` (the
 * Kubernetes node name; in the standalone profile on node-exporter and kubelet series; in
 * kube-prometheus-stack on kubelet series, and on node-exporter series once its relabelling is
 * added, see docs/operators.md) and the kubelet's `metrics_path`.
 */
export function scrapeLabels(source: ExternalSource): string[] {
  switch (source) {
    case 'node-exporter':
      return ['job', 'instance', 'node'];
    case 'cadvisor':
    case 'kubelet':
      return ['job', 'instance', 'node', 'metrics_path'];
    case 'kube-state-metrics':
      return ['job', 'instance'];
  }
}

/** Names of the series one source contributes (the kubelet keep-lists). */
export const externalNames = (...sources: ExternalSource[]): string[] => ALL_EXTERNAL.filter((s) => sources.includes(s.source)).map((s) => s.name);
