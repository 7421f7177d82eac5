/**
 * A stand-in for a kubelet's /metrics and /metrics/cadvisor (no kubelet runs on this machine):
 * the families and labels cAdvisor in the kubelet exposes per container, per pod-level cgroup and
 * per system slice, and a slice of the kubelet's own /metrics with the volume stats. Synthetic
 * values, real shapes: enough to run our keep-lists and recording rules through a real Prometheus
 * and to count what the keep-lists drop. The family list follows cAdvisor's collector as the
 * kubelet builds it (CPU, memory, filesystem, network, process and spec metrics).
 */
import { createServer, type Server } from 'node:http';

export interface FakeContainer {
  namespace: string;
  pod: string;
  /** '' is the pod-level cgroup, which cAdvisor reports too. */
  container: string;
  cpuSecondsTotal: number;
  workingSetBytes: number;
  /** Cores; undefined = no CPU limit (no container_spec_cpu_quota). */
  cpuLimit?: number;
  /** Bytes; 0 = no memory limit (cAdvisor's "unlimited"). */
  memoryLimitBytes: number;
}

export interface FakeVolume {
  namespace: string;
  persistentvolumeclaim: string;
  capacityBytes: number;
  availableBytes: number;
  inodes: number;
  inodesFree: number;
}

type Labels = Record<string, string>;
const fmt = (labels: Labels): string => `{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;

/** cAdvisor families per container with one sample each (beyond the ones with their own labels below). */
const PER_CONTAINER = [
  'container_cpu_user_seconds_total', 'container_cpu_system_seconds_total', 'container_cpu_cfs_periods_total', 'container_cpu_cfs_throttled_periods_total',
  'container_cpu_cfs_throttled_seconds_total', 'container_memory_cache', 'container_memory_rss', 'container_memory_swap', 'container_memory_mapped_file',
  'container_memory_usage_bytes', 'container_memory_max_usage_bytes', 'container_memory_failcnt', 'container_memory_kernel_usage',
  'container_last_seen', 'container_start_time_seconds', 'container_oom_events_total', 'container_processes', 'container_threads', 'container_threads_max',
  'container_sockets', 'container_file_descriptors', 'container_spec_cpu_shares', 'container_spec_memory_reservation_limit_bytes',
  'container_spec_memory_swap_limit_bytes', 'container_pressure_cpu_waiting_seconds_total', 'container_pressure_memory_waiting_seconds_total',
  'container_pressure_io_waiting_seconds_total',
];
const PER_DEVICE = [
  'container_fs_reads_bytes_total', 'container_fs_writes_bytes_total', 'container_fs_reads_total', 'container_fs_writes_total', 'container_fs_usage_bytes',
  'container_fs_limit_bytes', 'container_fs_inodes_total', 'container_fs_inodes_free', 'container_blkio_device_usage_total',
];
const PER_INTERFACE = [
  'container_network_receive_bytes_total', 'container_network_transmit_bytes_total', 'container_network_receive_packets_total',
  'container_network_transmit_packets_total', 'container_network_receive_errors_total', 'container_network_transmit_errors_total',
  'container_network_receive_packets_dropped_total', 'container_network_transmit_packets_dropped_total',
];

function cadvisor(containers: readonly FakeContainer[]): string {
  const lines: string[] = [];
  const cgroups: { labels: Labels; c?: FakeContainer }[] = [
    // System slices have no pod, namespace or container.
    ...['/', '/system.slice', '/system.slice/containerd.service', '/system.slice/kubelet.service', '/kubepods.slice'].map((id) => ({ labels: { id } })),
    ...containers.map((c, i) => ({
      c,
      labels: {
        container: c.container,
        id: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${i}.slice${c.container ? `/cri-containerd-${i}.scope` : ''}`,
        image: c.container ? `registry.example.com/${c.container}:1.0.0` : '',
        name: c.container ? `c${i}` : '',
        namespace: c.namespace,
        pod: c.pod,
      },
    })),
  ];
  for (const { labels, c } of cgroups) {
    const l = Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== ''));
    lines.push(`container_cpu_usage_seconds_total${fmt({ ...l, cpu: 'total' })} ${c?.cpuSecondsTotal ?? 1000}`);
    lines.push(`container_memory_working_set_bytes${fmt(l)} ${c?.workingSetBytes ?? 2 ** 30}`);
    for (const name of PER_CONTAINER) lines.push(`${name}${fmt(l)} 1`);
    for (const t of ['pgfault', 'pgmajfault']) for (const scope of ['container', 'hierarchy']) lines.push(`container_memory_failures_total${fmt({ ...l, failure_type: t, scope })} 1`);
    for (const device of ['/dev/nvme0n1', '/dev/nvme1n1']) for (const name of PER_DEVICE) lines.push(`${name}${fmt({ ...l, device })} 1`);
    // Network counters belong to the pod's network namespace: the pod-level cgroup and the slices.
    if (!c || c.container === '') for (const iface of ['eth0']) for (const name of PER_INTERFACE) lines.push(`${name}${fmt({ ...l, interface: iface })} 1`);
    lines.push(`container_spec_cpu_period${fmt(l)} 100000`);
    if (c?.cpuLimit !== undefined) lines.push(`container_spec_cpu_quota${fmt(l)} ${c.cpuLimit * 100000}`);
    lines.push(`container_spec_memory_limit_bytes${fmt(l)} ${c?.memoryLimitBytes ?? 0}`);
  }
  lines.push('cadvisor_version_info{cadvisorRevision="",cadvisorVersion="",dockerVersion="",kernelVersion="6.8.0",osVersion="Ubuntu 24.04"} 1');
  lines.push('container_scrape_error 0', 'machine_cpu_cores 4', 'machine_memory_bytes 1.6e+10');
  return `${lines.join('\n')}\n`;
}

/** A slice of the kubelet's own /metrics: volume stats plus some of its many other families. */
function kubeletMetrics(volumes: readonly FakeVolume[]): string {
  const lines: string[] = [];
  for (const v of volumes) {
    const l = fmt({ namespace: v.namespace, persistentvolumeclaim: v.persistentvolumeclaim });
    lines.push(
      `kubelet_volume_stats_capacity_bytes${l} ${v.capacityBytes}`,
      `kubelet_volume_stats_available_bytes${l} ${v.availableBytes}`,
      `kubelet_volume_stats_used_bytes${l} ${v.capacityBytes - v.availableBytes}`,
      `kubelet_volume_stats_inodes${l} ${v.inodes}`,
      `kubelet_volume_stats_inodes_free${l} ${v.inodesFree}`,
      `kubelet_volume_stats_inodes_used${l} ${v.inodes - v.inodesFree}`,
      `kubelet_volume_stats_health_status_abnormal${l} 0`,
    );
  }
  for (const op of ['create_container', 'start_container', 'stop_container', 'list_containers', 'container_status']) {
    for (const le of ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']) lines.push(`kubelet_runtime_operations_duration_seconds_bucket{operation_type="${op}",le="${le}"} 1`);
    lines.push(`kubelet_runtime_operations_total{operation_type="${op}"} 1`);
  }
  lines.push('kubelet_running_pods 12', 'kubelet_running_containers{container_state="running"} 20', 'kubernetes_build_info{git_version="v1.31.2"} 1', 'process_resident_memory_bytes 1e8');
  return `${lines.join('\n')}\n`;
}

/** Serves /metrics and /metrics/cadvisor; records the Authorization headers it was sent. */
export function fakeKubelet(containers: readonly FakeContainer[], volumes: readonly FakeVolume[]): { server: Server; authorizations: string[] } {
  const authorizations: string[] = [];
  const server = createServer((req, res) => {
    authorizations.push(String(req.headers.authorization ?? ''));
    const path = (req.url ?? '').split('?')[0];
    const body = path === '/metrics/cadvisor' ? cadvisor(containers) : path === '/metrics' ? kubeletMetrics(volumes) : undefined;
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
  });
  return { server, authorizations };
}
