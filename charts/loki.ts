import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { MonitoringConfig } from '../contract/config/index.js';
import { toYaml } from '../contract/serialize.js';
import { selectorLabels } from './labels.js';
import { LOKI } from './topology.js';
import { container, emit, httpProbe, meta, podTemplate, service, serviceAccount, tcpProbe, type Resources } from './workload.js';

/**
 * Above the seed budget: the ingester holds the open chunks of every stream in memory and a wide
 * LogQL query decompresses many chunks at once; 1 GiB absorbs a 30-day query over this app's logs.
 */
export const LOKI_RESOURCES: Resources = {
  requests: { cpu: '100m', memory: '256Mi' },
  limits: { cpu: '1', memory: '1Gi' },
};

const DATA = '/var/loki';

/** Single-binary Loki on a filesystem volume, 30-day retention applied by the compactor. */
export function lokiConfig(config: MonitoringConfig): Record<string, unknown> {
  const hours = config.logRetentionDays * 24;
  return {
    auth_enabled: false,
    server: { http_listen_port: LOKI.port, grpc_listen_port: LOKI.grpcPort, log_level: 'info' },
    common: {
      instance_addr: '127.0.0.1',
      path_prefix: DATA,
      replication_factor: 1,
      ring: { kvstore: { store: 'inmemory' } },
      storage: { filesystem: { chunks_directory: `${DATA}/chunks`, rules_directory: `${DATA}/rules` } },
    },
    schema_config: {
      configs: [{ from: '2024-04-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } }],
    },
    compactor: {
      working_directory: `${DATA}/compactor`,
      compaction_interval: '10m',
      retention_enabled: true,
      retention_delete_delay: '2h',
      delete_request_store: 'filesystem',
    },
    limits_config: {
      retention_period: `${hours}h`,
      max_query_lookback: `${hours}h`,
      reject_old_samples: true,
      reject_old_samples_max_age: '168h',
      allow_structured_metadata: true,
    },
    analytics: { reporting_enabled: false },
  };
}

export class LokiChart extends Chart {
  constructor(scope: Construct, id: string, config: MonitoringConfig) {
    super(scope, id, { disableResourceNameHashes: true });
    if (config.replicas.loki !== 1) {
      throw new Error(
        `replicas.loki is ${config.replicas.loki}: single-binary Loki on a filesystem volume runs exactly one replica; ` +
          'scale with object storage and the simple scalable deployment instead (README, "How Loki scales")',
      );
    }
    const c = LOKI.name;
    serviceAccount(this, config, c, c);
    emit(this, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(config, c, 'loki-config'), data: { 'loki.yaml': toYaml(lokiConfig(config)) } });
    emit(this, 'statefulset', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta(config, c, c),
      spec: {
        replicas: 1,
        serviceName: LOKI.headless,
        selector: { matchLabels: selectorLabels(c) },
        template: podTemplate(config, {
          component: c,
          serviceAccountName: c,
          uid: 10001,
          terminationGracePeriodSeconds: 300,
          containers: [
            container({
              name: 'loki',
              image: config.images.loki,
              args: ['-config.file=/etc/loki/config/loki.yaml', '-target=all'],
              ports: [
                { name: LOKI.portName, containerPort: LOKI.port },
                { name: 'grpc', containerPort: LOKI.grpcPort },
              ],
              resources: LOKI_RESOURCES,
              readinessProbe: httpProbe('/ready', LOKI.portName, { initialDelay: 15 }),
              livenessProbe: tcpProbe(LOKI.portName, { period: 20, failures: 6 }),
              volumeMounts: [
                { name: 'config', mountPath: '/etc/loki/config', readOnly: true },
                { name: 'data', mountPath: DATA },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            }),
          ],
          volumes: [
            { name: 'config', configMap: { name: 'loki-config' } },
            { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
          ],
        }),
        volumeClaimTemplates: [
          { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: `${config.storage.lokiGi}Gi` } } } },
        ],
      },
    });
    const ports = [
      { name: LOKI.portName, port: LOKI.port, targetPort: LOKI.portName, protocol: 'TCP' },
      { name: 'grpc', port: LOKI.grpcPort, targetPort: 'grpc', protocol: 'TCP' },
    ];
    service(this, config, c, c, ports);
    service(this, config, c, LOKI.headless, ports, { headless: true });
  }
}
