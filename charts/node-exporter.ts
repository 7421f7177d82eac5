/**
 * node-exporter on every node (standalone profile only: a kube-prometheus-stack install already
 * runs one, and the operator profile reuses its `node-exporter` job). It reports the node's CPU,
 * memory and filesystems for the node alerts; Prometheus scrapes it as job `node-exporter`.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { NODE_EXPORTER } from '../contract/components.js';
import type { ChartContext } from './lib/labels.js';
import { exceptionAnnotations, exceptionLabels, exceptionNamespace, type PodSecurityException } from './lib/pod-security.js';
import { container, daemonSet, httpProbe, namedPort, podTemplate, type Resources, restrictedPodSecurity, service, serviceAccount } from './lib/workload.js';

/** node-exporter's exception to the restricted Pod Security Standard: read-only host mounts, nothing else. */
export const NODE_EXPORTER_PSS_EXCEPTION: PodSecurityException = {
  value: 'host-metrics-mounts',
  reason:
    'node-exporter reads the node\'s CPU and memory counters (/proc) and the usage of every filesystem mounted on the node ' +
    '(statfs of each mountpoint under /). That needs read-only hostPath mounts of / and /sys, which only the "privileged" ' +
    'Pod Security level allows. Everything else stays restricted: a non-root user, no host network or PID namespace, no ' +
    'privilege escalation, all capabilities dropped, RuntimeDefault seccomp, read-only root filesystem. It runs alone in this ' +
    'namespace so the monitoring namespace keeps enforcing "restricted".',
};

/** A few MB per node with only four collectors; the limit leaves room for a node with many mounts. */
export const NODE_EXPORTER_RESOURCES: Resources = {
  requests: { cpu: '20m', memory: '32Mi' },
  limits: { cpu: '250m', memory: '128Mi' },
};

/** `nobody`, as the image and kube-prometheus run it: reading /proc and statfs need no privilege. */
const NODE_EXPORTER_UID = 65534;
const HOST_ROOT = '/host/root';
const HOST_SYS = '/host/sys';

/**
 * Only what the rules and dashboards read: cpu (node_cpu_seconds_total), meminfo (MemAvailable,
 * MemTotal), filesystem, and stat (boot time). Fewer collectors, fewer series and less of the host
 * read. Mounts as kube-prometheus-stack excludes them (container layers, kubelet volumes: the
 * kubelet reports PersistentVolumeClaims itself), and filesystems that are not disks.
 */
export const NODE_EXPORTER_ARGS = [
  `--path.procfs=${HOST_ROOT}/proc`,
  `--path.sysfs=${HOST_SYS}`,
  `--path.rootfs=${HOST_ROOT}`,
  `--path.udev.data=${HOST_ROOT}/run/udev/data`,
  `--web.listen-address=:${NODE_EXPORTER.port}`,
  '--collector.disable-defaults',
  '--collector.cpu',
  '--collector.meminfo',
  '--collector.filesystem',
  '--collector.stat',
  '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/containerd/.+|var/lib/docker/.+|var/lib/containers/storage/.+|var/lib/kubelet/.+)($|/)',
  '--collector.filesystem.fs-types-exclude=^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|erofs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|ramfs|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tmpfs|tracefs)$',
];

export interface NodeExporterProps {
  image: string;
  /** Its own namespace (the Pod Security exception stays out of the monitoring namespace). */
  namespace: string;
}

export class NodeExporterChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, props: NodeExporterProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const c = NODE_EXPORTER.name;
    const ns = props.namespace;
    const exception = NODE_EXPORTER_PSS_EXCEPTION;
    exceptionNamespace(this, ctx, ns, exception);
    // No API token: node-exporter never talks to the Kubernetes API.
    serviceAccount(this, ctx, c, c, false, ns);
    const pod = podTemplate(ctx, {
      component: c,
      serviceAccountName: c,
      uid: NODE_EXPORTER_UID,
      labels: exceptionLabels(exception),
      annotations: exceptionAnnotations(exception),
      securityContext: restrictedPodSecurity(NODE_EXPORTER_UID),
      // Every node, tainted or not: a node the alerts cannot see is the one that fills up unnoticed.
      tolerations: [{ operator: 'Exists' }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      containers: [
        container({
          name: c,
          image: props.image,
          args: NODE_EXPORTER_ARGS,
          ports: [{ name: NODE_EXPORTER.portName, containerPort: NODE_EXPORTER.port }],
          resources: NODE_EXPORTER_RESOURCES,
          readinessProbe: httpProbe('/', NODE_EXPORTER.portName),
          livenessProbe: httpProbe('/', NODE_EXPORTER.portName, { period: 20, failures: 6 }),
          volumeMounts: [
            // HostToContainer: filesystems mounted on the node after the pod started show up too.
            { name: 'root', mountPath: HOST_ROOT, readOnly: true, mountPropagation: 'HostToContainer' },
            { name: 'sys', mountPath: HOST_SYS, readOnly: true, mountPropagation: 'HostToContainer' },
          ],
        }),
      ],
      volumes: [
        { name: 'root', hostPath: { path: '/', type: 'Directory' } },
        { name: 'sys', hostPath: { path: '/sys', type: 'Directory' } },
      ],
    });
    daemonSet(this, ctx, c, { namespace: ns, template: pod, maxUnavailable: '10%', labels: exceptionLabels(exception) });
    // Headless: Prometheus scrapes every pod through the Service's endpoints, nobody needs its virtual IP.
    service(this, ctx, c, c, [namedPort(NODE_EXPORTER.portName, NODE_EXPORTER.port)], { namespace: ns, headless: true });
  }
}
