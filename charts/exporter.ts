import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { MonitoringConfig } from '../contract/config/index.js';
import { EXPORTER_CONFIGMAP, EXPORTER_SECRET } from './exporter-config.js';
import { EXPORTER_IMAGE_COMMANDS, NODE_UID } from './exporter-commands.js';
import { selectorLabels } from './labels.js';
import { EXPORTER } from './topology.js';
import { container, emit, httpProbe, meta, podDisruptionBudget, podTemplate, SEED_BUDGET, service, serviceAccount } from './workload.js';

/**
 * The exporter: health checks and business metrics on :8080. Config from its ConfigMap, credentials
 * (DATABASE_URL, S3 keys) from the Secret an operator creates.
 */
export class ExporterChart extends Chart {
  constructor(scope: Construct, id: string, config: MonitoringConfig) {
    super(scope, id, { disableResourceNameHashes: true });
    const c = EXPORTER.name;
    const replicas = config.replicas.exporter;
    serviceAccount(this, config, c, c);
    emit(this, 'deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(config, c, c),
      spec: {
        replicas,
        selector: { matchLabels: selectorLabels(c) },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: podTemplate(config, {
          component: c,
          serviceAccountName: c,
          uid: NODE_UID,
          replicated: replicas > 1,
          containers: [
            container({
              name: 'exporter',
              image: config.images.exporter,
              command: [...EXPORTER_IMAGE_COMMANDS.exporter],
              envFrom: [{ configMapRef: { name: EXPORTER_CONFIGMAP } }, { secretRef: { name: EXPORTER_SECRET } }],
              ports: [{ name: EXPORTER.portName, containerPort: EXPORTER.port }],
              resources: SEED_BUDGET,
              // Ready when the exporter's own system check passes. The database check is left out on
              // purpose: a database outage must be reported by the exporter (as a metric and an alert),
              // not hidden behind a not-ready endpoint. Prometheus' EndpointSlice discovery keeps
              // scraping not-ready endpoints, so readiness never hides metrics.
              readinessProbe: httpProbe('/api/health/system', EXPORTER.portName, { period: 15 }),
              // /healthz answers while the process serves, whatever its dependencies do: an outage never restarts it.
              livenessProbe: httpProbe('/healthz', EXPORTER.portName, { period: 20, failures: 6 }),
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }),
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        }),
      },
    });
    service(this, config, c, c, [{ name: EXPORTER.portName, port: EXPORTER.port, targetPort: EXPORTER.portName, protocol: 'TCP' }], {
      // For scrapers that use the annotation convention; our Prometheus selects the Service by name.
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(EXPORTER.port), 'prometheus.io/path': '/metrics' },
    });
    podDisruptionBudget(this, config, c, replicas);
  }
}
