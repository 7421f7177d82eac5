/**
 * Panels of nodes, containers (against their own limits) and volumes, from the same recording
 * rules and thresholds as ImmigrationAiHighCpuUsage, ImmigrationAiHighMemoryUsage and
 * ImmigrationAiDiskAlmostFull: a bar turns orange and red exactly where the alert would fire.
 * Shared by the System Overview (where things stand now) and Performance (how they got there).
 */
import { ALERTS } from '../contract/alerts.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { percent, recorded } from '../contract/promql.js';
import { RECORDED, type RecordedName } from '../contract/recording-rules.js';
import { runbook, toDashboard } from './links.js';
import { alertSteps, barGaugePanel, type PanelLink, type Steps, timeseriesPanel } from './panels.js';

export type Resource = 'cpu' | 'memory' | 'disk';

/** The warning and critical thresholds of a resource's alert, as panel steps. */
export function resourceSteps(config: MonitoringConfig, resource: Resource): Steps {
  const { warning, critical } = config.alerting.thresholds;
  if (resource === 'cpu') return alertSteps(warning.cpuUsageRatio, critical.cpuUsageRatio);
  if (resource === 'memory') return alertSteps(warning.memoryUsageRatio, critical.memoryUsageRatio);
  return alertSteps(warning.diskUsageRatio, critical.diskUsageRatio);
}

const ALERT_OF: Record<Resource, (typeof ALERTS)[keyof typeof ALERTS]> = { cpu: ALERTS.highCpuUsage, memory: ALERTS.highMemoryUsage, disk: ALERTS.diskAlmostFull };

/** The legends of what each recorded ratio is about (the node is `instance`: its name here, `localhost:9100` on a VM). */
export const LEGENDS = {
  node: '{{instance}}',
  filesystem: '{{instance}} {{mountpoint}}',
  container: '{{namespace}}/{{pod}} {{container}}',
  volume: '{{namespace}}/{{persistentvolumeclaim}}',
} as const;

export interface ResourceView {
  title: string;
  description: string;
  resource: Resource;
  record: RecordedName;
  legend: string;
  /** Show only the fullest few (containers and filesystems can be many). */
  top?: number;
  /** Why the panel can be empty. */
  empty: string;
}

const ratioCommon = (config: MonitoringConfig, v: ResourceView, links: PanelLink[]) => ({
  unit: 'percentunit',
  thresholds: resourceSteps(config, v.resource),
  min: 0,
  max: 1,
  links: [runbook(config, ALERT_OF[v.resource]), ...links],
});

const expr = (v: ResourceView, matchers: string[] = []): string => (v.top ? `topk(${v.top}, ${recorded(v.record, ...matchers)})` : recorded(v.record, ...matchers));

/** Where each one stands now, fullest first; coloured at the alert's thresholds. */
export function resourceBars(config: MonitoringConfig, v: ResourceView): ReturnType<typeof barGaugePanel> {
  return barGaugePanel({
    title: v.title,
    description: v.description,
    ...ratioCommon(config, v, [toDashboard(config, 'performance', 'Performance')]),
    queries: [{ expr: expr(v), legend: v.legend, instant: true }],
    noValue: v.empty,
  });
}

/** The same over time, with the alert's thresholds as dashed lines; `matchers` narrow it (the node variable). */
export function resourceHistory(config: MonitoringConfig, v: ResourceView, ...matchers: string[]): ReturnType<typeof timeseriesPanel> {
  return timeseriesPanel({
    title: v.title,
    description: v.description,
    ...ratioCommon(config, v, []),
    queries: [{ expr: expr(v, matchers), legend: v.legend }],
    showThresholds: true,
    noValue: v.empty,
  });
}

/** The views both dashboards show, with words that say where each ratio comes from. */
export function resourceViews(
  config: MonitoringConfig,
): Record<'nodeCpu' | 'nodeMemory' | 'filesystems' | 'filesystemInodes' | 'containerCpu' | 'containerMemory' | 'volumes' | 'volumeInodes', ResourceView> {
  const noNodeExporter = 'No node-exporter is scraped (the exporter\'s host panels cover a VM without one)';
  const noKubelet = 'No kubelet is scraped: container and volume figures exist only in a Kubernetes cluster';
  const { warning, critical } = config.alerting.thresholds;
  const at = (w: number, c: number): string => `orange from ${percent(w)}, red from ${percent(c)}`;
  const cpu = at(warning.cpuUsageRatio, critical.cpuUsageRatio);
  const memory = at(warning.memoryUsageRatio, critical.memoryUsageRatio);
  const disk = at(warning.diskUsageRatio, critical.diskUsageRatio);
  return {
    nodeCpu: {
      title: 'Node CPU busy', resource: 'cpu', record: RECORDED.nodeCpuBusyRatio5m, legend: LEGENDS.node, empty: noNodeExporter,
      description: `Share of each node's CPUs busy over 5 minutes (node-exporter; idle, iowait and steal count as not busy); ${cpu} (${ALERTS.highCpuUsage}).`,
    },
    nodeMemory: {
      title: 'Node memory in use', resource: 'memory', record: RECORDED.nodeMemoryUsedRatio, legend: LEGENDS.node, empty: noNodeExporter,
      description: `Share of each node's memory not available to new work (1 - MemAvailable / MemTotal); ${memory} (${ALERTS.highMemoryUsage}).`,
    },
    filesystems: {
      title: 'Node filesystems used', resource: 'disk', record: RECORDED.nodeFilesystemUsedRatio, legend: LEGENDS.filesystem, top: 10, empty: noNodeExporter,
      description: `The ten fullest node filesystems (space reserved for root counts as used; tmpfs, overlay and read-only mounts left out); ${disk} (${ALERTS.diskAlmostFull}).`,
    },
    filesystemInodes: {
      title: 'Node filesystem inodes used', resource: 'disk', record: RECORDED.nodeFilesystemInodesUsedRatio, legend: LEGENDS.filesystem, top: 10, empty: noNodeExporter,
      description: `The ten node filesystems with the most inodes used: many small files fill a filesystem that still has space; ${disk} (${ALERTS.diskAlmostFull}).`,
    },
    containerCpu: {
      title: 'Container CPU against its limit', resource: 'cpu', record: RECORDED.containerCpuLimitRatio5m, legend: LEGENDS.container, top: 10, empty: noKubelet,
      description: `The ten containers of our namespaces closest to their CPU limit, over 5 minutes (cAdvisor); at 100% the kernel throttles them. Containers without a limit are not shown. ${cpu} (${ALERTS.highCpuUsage}).`,
    },
    containerMemory: {
      title: 'Container memory against its limit', resource: 'memory', record: RECORDED.containerMemoryLimitRatio, legend: LEGENDS.container, top: 10, empty: noKubelet,
      description: `The ten containers of our namespaces closest to their memory limit (working set); at 100% they are OOM-killed. Containers without a limit are not shown. ${memory} (${ALERTS.highMemoryUsage}).`,
    },
    volumes: {
      title: 'Volumes used', resource: 'disk', record: RECORDED.volumeUsedRatio, legend: LEGENDS.volume, empty: noKubelet,
      description: `Space used on each PersistentVolumeClaim of our namespaces (the database and document volumes among them), as the kubelet reports it; ${disk} (${ALERTS.diskAlmostFull}).`,
    },
    volumeInodes: {
      title: 'Volume inodes used', resource: 'disk', record: RECORDED.volumeInodesUsedRatio, legend: LEGENDS.volume, empty: noKubelet,
      description: `Inodes used on each PersistentVolumeClaim of our namespaces: many small files fill a volume that still has space; ${disk} (${ALERTS.diskAlmostFull}).`,
    },
  };
}
