/**
 * The Prometheus server configuration (prometheus.yml), as a plain object.
 *
 * Pure and free of cdk8s so that three users share it: the Kubernetes charts (service discovery),
 * the plain `dist/<env>/prometheus/prometheus.yml` for VM users and the local end-to-end stack
 * (static targets on loopback). Everything here stays within what both Prometheus 2.42 (Debian,
 * used by the tests) and 3.x (deployed) accept: `role: endpointslice` (2.21+), `authorization`
 * (2.26+), Alertmanager API v2 (the only one in 3.x).
 */
import { externalNames, KUBELET_PATHS } from '../../contract/external-metrics.js';
import { RESOURCE_JOBS, SCRAPE_JOBS, TOOL_JOBS } from '../../contract/metric-catalog.js';

/** Scrape job names. The exporter, app, node-exporter and kubelet names are the contract with the alert rules. */
export const JOBS = {
  exporter: SCRAPE_JOBS.exporter,
  app: SCRAPE_JOBS.app,
  ...TOOL_JOBS,
  /** The SMS bridge's own metrics (sent and dropped SMS). */
  smsBridge: SCRAPE_JOBS['sms-bridge'],
  nodeExporter: RESOURCE_JOBS.nodeExporter,
  kubelet: RESOURCE_JOBS.kubelet,
} as const;
export type JobKey = keyof typeof JOBS;

/** The scrape pool of the kubelet's cAdvisor endpoint; its series are relabelled to job `kubelet`, as kube-prometheus-stack's are. */
export const KUBELET_CADVISOR_POOL = 'kubelet-cadvisor';
/** Where a pod's ServiceAccount token and the cluster CA are mounted. */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** How the kubelets are scraped: over HTTPS with the ServiceAccount token, keeping only what the rules and dashboards read. */
export interface KubeletScrape {
  /** Skip verifying the kubelets' serving certificates (self-signed unless serverTLSBootstrap is on). */
  insecureSkipVerify: boolean;
  /** Namespaces whose container and volume series are kept (the resource rules' watched namespaces). */
  namespaces: string[];
}

/** The external label that differs between Prometheus replicas; dropped from alerts so Alertmanager deduplicates them. */
export const REPLICA_LABEL = 'replica';

/** Where, in Kubernetes, each monitoring component's metrics are: Service name and named port. */
export interface KubernetesTarget {
  namespace: string;
  service: string;
  port: string;
}

export type Discovery =
  | {
      kind: 'kubernetes';
      /**
       * Targets of every job but `immigration-ai` (which uses the app's annotations) and `kubelet`
       * (node discovery); the SMS bridge only when it runs, node-exporter only when we deploy it.
       */
      targets: Record<Exclude<JobKey, 'app' | 'smsBridge' | 'nodeExporter' | 'kubelet'>, KubernetesTarget> & { smsBridge?: KubernetesTarget; nodeExporter?: KubernetesTarget };
      /** Scrape every node's kubelet (standalone profile). */
      kubelet?: KubeletScrape;
      /** The app's namespace; its Services opt in with `prometheus.io/scrape: "true"`. */
      appNamespace: string;
      /** The Alertmanager Service (every ready replica is an endpoint, so every replica gets every alert). */
      alertmanager: KubernetesTarget;
    }
  | {
      kind: 'static';
      /** host:port per job; a job with no target is left out. */
      targets: Partial<Record<JobKey, string[]>>;
      /** host:port of every Alertmanager replica. */
      alertmanagers: string[];
      /** Path of the app's metrics (the monitoring guide's app serves them on /api/metrics). */
      appMetricsPath?: string;
    };

export interface PrometheusConfigOptions {
  discovery: Discovery;
  /** Value of the `replica` external label: a literal, or `$(POD_NAME)` expanded by the config reloader. */
  replica: string;
  /** Rule file globs (absolute, or relative to prometheus.yml). */
  ruleFiles: string[];
  /** Optional remote_write; the bearer token is read from a file (mounted from a Secret). */
  remoteWrite?: { url: string; bearerTokenFile: string };
}

type Obj = Record<string, unknown>;

const seconds = (s: number): string => `${s}s`;

/** Keeps the endpoints of one Service port and labels the series with namespace, pod and service. */
function kubernetesJob(job: string, t: KubernetesTarget): Obj {
  return {
    job_name: job,
    kubernetes_sd_configs: [{ role: 'endpointslice', namespaces: { names: [t.namespace] } }],
    relabel_configs: [
      {
        source_labels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpointslice_port_name'],
        regex: `${t.service};${t.port}`,
        action: 'keep',
      },
      ...commonTargetLabels(),
    ],
  };
}

function commonTargetLabels(): Obj[] {
  return [
    { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
    { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
    { source_labels: ['__meta_kubernetes_service_name'], target_label: 'service' },
  ];
}

/**
 * The app's Services opt in with the widespread annotations `prometheus.io/scrape: "true"`,
 * `prometheus.io/path` (default /metrics) and `prometheus.io/port` (default: every Service port).
 */
function appJob(appNamespace: string): Obj {
  return {
    job_name: JOBS.app,
    kubernetes_sd_configs: [{ role: 'endpointslice', namespaces: { names: [appNamespace] } }],
    relabel_configs: [
      { source_labels: ['__meta_kubernetes_service_annotation_prometheus_io_scrape'], regex: 'true', action: 'keep' },
      { source_labels: ['__meta_kubernetes_service_annotation_prometheus_io_path'], regex: '(.+)', target_label: '__metrics_path__' },
      {
        source_labels: ['__address__', '__meta_kubernetes_service_annotation_prometheus_io_port'],
        regex: '(.+?)(?::\\d+)?;(\\d+)',
        replacement: '$1:$2',
        target_label: '__address__',
      },
      ...commonTargetLabels(),
    ],
  };
}

/** The Service's endpoints (one node-exporter pod per node), labelled with the node's name as instance and node. */
function nodeExporterJob(t: KubernetesTarget): Obj {
  return {
    job_name: JOBS.nodeExporter,
    kubernetes_sd_configs: [{ role: 'endpointslice', namespaces: { names: [t.namespace] } }],
    relabel_configs: [
      {
        source_labels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpointslice_port_name'],
        regex: `${t.service};${t.port}`,
        action: 'keep',
      },
      // The node, not the pod: a node's series keep their identity when its node-exporter pod is replaced.
      { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'instance' },
      { source_labels: ['__meta_kubernetes_pod_node_name'], target_label: 'node' },
    ],
  };
}

/** `keep` only the series whose label matches one of the values. */
const keepOnly = (label: string, values: readonly string[]): Obj => ({ source_labels: [label], regex: values.join('|'), action: 'keep' });

/**
 * Every node's kubelet on its own port (10250), found through node discovery, authenticated with
 * Prometheus' ServiceAccount token (RBAC `nodes/metrics` get). Not through the API server proxy:
 * that needs `nodes/proxy`, which also lets its holder run commands in any pod through the kubelet.
 * `/metrics` keeps only the volume stats and `/metrics/cadvisor` only the container series the
 * rules and dashboards read, of our namespaces' real containers: cAdvisor is the largest source
 * of series in a cluster.
 */
function kubeletJobs(k: KubeletScrape): Obj[] {
  const common = (pool: string, path: string): Obj => ({
    job_name: pool,
    ...(path === KUBELET_PATHS.metrics ? {} : { metrics_path: path }),
    scheme: 'https',
    authorization: { type: 'Bearer', credentials_file: `${SERVICE_ACCOUNT_DIR}/token` },
    tls_config: { ca_file: `${SERVICE_ACCOUNT_DIR}/ca.crt`, insecure_skip_verify: k.insecureSkipVerify },
    kubernetes_sd_configs: [{ role: 'node' }],
    relabel_configs: [
      { source_labels: ['__meta_kubernetes_node_name'], target_label: 'instance' },
      { source_labels: ['__meta_kubernetes_node_name'], target_label: 'node' },
      // Both endpoints are job `kubelet`, told apart by `metrics_path` (kube-prometheus-stack's labels).
      { target_label: 'job', replacement: JOBS.kubelet },
      { source_labels: ['__metrics_path__'], target_label: 'metrics_path' },
    ],
  });
  return [
    {
      ...common(JOBS.kubelet, KUBELET_PATHS.metrics),
      metric_relabel_configs: [keepOnly('__name__', externalNames('kubelet')), keepOnly('namespace', k.namespaces)],
    },
    {
      ...common(KUBELET_CADVISOR_POOL, KUBELET_PATHS.cadvisor),
      // cAdvisor stamps its samples with its own collection time; honoured, a deleted container's
      // series would linger for the 5-minute lookback (Prometheus tracks the staleness of such
      // samples only from 2.48, with an option 2.42 refuses). Scrape time is accurate enough for
      // 5-minute rates, and a container that is gone stops alerting at the next scrape.
      honor_timestamps: false,
      metric_relabel_configs: [
        keepOnly('__name__', externalNames('cadvisor')),
        keepOnly('namespace', k.namespaces),
        // The pod-level cgroup (no container) and the sandbox (`POD`, older runtimes) are not containers of ours.
        { source_labels: ['container'], regex: '|POD', action: 'drop' },
      ],
    },
  ];
}

function staticJob(job: string, targets: string[], metricsPath?: string): Obj {
  return { job_name: job, ...(metricsPath ? { metrics_path: metricsPath } : {}), static_configs: [{ targets }] };
}

const JOB_ORDER: JobKey[] = ['exporter', 'app', 'prometheus', 'alertmanager', 'grafana', 'loki', 'alloy', 'smsBridge', 'nodeExporter', 'kubelet'];

function scrapeConfigs(d: Discovery): Obj[] {
  if (d.kind === 'kubernetes') {
    return JOB_ORDER.flatMap((k) => {
      if (k === 'app') return [appJob(d.appNamespace)];
      if (k === 'kubelet') return d.kubelet ? kubeletJobs(d.kubelet) : [];
      const target = d.targets[k];
      if (!target) return [];
      return [k === 'nodeExporter' ? nodeExporterJob(target) : kubernetesJob(JOBS[k], target)];
    });
  }
  return JOB_ORDER.filter((k) => (d.targets[k] ?? []).length > 0).map((k) =>
    staticJob(JOBS[k], d.targets[k] as string[], k === 'app' ? d.appMetricsPath : undefined),
  );
}

function alertmanagers(d: Discovery): Obj[] {
  if (d.kind === 'kubernetes') {
    const t = d.alertmanager;
    return [
      {
        api_version: 'v2',
        kubernetes_sd_configs: [{ role: 'endpointslice', namespaces: { names: [t.namespace] } }],
        relabel_configs: [
          {
            source_labels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpointslice_port_name'],
            regex: `${t.service};${t.port}`,
            action: 'keep',
          },
        ],
      },
    ];
  }
  if (d.alertmanagers.length === 0) return [];
  return [{ api_version: 'v2', static_configs: [{ targets: d.alertmanagers }] }];
}

/** The settings every Prometheus of an environment shares. */
export interface PrometheusGlobals {
  scrapeIntervalSeconds: number;
  evaluationIntervalSeconds: number;
  /** The `cluster` external label. */
  cluster: string;
}

/** prometheus.yml as an object (serialize with toYaml). */
export function buildPrometheusConfig(globals: PrometheusGlobals, options: PrometheusConfigOptions): Obj {
  const scrapeInterval = globals.scrapeIntervalSeconds;
  const out: Obj = {
    global: {
      scrape_interval: seconds(scrapeInterval),
      scrape_timeout: seconds(Math.min(10, scrapeInterval)),
      evaluation_interval: seconds(globals.evaluationIntervalSeconds),
      external_labels: { cluster: globals.cluster, [REPLICA_LABEL]: options.replica },
    },
    rule_files: [...options.ruleFiles],
    alerting: {
      // Every replica sends the same alerts; without its replica label Alertmanager sees one alert, not two.
      alert_relabel_configs: [{ action: 'labeldrop', regex: REPLICA_LABEL }],
      alertmanagers: alertmanagers(options.discovery),
    },
    scrape_configs: scrapeConfigs(options.discovery),
  };
  if (options.remoteWrite) {
    out.remote_write = [
      {
        url: options.remoteWrite.url,
        authorization: { type: 'Bearer', credentials_file: options.remoteWrite.bearerTokenFile },
        // Several Prometheus replicas write the same series: the store deduplicates on cluster + replica.
        queue_config: { max_samples_per_send: 2000 },
      },
    ];
  }
  return out;
}

/**
 * The plain prometheus.yml for VM users: every component on this host, rules next to the file, and
 * a node-exporter on localhost (Debian's `prometheus-node-exporter` listens on :9100) for the node
 * alerts; without one, the exporter's own host gauges alert instead.
 */
export function buildPlainPrometheusConfig(globals: PrometheusGlobals, remoteWriteUrl?: string): Obj {
  return buildPrometheusConfig(globals, {
    replica: 'prometheus-0',
    ruleFiles: ['rules/*.yaml'],
    discovery: {
      kind: 'static',
      targets: {
        exporter: ['localhost:8080'],
        app: ['localhost:80'],
        prometheus: ['localhost:9090'],
        alertmanager: ['localhost:9093'],
        grafana: ['localhost:3000'],
        loki: ['localhost:3100'],
        alloy: ['localhost:12345'],
        nodeExporter: ['localhost:9100'],
      },
      alertmanagers: ['localhost:9093'],
      appMetricsPath: '/api/metrics',
    },
    remoteWrite: remoteWriteUrl !== undefined ? { url: remoteWriteUrl, bearerTokenFile: '/etc/prometheus/secrets/remote-write-token' } : undefined,
  });
}
