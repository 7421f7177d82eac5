/**
 * CPU, memory and disk alerts on what the platform runs on: every node (node-exporter), every
 * container of ours against its own limits (cAdvisor) and every PersistentVolumeClaim (kubelet
 * volume stats), from the shared recording rules of resource-recording.ts. The exporter's own host
 * gauges (immigration_ai_system_*) only alert where no node-exporter is scraped (a VM without
 * one), so a node's alert never arrives twice.
 *
 * Label `scope` says what the alert is about (`node`, `container`, `volume`, or `host` for the
 * exporter's fallback); `resource` says what is full (`space` or `inodes`). Alertmanager's
 * inhibition (alertmanager.ts) keeps one page per incident: a critical silences the warning of the
 * same target, and a node's alert silences the same alert for the containers on that node.
 */
import { ALERTS, type AlertName } from '../contract/alerts.js';
import type { PanelKey } from '../contract/dashboards.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { EXTERNAL } from '../contract/external-metrics.js';
import { METRICS, RESOURCE_JOBS } from '../contract/metric-catalog.js';
import { external, humanSeconds, num, oneOf, percent, recorded, series, upOf } from '../contract/promql.js';
import { watchedNamespaces } from '../contract/resources.js';
import { RECORDED, type RecordedName } from '../contract/recording-rules.js';
import type { AlertingRule, RuleGroup, Severity } from '../contract/rules.js';
import { alertRule } from './define.js';
import { diskFilesystems, FILESYSTEM_BY, VOLUME_BY } from './resource-recording.js';

/** The values of the `scope` label. */
export const SCOPES = { node: 'node', container: 'container', volume: 'volume', host: 'host' } as const;

/** How long the predictive disk warnings look back (as node-mixin and kubernetes-mixin do). */
export const FILL_PREDICTION_LOOKBACK = '6h';
/**
 * The predictive warning only considers filesystems and volumes more than this full (node-mixin's
 * 40% available): an almost empty disk that grows fast (a restore, a first import) is expected.
 */
export const FILL_PREDICTION_MIN_USAGE = 0.6;

/** `node X` where the scrape names the node, else the target (`localhost:9100` on a VM). */
const NODE = '{{ with $labels.node }}{{ . }}{{ else }}{{ $labels.instance }}{{ end }}';
const CONTAINER = 'container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }}';
const VALUE = '{{ $value | humanizePercentage }}';
/** A node's alerts open the Performance dashboard on that node (its `node` variable filters by `instance`). */
const ON_NODE = { node: 'instance' };

/** No node-exporter target is up: only then do the exporter's host gauges alert (VM installs without node-exporter). */
const NO_NODE_EXPORTER = `unless on () (${upOf(RESOURCE_JOBS.nodeExporter)} == 1)`;

interface Level {
  severity: Severity;
  threshold: number;
}

const levels = (warning: number, critical: number): Level[] => [
  { severity: 'warning', threshold: warning },
  { severity: 'critical', threshold: critical },
];

interface Target {
  scope: keyof typeof SCOPES;
  /** The ratio compared with the threshold. */
  ratio: string;
  /** What the alert says, given the templated value; the threshold follows. */
  describe: (value: string) => string;
  /** The panel that shows this ratio, and the dashboard variables the alert's labels set. */
  panel: PanelKey;
  panelVariables?: Record<string, string>;
}

function thresholdAlerts(config: MonitoringConfig, alert: AlertName, summary: string, target: Target, list: Level[], labels: Record<string, string> = {}): AlertingRule[] {
  return list.map(({ severity, threshold }) =>
    alertRule(config, {
      alert,
      severity,
      expr: `${target.ratio} > ${num(threshold)}${target.scope === 'host' ? ` ${NO_NODE_EXPORTER}` : ''}`,
      labels: { scope: SCOPES[target.scope], ...labels },
      summary,
      description: `${target.describe(VALUE)}, above the ${percent(threshold)} ${severity} threshold.`,
      panel: target.panel,
      ...(target.panelVariables ? { panelVariables: target.panelVariables } : {}),
    }),
  );
}

/** ImmigrationAiHighCpuUsage and ImmigrationAiHighMemoryUsage per node, per container against its limit, and the exporter's fallback. */
export function computeAlertsGroup(config: MonitoringConfig): RuleGroup {
  const { critical, warning } = config.alerting.thresholds;
  const over = humanSeconds(config.alerting.rateWindowSeconds);
  const cpu = levels(warning.cpuUsageRatio, critical.cpuUsageRatio);
  const memory = levels(warning.memoryUsageRatio, critical.memoryUsageRatio);
  const byExporter = '(measured by the exporter: no node-exporter is scraped)';
  const cpuAlerts = (t: Target): AlertingRule[] => thresholdAlerts(config, ALERTS.highCpuUsage, 'CPU usage is high.', t, cpu);
  const memoryAlerts = (t: Target): AlertingRule[] => thresholdAlerts(config, ALERTS.highMemoryUsage, 'Memory usage is high.', t, memory);
  const rules: AlertingRule[] = [
    ...cpuAlerts({ scope: 'node', ratio: recorded(RECORDED.nodeCpuBusyRatio5m), describe: (v) => `The CPUs of node ${NODE} are ${v} busy over the last ${over}`, panel: 'nodeCpu', panelVariables: ON_NODE }),
    ...cpuAlerts({ scope: 'container', ratio: recorded(RECORDED.containerCpuLimitRatio5m), describe: (v) => `The ${CONTAINER} on node {{ $labels.node }} uses ${v} of its CPU limit over the last ${over}`, panel: 'containerCpu' }),
    ...cpuAlerts({ scope: 'host', ratio: series(METRICS.systemCpuUsage), describe: (v) => `CPU usage on {{ $labels.instance }} is ${v} ${byExporter}`, panel: 'hostCpu' }),
    ...memoryAlerts({ scope: 'node', ratio: recorded(RECORDED.nodeMemoryUsedRatio), describe: (v) => `Memory in use on node ${NODE} is ${v} (MemAvailable against MemTotal)`, panel: 'nodeMemory', panelVariables: ON_NODE }),
    ...memoryAlerts({ scope: 'container', ratio: recorded(RECORDED.containerMemoryLimitRatio), describe: (v) => `The ${CONTAINER} on node {{ $labels.node }} uses ${v} of its memory limit (working set)`, panel: 'containerMemory' }),
    ...memoryAlerts({ scope: 'host', ratio: series(METRICS.systemMemoryUsage), describe: (v) => `Memory usage on {{ $labels.instance }} is ${v} ${byExporter}`, panel: 'hostMemory' }),
    alertRule(config, {
      alert: ALERTS.resourceMetricsDown,
      severity: 'warning',
      expr: `up{job=~"${RESOURCE_JOBS.nodeExporter}|${RESOURCE_JOBS.kubelet}"} == 0`,
      summary: 'Node or container metrics cannot be scraped.',
      description:
        'Prometheus cannot scrape {{ $labels.job }}{{ with $labels.metrics_path }} {{ . }}{{ end }} on {{ $labels.instance }}: the CPU, memory and disk alerts of that node, its containers and its volumes cannot fire.',
      panel: 'scrapeTargets',
    }),
  ];
  return { name: 'immigration-ai-compute.alerts', rules };
}

interface Storage extends Target {
  scope: 'node' | 'volume';
  resource: 'space' | 'inodes';
  ratio: RecordedName;
  /** The gauge whose trend predicts exhaustion (available bytes, free inodes), selected for predict_linear. */
  free: string;
  /** The labels that identify the filesystem or volume. */
  by: string;
  /** The predictive warning's words for "runs out". */
  runsOut: string;
}

/** ImmigrationAiDiskAlmostFull per node filesystem and per PersistentVolumeClaim, for space and inodes, and the exporter's fallback. */
export function storageAlertsGroup(config: MonitoringConfig): RuleGroup {
  const { critical, warning } = config.alerting.thresholds;
  const e = EXTERNAL;
  const fs = diskFilesystems();
  const volumes = oneOf('namespace', watchedNamespaces(config));
  const summary = 'A disk is almost full.';
  const hours = warning.diskFullWithinHours;
  const filesystem = `filesystem {{ $labels.mountpoint }} ({{ $labels.device }}, {{ $labels.fstype }}) of node ${NODE}`;
  const pvc = 'PersistentVolumeClaim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }}';
  const targets: Storage[] = [
    {
      scope: 'node', resource: 'space', ratio: RECORDED.nodeFilesystemUsedRatio, free: external(e.nodeFilesystemAvail, fs), by: FILESYSTEM_BY,
      describe: (v) => `The ${filesystem} is ${v} full`, runsOut: 'fills up', panel: 'nodeFilesystems', panelVariables: ON_NODE,
    },
    {
      scope: 'node', resource: 'inodes', ratio: RECORDED.nodeFilesystemInodesUsedRatio, free: external(e.nodeFilesystemFilesFree, fs), by: FILESYSTEM_BY,
      describe: (v) => `The ${filesystem} has used ${v} of its inodes`, runsOut: 'runs out of inodes', panel: 'nodeFilesystemInodes', panelVariables: ON_NODE,
    },
    {
      scope: 'volume', resource: 'space', ratio: RECORDED.volumeUsedRatio, free: external(e.volumeAvailable, volumes), by: VOLUME_BY,
      describe: (v) => `The ${pvc} is ${v} full`, runsOut: 'fills up', panel: 'volumes',
    },
    {
      scope: 'volume', resource: 'inodes', ratio: RECORDED.volumeInodesUsedRatio, free: external(e.volumeInodesFree, volumes), by: VOLUME_BY,
      describe: (v) => `The ${pvc} has used ${v} of its inodes`, runsOut: 'runs out of inodes', panel: 'volumeInodes',
    },
  ];
  const rules: AlertingRule[] = targets.flatMap((t) => [
    ...thresholdAlerts(config, ALERTS.diskAlmostFull, summary, { ...t, ratio: recorded(t.ratio) }, levels(warning.diskUsageRatio, critical.diskUsageRatio), { resource: t.resource }),
    alertRule(config, {
      alert: ALERTS.diskAlmostFull,
      severity: 'warning',
      // The ratio (so the value reads as "how full"), kept where the trend of the last 6 hours reaches zero within the horizon.
      expr:
        `${recorded(t.ratio)} > ${num(FILL_PREDICTION_MIN_USAGE)} and on (${t.by}) ` +
        `(max by (${t.by}) (predict_linear(${t.free}[${FILL_PREDICTION_LOOKBACK}], ${hours * 3600})) < 0)`,
      // A trend must hold before it is news: an hour in production, as node-mixin and kubernetes-mixin wait.
      forSeconds: 4 * config.alerting.warningForSeconds,
      labels: { scope: SCOPES[t.scope], resource: t.resource, condition: 'filling_up' },
      summary,
      description: `${t.describe(VALUE)} and, at the rate of the last ${FILL_PREDICTION_LOOKBACK}, ${t.runsOut} within ${num(hours)} hours.`,
      panel: t.panel,
      ...(t.panelVariables ? { panelVariables: t.panelVariables } : {}),
    }),
  ]);
  rules.push(
    ...thresholdAlerts(
      config, ALERTS.diskAlmostFull, summary,
      { scope: 'host', ratio: series(METRICS.systemDiskUsage), describe: (v) => `Disk {{ $labels.mountpoint }} on {{ $labels.instance }} is ${v} full (measured by the exporter: no node-exporter is scraped)`, panel: 'hostDisk' },
      levels(warning.diskUsageRatio, critical.diskUsageRatio),
      { resource: 'space' },
    ),
  );
  return { name: 'immigration-ai-storage.alerts', rules };
}
