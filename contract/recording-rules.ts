/**
 * Names of the recording rules that dashboards and several alerts share, following the
 * `level:metric:operations` convention. The rules themselves are defined in alert-rules/; a test
 * there asserts every name here is recorded, so dashboards can rely on these constants.
 */
import { RESOURCE_JOBS, SCRAPE_JOBS } from './metric-catalog.js';

export const RECORDED = {
  /** sum by (job, method, route) of rate(immigration_ai_http_requests_total[5m]) */
  httpRequestsRate5m: 'job_method_route:immigration_ai_http_requests:rate5m',
  /** the same, restricted to status_code=~"5.." */
  httpErrorsRate5m: 'job_method_route:immigration_ai_http_errors:rate5m',
  /** errors / requests per endpoint (0..1) */
  httpErrorRatio5m: 'job_method_route:immigration_ai_http_errors:ratio_rate5m',
  /** mean request duration per endpoint: rate(sum) / rate(count) */
  httpDurationMean5m: 'job_method_route:immigration_ai_http_request_duration_seconds:mean5m',
  /** sum by (job, method, route) of increase(immigration_ai_http_requests_total[1h]): the low-traffic guard of ImmigrationAiApiSlow */
  httpRequestsIncrease1h: 'job_method_route:immigration_ai_http_requests:increase1h',
  /** the same, restricted to status_code=~"5..": the low-traffic guard of ImmigrationAiEndpointErrorRateHigh */
  httpErrorsIncrease1h: 'job_method_route:immigration_ai_http_errors:increase1h',
  /** histogram_quantile per endpoint, with a `quantile` label of 0.5, 0.95 and 0.99 */
  httpDurationQuantile5m: 'job_method_route:immigration_ai_http_request_duration_seconds:histogram_quantile5m',

  // Resources. The metric part says `immigration_ai_` so that these never collide with the
  // kubernetes-mixin and node-mixin rules a kube-prometheus-stack install records next to ours.
  /** Busy share of a node's CPUs over 5 minutes (not idle, iowait or steal), 0..1. */
  nodeCpuBusyRatio5m: 'instance:immigration_ai_node_cpu_busy:ratio_rate5m',
  /** Share of a node's memory not available to new work: 1 - MemAvailable / MemTotal. */
  nodeMemoryUsedRatio: 'instance:immigration_ai_node_memory_used:ratio',
  /** Share of a node filesystem's space not available (1 - avail / size); tmpfs, overlay and read-only mounts left out. */
  nodeFilesystemUsedRatio: 'instance_mountpoint:immigration_ai_node_filesystem_used:ratio',
  /** The same for inodes: 1 - files_free / files. */
  nodeFilesystemInodesUsedRatio: 'instance_mountpoint:immigration_ai_node_filesystem_inodes_used:ratio',
  /** A container's CPU use over 5 minutes against its CPU limit, 0..1+; containers without a limit have no series. */
  containerCpuLimitRatio5m: 'namespace_pod_container:immigration_ai_container_cpu_limit:ratio_rate5m',
  /** A container's working set against its memory limit; containers without a limit have no series. */
  containerMemoryLimitRatio: 'namespace_pod_container:immigration_ai_container_memory_limit:ratio',
  /** Share of a PersistentVolumeClaim's space not available: 1 - available / capacity. */
  volumeUsedRatio: 'namespace_persistentvolumeclaim:immigration_ai_volume_used:ratio',
  /** The same for inodes: 1 - inodes_free / inodes. */
  volumeInodesUsedRatio: 'namespace_persistentvolumeclaim:immigration_ai_volume_inodes_used:ratio',
} as const;

export type RecordedKey = keyof typeof RECORDED;
export const RECORDED_NAMES: readonly string[] = Object.values(RECORDED);
export type RecordedName = (typeof RECORDED)[RecordedKey];

/** What a recorded series carries: the job label it keeps, and the labels a query may match on. */
export interface RecordedSeries {
  job: string;
  labels: readonly string[];
}

const HTTP: RecordedSeries = { job: SCRAPE_JOBS.app, labels: ['job', 'method', 'route'] };
const NODE: RecordedSeries = { job: RESOURCE_JOBS.nodeExporter, labels: ['job', 'instance', 'node'] };
const NODE_FS: RecordedSeries = { job: RESOURCE_JOBS.nodeExporter, labels: ['job', 'instance', 'node', 'device', 'fstype', 'mountpoint'] };
const CONTAINER: RecordedSeries = { job: RESOURCE_JOBS.kubelet, labels: ['job', 'node', 'namespace', 'pod', 'container'] };
const VOLUME: RecordedSeries = { job: RESOURCE_JOBS.kubelet, labels: ['job', 'namespace', 'persistentvolumeclaim'] };

export const RECORDED_SERIES: Record<RecordedKey, RecordedSeries> = {
  httpRequestsRate5m: HTTP,
  httpErrorsRate5m: HTTP,
  httpErrorRatio5m: HTTP,
  httpDurationMean5m: HTTP,
  httpRequestsIncrease1h: HTTP,
  httpErrorsIncrease1h: HTTP,
  httpDurationQuantile5m: { ...HTTP, labels: [...HTTP.labels, 'quantile'] },
  nodeCpuBusyRatio5m: NODE,
  nodeMemoryUsedRatio: NODE,
  nodeFilesystemUsedRatio: NODE_FS,
  nodeFilesystemInodesUsedRatio: NODE_FS,
  containerCpuLimitRatio5m: CONTAINER,
  containerMemoryLimitRatio: CONTAINER,
  volumeUsedRatio: VOLUME,
  volumeInodesUsedRatio: VOLUME,
};

/** The series description of a recorded name. */
export function recordedSeries(name: string): RecordedSeries | undefined {
  const key = (Object.keys(RECORDED) as RecordedKey[]).find((k) => RECORDED[k] === name);
  return key === undefined ? undefined : RECORDED_SERIES[key];
}
