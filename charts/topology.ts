/**
 * Names and ports of every component: one place, so Services, scrape configs, NetworkPolicies and
 * datasource URLs cannot disagree.
 */
import type { MonitoringConfig } from '../contract/config/index.js';
import { EXPORTER_NAME } from './exporter-config.js';
import type { Discovery } from './files/prometheus-yml.js';

export const PROMETHEUS = { name: 'prometheus', headless: 'prometheus-headless', port: 9090, portName: 'web' } as const;
export const ALERTMANAGER = { name: 'alertmanager', headless: 'alertmanager-cluster', port: 9093, portName: 'web', clusterPort: 9094 } as const;
export const GRAFANA = { name: 'grafana', port: 3000, portName: 'http' } as const;
export const LOKI = { name: 'loki', headless: 'loki-headless', port: 3100, portName: 'http-metrics', grpcPort: 9095 } as const;
export const ALLOY = { name: 'alloy', port: 12345, portName: 'http-metrics' } as const;
export const EXPORTER = { name: EXPORTER_NAME, port: 8080, portName: 'http-metrics' } as const;
/** The Alertmanager webhook receiver that sends SMS (issue 6); its URL is the contract with alert-rules/. */
export const SMS_BRIDGE = { name: 'immigration-ai-sms-bridge', port: 9095, portName: 'http' } as const;
export const REPORTS = { name: 'immigration-ai-reports' } as const;
/** Config reloader sidecars listen here (metrics, health). */
export const RELOADER_PORT = 8081;

export const DNS_PORT = 53;

export const svcHost = (config: MonitoringConfig, service: string, namespace = config.namespace): string => `${service}.${namespace}.svc`;
export const prometheusUrl = (config: MonitoringConfig): string => `http://${svcHost(config, PROMETHEUS.name)}:${PROMETHEUS.port}`;
export const lokiUrl = (config: MonitoringConfig): string => `http://${svcHost(config, LOKI.name)}:${LOKI.port}`;
export const alertmanagerUrl = (config: MonitoringConfig): string => `http://${svcHost(config, ALERTMANAGER.name)}:${ALERTMANAGER.port}`;

/** Service discovery for the charts: every component through its Service's named port. */
export function kubernetesDiscovery(config: MonitoringConfig): Discovery {
  const ns = config.namespace;
  return {
    kind: 'kubernetes',
    appNamespace: config.kubernetes.appNamespace,
    alertmanager: { namespace: ns, service: ALERTMANAGER.name, port: ALERTMANAGER.portName },
    targets: {
      exporter: { namespace: ns, service: EXPORTER.name, port: EXPORTER.portName },
      prometheus: { namespace: ns, service: PROMETHEUS.name, port: PROMETHEUS.portName },
      alertmanager: { namespace: ns, service: ALERTMANAGER.name, port: ALERTMANAGER.portName },
      grafana: { namespace: ns, service: GRAFANA.name, port: GRAFANA.portName },
      loki: { namespace: ns, service: LOKI.name, port: LOKI.portName },
      alloy: { namespace: config.kubernetes.logCollectorNamespace, service: ALLOY.name, port: ALLOY.portName },
      ...(config.channels.sms.enabled ? { smsBridge: { namespace: ns, service: SMS_BRIDGE.name, port: SMS_BRIDGE.portName } } : {}),
    },
  };
}
