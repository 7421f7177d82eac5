/** Performance: API response times, database performance, storage usage, CPU and memory, nodes, containers, volumes; one function per row. */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { RECORDED } from '../contract/recording-rules.js';
import { METRICS, type MetricDefinition } from '../contract/metric-catalog.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { cell, composeDashboard, type LayoutItem, OUR_PROCESSES, row } from './compose.js';
import { ALERTS, type AlertName } from '../contract/alerts.js';
import { routeDrillDown, runbook, toDashboard } from './links.js';
import { guardWords, meanResponseTimePanel } from './alert-mirrors.js';
import { alertSteps, barGaugePanel, binaryMapping, COLORS, gaugePanel, healthySteps, neutralSteps, statPanel, tablePanel, timeseriesPanel } from './panels.js';
import { external, humanSeconds, num, oneOf, percent, recorded, series, sharedState } from '../contract/promql.js';
import { EXTERNAL } from '../contract/external-metrics.js';
import { watchedNamespaces } from '../contract/resources.js';
import { LEGENDS, resourceHistory, resourceSteps, resourceViews } from './resource-panels.js';
import { quantile, rate } from './grafana-ranges.js';
import { nodeMatcher, nodeVariable, routeMatcher, routeVariable } from './variables.js';


interface HostUsage {
  title: 'CPU' | 'Memory';
  key: 'hostCpu' | 'hostMemory';
  what: string;
  legend: string;
  metric: MetricDefinition;
  threshold: 'cpuUsageRatio' | 'memoryUsageRatio';
  alert: AlertName;
}

/** A gauge of the current value next to its history, both coloured at the alert's thresholds. */
function hostUsageCells(config: MonitoringConfig, u: HostUsage): ReturnType<typeof cell>[] {
  const w = config.alerting.thresholds.warning[u.threshold];
  const c = config.alerting.thresholds.critical[u.threshold];
  const common = { unit: 'percentunit', thresholds: alertSteps(w, c), min: 0, max: 1, links: [runbook(config, u.alert)] };
  return [
    cell(
      gaugePanel({
        title: u.title,
        description: `${u.what} now; orange from ${percent(w)}, red from ${percent(c)} (${u.alert}).`,
        ...common,
        queries: [{ expr: `max(${series(u.metric)})`, legend: u.legend, instant: true }],
        noValue: 'No figure from the exporter: is it up?',
      }),
      4,
      8,
    ),
    cell(
      timeseriesPanel({
        title: `${u.title} usage`,
        description: `${u.what}. Dashed lines: warning and critical thresholds of ${u.alert}.`,
        ...common,
        queries: [{ expr: series(u.metric), legend: u.legend }],
        showThresholds: true,
        noValue: 'No figure from the exporter: is it up?',
      }),
      8,
      8,
      u.key,
    ),
  ];
}

/** Row “API response times”. */
function apiResponseTimes(config: MonitoringConfig): LayoutItem[] {
  const { warning } = config.alerting.thresholds;
  const apiSlow = [runbook(config, ALERTS.apiSlow)];
  const perEndpoint = '{{method}} {{route}}';
  const quantilePanel = (q: string) =>
    timeseriesPanel({
      title: `p${num(Number(q) * 100)} response time per endpoint`,
      description: `The ${num(Number(q) * 100)}th percentile of request duration per endpoint over 5 minutes (shared recording rule).`,
      unit: 's',
      queries: [{ expr: recorded(RECORDED.httpDurationQuantile5m, `quantile="${q}"`, routeMatcher), legend: perEndpoint }],
      thresholds: alertSteps(warning.apiResponseSeconds),
      showThresholds: true,
      min: 0,
      noValue: 'No requests on the selected routes',
      links: apiSlow,
      dataLinks: [routeDrillDown()],
    });
  return [
    row('API response times'),
    cell(
      timeseriesPanel({
        title: 'Response time quantiles (all endpoints)',
        description: 'p50, p95 and p99 of request duration across the selected routes, from the histogram buckets.',
        unit: 's',
        queries: [0.5, 0.95, 0.99].map((q) => ({
          expr: quantile(q, METRICS.httpRequestDuration, [], routeMatcher),
          legend: `p${num(q * 100)}`,
        })),
        thresholds: alertSteps(warning.apiResponseSeconds),
        showThresholds: true,
        min: 0,
        noValue: 'No requests on the selected routes',
        links: apiSlow,
      }),
      12,
      8,
    ),
    cell(meanResponseTimePanel(config, 'Mean response time per endpoint', [], [], routeMatcher), 12, 8, 'meanResponseTime'),
    cell(quantilePanel('0.95'), 12, 8),
    cell(quantilePanel('0.99'), 12, 8),
    cell(
      timeseriesPanel({
        title: 'Requests per endpoint',
        description: 'Request rate per endpoint over 5 minutes.',
        unit: 'reqps',
        queries: [{ expr: recorded(RECORDED.httpRequestsRate5m, routeMatcher), legend: perEndpoint }],
        thresholds: neutralSteps(),
        stack: true,
        min: 0,
        noValue: 'No requests on the selected routes',
        links: [toDashboard(config, 'errors', 'Error tracking')],
        dataLinks: [routeDrillDown()],
      }),
      12,
      8,
    ),
    cell(
      tablePanel({
        title: 'Slowest endpoints',
        description: `The ten endpoints with the highest mean response time now, among those with at least ${config.alerting.lowTraffic.minRequests} requests in the last ${humanSeconds(config.alerting.lowTraffic.windowSeconds)} (the low-traffic guard of ${ALERTS.apiSlow}).`,
        unit: 's',
        queries: [
          {
            expr: `topk(10, ${recorded(RECORDED.httpDurationMean5m, routeMatcher)} and on (job, method, route) ${recorded(RECORDED.httpRequestsIncrease1h, routeMatcher)} >= ${num(config.alerting.lowTraffic.minRequests)})`,
            instant: true,
            table: true,
          },
        ],
        thresholds: alertSteps(warning.apiResponseSeconds),
        hideColumns: ['Time', 'job'],
        sortBy: 'Value',
        noValue: `No endpoint had ${guardWords(config).requests}`,
        links: apiSlow,
      }),
      12,
      8,
    ),
  ];
}

/** Row “Database”. */
function databasePerformance(config: MonitoringConfig): LayoutItem[] {
  const { warning } = config.alerting.thresholds;
  return [
    row('Database'),
    cell(
      statPanel({
        title: 'Database',
        description: `Database connectivity from the last health check: Down when no exporter replica reaches the database, as ${ALERTS.databaseDown} reads it.`,
        unit: 'none',
        queries: [{ expr: sharedState('max', METRICS.healthStatus, [], 'component="database"'), legend: 'database', instant: true }],
        mappings: binaryMapping(['Up', COLORS.ok], ['Down', COLORS.critical]),
        thresholds: healthySteps(),
        background: true,
        noValue: 'Unknown: no exporter publishes the database check',
        links: [runbook(config, ALERTS.databaseDown)],
      }),
      4,
      8,
      'databaseUp',
    ),
    cell(
      timeseriesPanel({
        title: 'Database response time',
        description: `Duration of the database health check, from the exporter replica that measured the shortest (the database is slow when every replica finds it slow). The dashed line is the ${warning.databaseResponseSeconds} s threshold of ${ALERTS.databaseSlow}.`,
        unit: 's',
        queries: [{ expr: sharedState('min', METRICS.healthCheckDuration, [], 'component="database"'), legend: 'health check' }],
        thresholds: alertSteps(warning.databaseResponseSeconds),
        showThresholds: true,
        min: 0,
        noValue: 'No database check: is the exporter up?',
        links: [runbook(config, ALERTS.databaseSlow)],
      }),
      8,
      8,
      'databaseResponseTime',
    ),
    cell(
      timeseriesPanel({
        title: 'Database connections',
        description: 'Connections by state, from pg_stat_activity.',
        unit: 'short',
        queries: [{ expr: sharedState('max', METRICS.databaseConnections, ['state']), legend: '{{state}}' }],
        thresholds: neutralSteps(),
        noValue: 'No connection figures: is the exporter up?',
        stack: true,
        min: 0,
      }),
      12,
      8,
    ),
    row('Database details', { collapsed: true }),
    cell(
      timeseriesPanel({
        title: 'Exporter query duration (p95)',
        description: 'p95 duration of the queries the exporter runs against the database, per operation.',
        unit: 's',
        queries: [{ expr: quantile(0.95, METRICS.databaseQueryDuration, ['operation']), legend: '{{operation}}' }],
        thresholds: alertSteps(warning.databaseResponseSeconds),
        noValue: 'No database query by the exporter: is it up?',
        min: 0,
        links: [runbook(config, ALERTS.databaseSlow)],
      }),
      12,
      8,
    ),
    cell(
      timeseriesPanel({
        title: 'Lock waits',
        description: 'Lock requests waiting, from pg_locks.',
        unit: 'short',
        queries: [{ expr: sharedState('max', METRICS.databaseLockWaits), legend: 'waiting' }],
        thresholds: neutralSteps(),
        noValue: 'No lock figures: is the exporter up?',
        min: 0,
      }),
      6,
      8,
    ),
    cell(
      timeseriesPanel({
        title: 'Database size',
        description: 'Size of the application database, from pg_database_size.',
        unit: 'bytes',
        queries: [{ expr: sharedState('max', METRICS.databaseSize), legend: 'size' }],
        thresholds: neutralSteps(),
        noValue: 'No size figure: is the exporter up?',
        min: 0,
      }),
      6,
      8,
    ),
  ];
}

/** Row “Storage buckets” (collapsed: detail, no alert links here). */
function storageUsage(config: MonitoringConfig): LayoutItem[] {
  const { storage } = config.exporter;
  const expectedBuckets = storage.kind === 's3' && storage.s3.buckets.length > 0 ? storage.s3.buckets.length : undefined;
  return [
    row('Storage buckets', { collapsed: true }),
    cell(
      statPanel({
        title: 'Storage buckets available',
        description: expectedBuckets
          ? `Buckets that answered the last storage health check, of the ${expectedBuckets} configured: red while any is down.`
          : 'Buckets that answered the last storage health check. No bucket list is configured, so the tile cannot tell a missing bucket: the storage component of System Overview\'s health says whether storage is healthy.',
        unit: 'short',
        queries: [{ expr: sharedState('min', METRICS.storageBucketsAvailable), legend: 'buckets', instant: true }],
        thresholds: expectedBuckets ? healthySteps(expectedBuckets) : neutralSteps(),
        background: true,
        noValue: 'No storage check (not configured, or the exporter is down)',
      }),
      4,
      8,
    ),
    cell(
      timeseriesPanel({
        title: 'Storage used per bucket',
        description: 'Bytes stored per bucket.',
        unit: 'bytes',
        queries: [{ expr: sharedState('max', METRICS.storageUsed, ['bucket']), legend: '{{bucket}}' }],
        thresholds: neutralSteps(),
        noValue: 'No bucket figures (storage not configured, or the exporter is down)',
        stack: true,
        min: 0,
      }),
      10,
      8,
    ),
    cell(
      timeseriesPanel({
        title: 'Objects per bucket',
        description: 'Objects stored per bucket.',
        unit: 'short',
        queries: [{ expr: sharedState('max', METRICS.storageObjects, ['bucket']), legend: '{{bucket}}' }],
        thresholds: neutralSteps(),
        noValue: 'No bucket figures (storage not configured, or the exporter is down)',
        stack: true,
        min: 0,
      }),
      10,
      8,
    ),
  ];
}

/** Row “Exporter host”: the exporter's own host gauges (the fallback alerts where no node-exporter runs); then “Processes” (collapsed). */
function cpuAndMemory(config: MonitoringConfig): LayoutItem[] {
  const { warning, critical } = config.alerting.thresholds;
  return [
    row('Exporter host (alerts only where no node-exporter runs)'),
    ...hostUsageCells(config, { title: 'CPU', key: 'hostCpu', what: 'Host CPU usage', legend: 'cpu', metric: METRICS.systemCpuUsage, threshold: 'cpuUsageRatio', alert: ALERTS.highCpuUsage }),
    ...hostUsageCells(config, { title: 'Memory', key: 'hostMemory', what: 'Host memory in use', legend: 'memory', metric: METRICS.systemMemoryUsage, threshold: 'memoryUsageRatio', alert: ALERTS.highMemoryUsage }),
    cell(
      barGaugePanel({
        title: 'Disk usage per mountpoint',
        description: `Disk usage per mountpoint on the exporter's host; orange from ${percent(warning.diskUsageRatio)}, red from ${percent(critical.diskUsageRatio)} (${ALERTS.diskAlmostFull}).`,
        unit: 'percentunit',
        queries: [{ expr: series(METRICS.systemDiskUsage), legend: '{{mountpoint}}', instant: true }],
        thresholds: resourceSteps(config, 'disk'),
        min: 0,
        max: 1,
        noValue: 'No figure from the exporter: is it up?',
        links: [runbook(config, ALERTS.diskAlmostFull)],
      }),
      12,
      8,
      'hostDisk',
    ),
    cell(
      timeseriesPanel({
        title: 'Disk free per mountpoint',
        description: 'Free disk space per mountpoint.',
        unit: 'bytes',
        queries: [{ expr: series(METRICS.systemDiskFree), legend: '{{mountpoint}}' }],
        thresholds: neutralSteps(),
        noValue: 'No figure from the exporter: is it up?',
        min: 0,
        links: [runbook(config, ALERTS.diskAlmostFull)],
      }),
      6,
      8,
    ),
    cell(
      timeseriesPanel({
        title: 'Memory available',
        description: 'Host memory available to new work.',
        unit: 'bytes',
        queries: [{ expr: series(METRICS.systemMemoryAvailable), legend: 'available' }],
        thresholds: neutralSteps(),
        noValue: 'No figure from the exporter: is it up?',
        min: 0,
        links: [runbook(config, ALERTS.highMemoryUsage)],
      }),
      6,
      8,
    ),
    row('Processes', { collapsed: true }),
    cell(
      timeseriesPanel({
        title: 'Process CPU',
        description: 'CPU seconds per second used by the application and exporter processes (1 = one full core).',
        unit: 'short',
        queries: [{ expr: rate(`process_cpu_seconds_total{${OUR_PROCESSES}}`), legend: '{{job}} {{instance}}' }],
        thresholds: neutralSteps(),
        noValue: 'No process figures: are the application and the exporter scraped?',
        min: 0,
      }),
      8,
      8,
    ),
    cell(
      timeseriesPanel({
        title: 'Process resident memory',
        description: 'Resident memory of the application and exporter processes.',
        unit: 'bytes',
        queries: [{ expr: `process_resident_memory_bytes{${OUR_PROCESSES}}`, legend: '{{job}} {{instance}}' }],
        thresholds: neutralSteps(),
        noValue: 'No process figures: are the application and the exporter scraped?',
        min: 0,
      }),
      8,
      8,
    ),
    cell(
      timeseriesPanel({
        title: 'Event loop lag (p99)',
        description: 'Node.js event loop lag, p99: a busy loop delays every request.',
        unit: 's',
        queries: [{ expr: `nodejs_eventloop_lag_p99_seconds{${OUR_PROCESSES}}`, legend: '{{job}} {{instance}}' }],
        thresholds: neutralSteps(),
        noValue: 'No process figures: are the application and the exporter scraped?',
        min: 0,
      }),
      8,
      8,
    ),
  ];
}

/** Row “Nodes”: every node's CPU, memory and fullest filesystems over time (node-exporter). */
function nodesRow(config: MonitoringConfig): LayoutItem[] {
  const v = resourceViews(config);
  return [
    row('Nodes ($node)'),
    cell(resourceHistory(config, v.nodeCpu, nodeMatcher), 12, 8, 'nodeCpu'),
    cell(resourceHistory(config, v.nodeMemory, nodeMatcher), 12, 8, 'nodeMemory'),
    cell(resourceHistory(config, v.filesystems, nodeMatcher), 12, 8, 'nodeFilesystems'),
    cell(resourceHistory(config, v.filesystemInodes, nodeMatcher), 12, 8, 'nodeFilesystemInodes'),
  ];
}

/** Row “Containers against their limits”: our containers' CPU and memory against their own limits over time (cAdvisor). */
function containersRow(config: MonitoringConfig): LayoutItem[] {
  const v = resourceViews(config);
  return [
    row('Containers against their limits'),
    cell(resourceHistory(config, v.containerCpu), 12, 8, 'containerCpu'),
    cell(resourceHistory(config, v.containerMemory), 12, 8, 'containerMemory'),
  ];
}

/** Row “Volumes”: PersistentVolumeClaims over time (kubelet volume stats), and the space left in bytes. */
function volumesRow(config: MonitoringConfig): LayoutItem[] {
  const v = resourceViews(config);
  return [
    row('Volumes'),
    cell(resourceHistory(config, v.volumes), 8, 8, 'volumes'),
    cell(resourceHistory(config, v.volumeInodes), 8, 8, 'volumeInodes'),
    cell(
      timeseriesPanel({
        title: 'Volume space available',
        description: 'Space left on each PersistentVolumeClaim of our namespaces, for non-root writers: what the "fills up within" warning extrapolates.',
        unit: 'bytes',
        queries: [{ expr: `max by (namespace, persistentvolumeclaim) (${external(EXTERNAL.volumeAvailable, oneOf('namespace', watchedNamespaces(config)))})`, legend: LEGENDS.volume }],
        thresholds: neutralSteps(),
        min: 0,
        noValue: v.volumes.empty,
        links: [runbook(config, ALERTS.diskAlmostFull)],
      }),
      8,
      8,
    ),
  ];
}

export function performanceDashboard(config: MonitoringConfig): dashboard.Dashboard {
  return composeDashboard(config, {
    key: 'performance',
    title: 'Immigration AI / Performance',
    description: 'API response time quantiles, database performance, storage usage, CPU and memory; nodes, containers against their limits and volumes over time.',
    tags: ['performance', 'operations'],
    datasources: { prometheus: true },
    variables: [routeVariable(), nodeVariable()],
    items: [
      ...apiResponseTimes(config), ...databasePerformance(config), ...nodesRow(config), ...containersRow(config), ...volumesRow(config),
      ...cpuAndMemory(config), ...storageUsage(config),
    ],
  });
}
