/**
 * Names and ports of every component of the stack. The charts create Services with exactly these
 * names; scrape configs, NetworkPolicies, datasource URLs, the SMS bridge URL of the config
 * defaults and the local stack import them, so they cannot disagree.
 */
export const PROMETHEUS = { name: 'prometheus', headless: 'prometheus-headless', port: 9090, portName: 'web' } as const;
export const ALERTMANAGER = { name: 'alertmanager', headless: 'alertmanager-cluster', port: 9093, portName: 'web', clusterPort: 9094 } as const;
export const GRAFANA = { name: 'grafana', port: 3000, portName: 'http' } as const;
export const LOKI = { name: 'loki', headless: 'loki-headless', port: 3100, portName: 'http-metrics', grpcPort: 9095 } as const;
/** The log collector; it also receives the Loki push API on `pushPort` for programs that ship their own logs. */
export const ALLOY = { name: 'alloy', port: 12345, portName: 'http-metrics', pushPort: 3500, pushPortName: 'http-push' } as const;
/** The exporter: health checks and platform metrics. */
export const EXPORTER = { name: 'immigration-ai-exporter', port: 8080, portName: 'http-metrics' } as const;
/**
 * The exporter's maintenance toggle in Kubernetes: a ConfigMap key mounted as MAINTENANCE_MODE_FILE
 * (the whole ConfigMap as a folder, so the kubelet refreshes the file when the key changes).
 */
export const EXPORTER_MAINTENANCE = { configMap: 'immigration-ai-exporter-maintenance', key: 'maintenance-mode', mountDir: '/etc/immigration-ai/maintenance' } as const;
/** The Alertmanager webhook receiver that sends SMS through Twilio. */
export const SMS_BRIDGE = { name: 'immigration-ai-sms-bridge', port: 9095, portName: 'http', path: '/alerts' } as const;
/** node-exporter, one per node (standalone profile), in its own namespace. */
export const NODE_EXPORTER = { name: 'node-exporter', port: 9100, portName: 'http-metrics' } as const;
/** The kubelet's authenticated HTTPS port on every node (its /metrics and /metrics/cadvisor). */
export const KUBELET = { port: 10250 } as const;
/** The deployment verification Job (an Argo CD PostSync hook, or created from its suspended CronJob by a pipeline). */
export const VERIFY_DEPLOYMENT = { name: 'immigration-ai-verify-deployment' } as const;
/** The scheduled daily and weekly reports (CronJobs). */
export const REPORTS = { name: 'immigration-ai-reports' } as const;
/** Config reloader sidecars listen here (metrics, health). */
export const RELOADER_PORT = 8081;
export const DNS_PORT = 53;

/** `<service>.<namespace>.svc`: the in-cluster DNS name of a Service. */
export const svcHost = (namespace: string, service: string): string => `${service}.${namespace}.svc`;
export const prometheusUrl = (namespace: string): string => `http://${svcHost(namespace, PROMETHEUS.name)}:${PROMETHEUS.port}`;
export const lokiUrl = (namespace: string): string => `http://${svcHost(namespace, LOKI.name)}:${LOKI.port}`;
/** Where programs push their own logs (Loki's push API, received by the log collector, which alone writes to Loki). */
export const logPushUrl = (logCollectorNamespace: string): string => `http://${svcHost(logCollectorNamespace, ALLOY.name)}:${ALLOY.pushPort}`;
export const alertmanagerUrl = (namespace: string): string => `http://${svcHost(namespace, ALERTMANAGER.name)}:${ALERTMANAGER.port}`;
/** The bridge's webhook URL as Alertmanager in the same namespace reaches it (short Service name). */
export const smsBridgeUrl = (): string => `http://${SMS_BRIDGE.name}:${SMS_BRIDGE.port}${SMS_BRIDGE.path}`;
