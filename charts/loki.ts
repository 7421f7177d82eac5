import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { LOKI } from '../contract/components.js';
import { toYaml } from '../contract/serialize.js';
import type { ChartContext } from './lib/labels.js';
import { configChecksums, configMap, container, httpProbe, namedPort, podTemplate, type Resources, service, serviceAccount, statefulSet, tcpProbe } from './lib/workload.js';

/**
 * Above the component budget: the ingester holds the open chunks of every stream in memory and a wide
 * LogQL query decompresses many chunks at once; 1 GiB absorbs a 30-day query over this app's logs.
 */
export const LOKI_RESOURCES: Resources = {
  requests: { cpu: '100m', memory: '256Mi' },
  limits: { cpu: '1', memory: '1Gi' },
};

const DATA = '/var/loki';

/** Single-binary Loki on a filesystem volume, 30-day retention applied by the compactor. */
export function lokiConfig(logRetentionDays: number): Record<string, unknown> {
  const hours = logRetentionDays * 24;
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

export interface LokiProps {
  image: string;
  replicas: number;
  logRetentionDays: number;
  storageGi: number;
}

export class LokiChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, props: LokiProps) {
    super(scope, id, { disableResourceNameHashes: true });
    if (props.replicas !== 1) {
      throw new Error(
        `replicas.loki is ${props.replicas}: single-binary Loki on a filesystem volume runs exactly one replica; ` +
          'scale with object storage and the simple scalable deployment instead (docs/operators.md, "How Loki scales")',
      );
    }
    const c = LOKI.name;
    serviceAccount(this, ctx, c, c);
    const config = { 'loki.yaml': toYaml(lokiConfig(props.logRetentionDays)) };
    configMap(this, ctx, c, 'loki-config', config);
    const template = podTemplate(ctx, {
      component: c,
      serviceAccountName: c,
      uid: 10001,
      terminationGracePeriodSeconds: 300,
      annotations: configChecksums({ 'loki-config': config }),
      containers: [
        container({
          name: 'loki',
          image: props.image,
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
    });
    statefulSet(this, ctx, c, { replicas: 1, serviceName: LOKI.headless, template, storageGi: props.storageGi, parallel: false });
    const ports = [namedPort(LOKI.portName, LOKI.port), namedPort('grpc', LOKI.grpcPort)];
    service(this, ctx, c, c, ports);
    service(this, ctx, c, LOKI.headless, ports, { headless: true });
  }
}
