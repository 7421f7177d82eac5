import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { MonitoringConfig } from '../contract/config/index.js';
import type { FileTree } from '../stacks/output/file-tree.js';
import { toYaml } from '../contract/serialize.js';
import { buildPrometheusConfig } from './files/prometheus-yml.js';
import { kubernetesDiscovery, PROMETHEUS, RELOADER_PORT } from './topology.js';
import {
  container, emit, httpProbe, meta, POD_NAME_ENV, podDisruptionBudget, podTemplate, service, serviceAccount,
  SIDECAR_BUDGET, statefulSet, tcpProbe, type Resources,
} from './workload.js';

export const PROMETHEUS_CONFIGMAP = 'prometheus-config';
export const PROMETHEUS_RULES_CONFIGMAP = 'prometheus-rules';
export const PROMETHEUS_CONFIG_KEY = 'prometheus.yml';
export const RULES_DIR = '/etc/prometheus/rules';
const CONFIG_DIR = '/etc/prometheus/config';
const CONFIG_OUT = '/etc/prometheus/config_out/prometheus.env.yaml';
const RULES_PREFIX = 'prometheus/rules/';

/**
 * Larger than the seed budget: the TSDB head block (about two hours of every series) lives in
 * memory and compaction needs headroom; 2 GiB holds this stack's few thousand series with room.
 */
export const PROMETHEUS_RESOURCES: Resources = {
  requests: { cpu: '250m', memory: '512Mi' },
  limits: { cpu: '1', memory: '2Gi' },
};

/** Namespaces whose Services Prometheus discovers (Role + RoleBinding in each: no ClusterRole). */
export function discoveryNamespaces(config: MonitoringConfig): string[] {
  return [...new Set([config.namespace, config.kubernetes.appNamespace, config.kubernetes.logCollectorNamespace])].sort();
}

/** Rule files from the alert-rules artifact, keyed by file name. */
export function ruleFiles(rules: FileTree): [string, string][] {
  return rules.entries()
    .filter(([p]) => p.startsWith(RULES_PREFIX))
    .map(([p, c]) => [p.slice(RULES_PREFIX.length), c] as [string, string]);
}

/** The prometheus.yml the pods load: `$(POD_NAME)` is expanded per replica by the config reloader. */
export function kubernetesPrometheusConfig(config: MonitoringConfig): Record<string, unknown> {
  const rw = config.kubernetes.remoteWrite;
  return buildPrometheusConfig(config, {
    discovery: kubernetesDiscovery(config),
    replica: '$(POD_NAME)',
    ruleFiles: [`${RULES_DIR}/*.yaml`],
    remoteWrite: rw.enabled ? { url: rw.url, bearerTokenFile: `/etc/prometheus/secrets/${rw.bearerTokenSecret.name}/${rw.bearerTokenSecret.key}` } : undefined,
  });
}

/** Prometheus: StatefulSet with a volume per replica, generated config and rules, reload without restart. */
export class PrometheusChart extends Chart {
  constructor(scope: Construct, id: string, config: MonitoringConfig, rules: FileTree) {
    super(scope, id, { disableResourceNameHashes: true });
    const c = PROMETHEUS.name;
    const ns = config.namespace;
    const replicas = config.replicas.prometheus;
    const rw = config.kubernetes.remoteWrite;

    serviceAccount(this, config, c, c, true);
    for (const target of discoveryNamespaces(config)) {
      emit(this, `role-${target}`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: meta(config, c, 'prometheus-discovery', target),
        // What `role: endpointslice` service discovery reads, and nothing else (no Secrets, no writes).
        rules: [
          { apiGroups: [''], resources: ['services', 'pods'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
        ],
      });
      emit(this, `binding-${target}`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: meta(config, c, 'prometheus-discovery', target),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'prometheus-discovery' },
        subjects: [{ kind: 'ServiceAccount', name: c, namespace: ns }],
      });
    }

    emit(this, 'config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(config, c, PROMETHEUS_CONFIGMAP),
      data: { [PROMETHEUS_CONFIG_KEY]: toYaml(kubernetesPrometheusConfig(config)) },
    });
    emit(this, 'rules', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(config, c, PROMETHEUS_RULES_CONFIGMAP),
      data: Object.fromEntries(ruleFiles(rules)),
    });

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
    const secretMounts = rw.enabled ? [{ name: 'remote-write', mountPath: `/etc/prometheus/secrets/${rw.bearerTokenSecret.name}`, readOnly: true }] : [];

    const pod = podTemplate(config, {
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
          image: config.images.configReloader,
          args: ['--watch-interval=0', ...reloaderArgs],
          env: [POD_NAME_ENV],
          resources: SIDECAR_BUDGET,
          volumeMounts: reloaderMounts,
        }),
      ],
      containers: [
        container({
          name: 'prometheus',
          image: config.images.prometheus,
          args: [
            `--config.file=${CONFIG_OUT}`,
            '--storage.tsdb.path=/prometheus',
            `--storage.tsdb.retention.time=${config.metricsRetentionDays}d`,
            // Time-based retention first; this keeps a burst of series from filling the volume.
            `--storage.tsdb.retention.size=${Math.floor(config.storage.prometheusGi * 0.85)}GB`,
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
          image: config.images.configReloader,
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
        ...(rw.enabled ? [{ name: 'remote-write', secret: { secretName: rw.bearerTokenSecret.name } }] : []),
      ],
    });

    statefulSet(this, config, c, {
      replicas, serviceName: PROMETHEUS.headless, template: pod, storageGi: config.storage.prometheusGi, updateStrategy: { type: 'RollingUpdate' },
    });
    const port = { name: PROMETHEUS.portName, port: PROMETHEUS.port, targetPort: PROMETHEUS.portName, protocol: 'TCP' };
    service(this, config, c, c, [port]);
    service(this, config, c, PROMETHEUS.headless, [port], { headless: true });
    podDisruptionBudget(this, config, c, replicas);
  }
}
