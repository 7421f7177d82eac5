import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { ALERTMANAGER, ALLOY, EXPORTER, GRAFANA, LOKI, NODE_EXPORTER, PROMETHEUS, RELOADER_PORT, SMS_BRIDGE } from '../contract/components.js';
import type { SecretKeyRef } from '../contract/config/index.js';
import { type RuleGroup, ruleFiles } from '../contract/rules.js';
import { toYaml } from '../contract/serialize.js';
import { buildPrometheusConfig, type Discovery, type KubeletScrape, type PrometheusGlobals } from './files/prometheus-yml.js';
import type { ChartContext } from './lib/labels.js';
import {
  configMap, container, emit, httpProbe, meta, namedPort, POD_NAME_ENV, podDisruptionBudget, podTemplate, type Resources, service,
  serviceAccount, SIDECAR_BUDGET, statefulSet, tcpProbe,
} from './lib/workload.js';

export const PROMETHEUS_CONFIGMAP = 'prometheus-config';
export const PROMETHEUS_RULES_CONFIGMAP = 'prometheus-rules';
export const PROMETHEUS_CONFIG_KEY = 'prometheus.yml';
export const RULES_DIR = '/etc/prometheus/rules';
const CONFIG_DIR = '/etc/prometheus/config';
const CONFIG_OUT = '/etc/prometheus/config_out/prometheus.env.yaml';

/**
 * Larger than the component budget: the TSDB head block (about two hours of every series) lives in
 * memory and compaction needs headroom; 2 GiB holds this stack's few thousand series with room.
 */
export const PROMETHEUS_RESOURCES: Resources = {
  requests: { cpu: '250m', memory: '512Mi' },
  limits: { cpu: '1', memory: '2Gi' },
};

export interface PrometheusProps {
  image: string;
  reloaderImage: string;
  replicas: number;
  retentionDays: number;
  storageGi: number;
  globals: PrometheusGlobals;
  /** The app's namespace (job `immigration-ai`), the log collector's (job `alloy`) and node-exporter's (job `node-exporter`). */
  appNamespace: string;
  logCollectorNamespace: string;
  nodeExporterNamespace: string;
  /** How every node's kubelet is scraped (job `kubelet`). */
  kubelet: KubeletScrape;
  /** Scrape the SMS bridge (only when it runs). */
  smsBridge: boolean;
  remoteWrite?: { url: string; bearerTokenSecret: SecretKeyRef };
  ruleGroups: readonly RuleGroup[];
}

/** Namespaces whose Services Prometheus discovers (Role + RoleBinding in each: no ClusterRole). */
export function discoveryNamespaces(ctx: ChartContext, props: Pick<PrometheusProps, 'appNamespace' | 'logCollectorNamespace' | 'nodeExporterNamespace'>): string[] {
  return [...new Set([ctx.namespace, props.appNamespace, props.logCollectorNamespace, props.nodeExporterNamespace])].sort();
}

/** The one ClusterRole: what scraping the kubelets needs, and nothing else. */
export const KUBELET_SCRAPE_ROLE = 'immigration-ai-prometheus-kubelet';

/** Service discovery for the charts: every component through its Service's named port, the kubelets through node discovery. */
export function kubernetesDiscovery(
  ctx: ChartContext,
  props: Pick<PrometheusProps, 'appNamespace' | 'logCollectorNamespace' | 'nodeExporterNamespace' | 'smsBridge' | 'kubelet'>,
): Discovery {
  const ns = ctx.namespace;
  return {
    kind: 'kubernetes',
    appNamespace: props.appNamespace,
    alertmanager: { namespace: ns, service: ALERTMANAGER.name, port: ALERTMANAGER.portName },
    targets: {
      exporter: { namespace: ns, service: EXPORTER.name, port: EXPORTER.portName },
      prometheus: { namespace: ns, service: PROMETHEUS.name, port: PROMETHEUS.portName },
      alertmanager: { namespace: ns, service: ALERTMANAGER.name, port: ALERTMANAGER.portName },
      grafana: { namespace: ns, service: GRAFANA.name, port: GRAFANA.portName },
      loki: { namespace: ns, service: LOKI.name, port: LOKI.portName },
      alloy: { namespace: props.logCollectorNamespace, service: ALLOY.name, port: ALLOY.portName },
      ...(props.smsBridge ? { smsBridge: { namespace: ns, service: SMS_BRIDGE.name, port: SMS_BRIDGE.portName } } : {}),
      nodeExporter: { namespace: props.nodeExporterNamespace, service: NODE_EXPORTER.name, port: NODE_EXPORTER.portName },
    },
    kubelet: props.kubelet,
  };
}

const remoteWriteDir = (ref: SecretKeyRef): string => `/etc/prometheus/secrets/${ref.name}`;

/** The prometheus.yml the pods load: `$(POD_NAME)` is expanded per replica by the config reloader. */
export function kubernetesPrometheusConfig(ctx: ChartContext, props: PrometheusProps): Record<string, unknown> {
  const rw = props.remoteWrite;
  return buildPrometheusConfig(props.globals, {
    discovery: kubernetesDiscovery(ctx, props),
    replica: '$(POD_NAME)',
    ruleFiles: [`${RULES_DIR}/*.yaml`],
    remoteWrite: rw ? { url: rw.url, bearerTokenFile: `${remoteWriteDir(rw.bearerTokenSecret)}/${rw.bearerTokenSecret.key}` } : undefined,
  });
}

/** Prometheus: StatefulSet with a volume per replica, generated config and rules, reload without restart. */
export class PrometheusChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, props: PrometheusProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const c = PROMETHEUS.name;
    const ns = ctx.namespace;
    const replicas = props.replicas;
    const rw = props.remoteWrite;

    serviceAccount(this, ctx, c, c, true);
    for (const target of discoveryNamespaces(ctx, props)) {
      emit(this, `role-${target}`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: meta(ctx, c, 'prometheus-discovery', target),
        // What `role: endpointslice` service discovery reads, and nothing else (no Secrets, no writes).
        rules: [
          { apiGroups: [''], resources: ['services', 'pods'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
        ],
      });
      emit(this, `binding-${target}`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: meta(ctx, c, 'prometheus-discovery', target),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'prometheus-discovery' },
        subjects: [{ kind: 'ServiceAccount', name: c, namespace: ns }],
      });
    }

    // Cluster-scoped because nodes are: `list`/`watch` nodes is what node discovery reads (names,
    // addresses, the kubelet port), `get nodes/metrics` is what the kubelet authorises its /metrics
    // and /metrics/cadvisor against. Not `nodes/proxy` (the API server proxy route), which would
    // also open the kubelet's exec and attach endpoints; not `get nodes/stats`, which we do not read.
    emit(this, 'kubelet-role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta(ctx, c, KUBELET_SCRAPE_ROLE, ''),
      rules: [
        { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
        { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
      ],
    });
    emit(this, 'kubelet-binding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(ctx, c, KUBELET_SCRAPE_ROLE, ''),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: KUBELET_SCRAPE_ROLE },
      subjects: [{ kind: 'ServiceAccount', name: c, namespace: ns }],
    });

    // No checksum annotations for these two: the reloader sidecar applies their changes without a restart.
    configMap(this, ctx, c, PROMETHEUS_CONFIGMAP, { [PROMETHEUS_CONFIG_KEY]: toYaml(kubernetesPrometheusConfig(ctx, props)) });
    configMap(this, ctx, c, PROMETHEUS_RULES_CONFIGMAP, Object.fromEntries(ruleFiles(props.ruleGroups).map((f) => [f.name, f.text])));

    const reloaderArgs = [
      `--listen-address=:${RELOADER_PORT}`,
      `--config-file=${CONFIG_DIR}/${PROMETHEUS_CONFIG_KEY}`,
      `--config-envsubst-file=${CONFIG_OUT}`,
    ];
    const reloaderMounts = [
      { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
      { name: 'config-out', mountPath: '/etc/prometheus/config_out' },
      { name: 'rules', mountPath: RULES_DIR, readOnly: true },
    ];
    const secretMounts = rw ? [{ name: 'remote-write', mountPath: remoteWriteDir(rw.bearerTokenSecret), readOnly: true }] : [];

    const pod = podTemplate(ctx, {
      component: c,
      serviceAccountName: c,
      automountToken: true,
      uid: 65534,
      replicated: replicas > 1,
      terminationGracePeriodSeconds: 600,
      // Writes the first expanded config before Prometheus starts (the sidecar keeps it current).
      initContainers: [
        container({
          name: 'init-config-reloader',
          image: props.reloaderImage,
          args: ['--watch-interval=0', ...reloaderArgs],
          env: [POD_NAME_ENV],
          resources: SIDECAR_BUDGET,
          volumeMounts: reloaderMounts,
        }),
      ],
      containers: [
        container({
          name: 'prometheus',
          image: props.image,
          args: [
            `--config.file=${CONFIG_OUT}`,
            '--storage.tsdb.path=/prometheus',
            `--storage.tsdb.retention.time=${props.retentionDays}d`,
            // Time-based retention first; this keeps a burst of series from filling the volume.
            `--storage.tsdb.retention.size=${Math.floor(props.storageGi * 0.85)}GB`,
            '--web.enable-lifecycle',
            `--web.listen-address=:${PROMETHEUS.port}`,
          ],
          ports: [{ name: PROMETHEUS.portName, containerPort: PROMETHEUS.port }],
          resources: PROMETHEUS_RESOURCES,
          // WAL replay after a restart can take minutes: the startup probe waits up to 15 minutes.
          startupProbe: httpProbe('/-/ready', PROMETHEUS.portName, { period: 15, failures: 60 }),
          readinessProbe: httpProbe('/-/ready', PROMETHEUS.portName),
          livenessProbe: httpProbe('/-/healthy', PROMETHEUS.portName, { failures: 6 }),
          volumeMounts: [
            { name: 'config-out', mountPath: '/etc/prometheus/config_out', readOnly: true },
            { name: 'rules', mountPath: RULES_DIR, readOnly: true },
            { name: 'data', mountPath: '/prometheus' },
            ...secretMounts,
          ],
        }),
        container({
          name: 'config-reloader',
          image: props.reloaderImage,
          args: [...reloaderArgs, `--reload-url=http://127.0.0.1:${PROMETHEUS.port}/-/reload`, `--watched-dir=${RULES_DIR}`],
          env: [POD_NAME_ENV],
          ports: [{ name: 'reloader-web', containerPort: RELOADER_PORT }],
          resources: SIDECAR_BUDGET,
          readinessProbe: tcpProbe('reloader-web'),
          livenessProbe: tcpProbe('reloader-web', { failures: 6 }),
          volumeMounts: reloaderMounts,
        }),
      ],
      volumes: [
        { name: 'config', configMap: { name: PROMETHEUS_CONFIGMAP } },
        { name: 'config-out', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
        { name: 'rules', configMap: { name: PROMETHEUS_RULES_CONFIGMAP } },
        ...(rw ? [{ name: 'remote-write', secret: { secretName: rw.bearerTokenSecret.name } }] : []),
      ],
    });

    statefulSet(this, ctx, c, {
      replicas, serviceName: PROMETHEUS.headless, template: pod, storageGi: props.storageGi, updateStrategy: { type: 'RollingUpdate' },
    });
    const port = namedPort(PROMETHEUS.portName, PROMETHEUS.port);
    // Each client (a Grafana pod, a report) keeps talking to one replica, as kube-prometheus does:
    // the two replicas scrape at different instants, and a dashboard flipping between their TSDBs
    // would redraw differently on every refresh (docs/operators.md, "Scaling").
    service(this, ctx, c, c, [port], { clientAffinity: true });
    service(this, ctx, c, PROMETHEUS.headless, [port], { headless: true });
    podDisruptionBudget(this, ctx, c, replicas);
  }
}
