/**
 * The resource recording rules (names in contract/recording-rules.ts): usage ratios per node,
 * node filesystem, container (against its own limits) and PersistentVolumeClaim, shared by the
 * CPU, memory and disk alerts and by the dashboards, so a panel turns red exactly where an alert fires.
 *
 * Every aggregation names the labels it keeps (`by`), so the results look the same whether the
 * series come from our scrape jobs (standalone), kube-prometheus-stack's (operator profile: extra
 * target labels such as `service` or `endpoint`) or a node-exporter on a VM (no `node` label).
 */
import type { MonitoringConfig } from '../contract/config/index.js';
import { promDuration } from '../contract/duration.js';
import { EXTERNAL } from '../contract/external-metrics.js';
import { external, oneOf } from '../contract/promql.js';
import { RECORDED } from '../contract/recording-rules.js';
import { NON_DISK_FSTYPES, watchedNamespaces } from '../contract/resources.js';
import type { RecordingRule, RuleGroup } from '../contract/rules.js';

const e = EXTERNAL;

/** The labels that identify a node (`node` only where the scrape sets it), a filesystem, a container, a volume. */
export const NODE_BY = 'job, instance, node';
export const FILESYSTEM_BY = `${NODE_BY}, device, fstype, mountpoint`;
const CONTAINER_KEY = 'namespace, pod, container';
export const VOLUME_BY = 'job, namespace, persistentvolumeclaim';

/** node-exporter filesystems that are disks (see NON_DISK_FSTYPES). */
export const diskFilesystems = (): string => `fstype!~"${NON_DISK_FSTYPES.join('|')}"`;

/** Our containers: in the watched namespaces, real containers (not the pod-level cgroup `""`, not the `POD` sandbox). */
export const containerMatchers = (config: MonitoringConfig): string[] => [oneOf('namespace', watchedNamespaces(config)), 'container!=""', 'container!="POD"'];

/**
 * A ratio of a node filesystem's two gauges, read-only mounts left out. `max by` drops the
 * `device_error` label node-exporter 1.8+ adds (empty unless statfs failed).
 */
function filesystemRatio(free: string, total: string): string {
  const fs = diskFilesystems();
  const readonly = `max by (${FILESYSTEM_BY}) (${external(e.nodeFilesystemReadonly, fs)}) == 1`;
  return `(1 - max by (${FILESYSTEM_BY}) (${free}) / max by (${FILESYSTEM_BY}) (${total} > 0)) unless on (${FILESYSTEM_BY}) (${readonly})`;
}

/**
 * A container's limit of one resource: cAdvisor's container_spec_* in the standalone profile, or
 * kube-state-metrics' limits under kube-prometheus-stack, which drops container_spec_* at scrape
 * time. Either way a container without a limit has no series, so nothing divides by zero.
 */
function containerLimit(config: MonitoringConfig, cadvisor: string, resource: 'cpu' | 'memory'): string {
  const ksm = external(e.kubeContainerLimits, `resource="${resource}"`, oneOf('namespace', watchedNamespaces(config)));
  return `(max by (${CONTAINER_KEY}) (${cadvisor}) or max by (${CONTAINER_KEY}) (${ksm}))`;
}

/** A container's usage (keeping job, node and its identity) over its limit. */
const overLimit = (usage: string, limit: string): string => `${usage} / on (${CONTAINER_KEY}) group_left () ${limit}`;

export function resourceRecordingGroup(config: MonitoringConfig): RuleGroup {
  // 5m everywhere but in the time-compressed local environment (the names keep saying 5m).
  const w = promDuration(config.alerting.rateWindowSeconds);
  const fs = diskFilesystems();
  const c = containerMatchers(config);
  const volumes = oneOf('namespace', watchedNamespaces(config));
  const rules: RecordingRule[] = [
    {
      // Busy = not idle, not waiting for IO, not stolen by the hypervisor. A ratio of two rates
      // rather than `1 - rate(idle)`: in the first minutes of a target, rate() over a window only
      // partly filled underestimates every mode alike, and a lone `1 - idle` would read as a busy node.
      record: RECORDED.nodeCpuBusyRatio5m,
      expr:
        `1 - sum by (${NODE_BY}) (rate(${external(e.nodeCpuSeconds, 'mode=~"idle|iowait|steal"')}[${w}])) ` +
        `/ sum by (${NODE_BY}) (rate(${external(e.nodeCpuSeconds)}[${w}]))`,
    },
    {
      // MemAvailable counts reclaimable page cache as available, as the kernel's OOM decisions do.
      record: RECORDED.nodeMemoryUsedRatio,
      expr: `1 - sum by (${NODE_BY}) (${external(e.nodeMemoryAvailable)}) / sum by (${NODE_BY}) (${external(e.nodeMemoryTotal)})`,
    },
    {
      // avail, not free: the blocks reserved for root are as good as full for the app's processes.
      record: RECORDED.nodeFilesystemUsedRatio,
      expr: filesystemRatio(external(e.nodeFilesystemAvail, fs), external(e.nodeFilesystemSize, fs)),
    },
    {
      record: RECORDED.nodeFilesystemInodesUsedRatio,
      expr: filesystemRatio(external(e.nodeFilesystemFilesFree, fs), external(e.nodeFilesystemFiles, fs)),
    },
    {
      record: RECORDED.containerCpuLimitRatio5m,
      expr: overLimit(
        `sum by (job, node, ${CONTAINER_KEY}) (rate(${external(e.containerCpuUsage, ...c)}[${w}]))`,
        containerLimit(config, `${external(e.containerSpecCpuQuota, ...c)} / ${external(e.containerSpecCpuPeriod, ...c)}`, 'cpu'),
      ),
    },
    {
      // The working set is what the OOM killer compares with the limit (not usage_bytes, which counts reclaimable cache).
      record: RECORDED.containerMemoryLimitRatio,
      expr: overLimit(
        `max by (job, node, ${CONTAINER_KEY}) (${external(e.containerMemoryWorkingSet, ...c)})`,
        // cAdvisor reports "no limit" as 0.
        containerLimit(config, `${external(e.containerSpecMemoryLimit, ...c)} > 0`, 'memory'),
      ),
    },
    {
      // available, not used: ext4 reserves blocks for root, so a volume is full for a non-root
      // database before used reaches capacity. A volume mounted on several nodes is reported by each: max.
      record: RECORDED.volumeUsedRatio,
      expr: `1 - max by (${VOLUME_BY}) (${external(e.volumeAvailable, volumes)}) / max by (${VOLUME_BY}) (${external(e.volumeCapacity, volumes)} > 0)`,
    },
    {
      record: RECORDED.volumeInodesUsedRatio,
      expr: `1 - max by (${VOLUME_BY}) (${external(e.volumeInodesFree, volumes)}) / max by (${VOLUME_BY}) (${external(e.volumeInodes, volumes)} > 0)`,
    },
  ];
  return { name: 'immigration-ai-resources.rules', rules };
}
