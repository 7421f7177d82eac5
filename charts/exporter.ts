import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { EXPORTER, EXPORTER_MAINTENANCE } from '../contract/components.js';
import { IMAGE_COMMANDS, IMAGE_UID } from '../contract/image.js';
import { EXPORTER_SECRET } from '../contract/secrets.js';
import { EXPORTER_CONFIGMAP } from './exporter-config.js';
import type { ChartContext } from './lib/labels.js';
import { COMPONENT_BUDGET, configChecksums, container, deployment, httpProbe, namedPort, podDisruptionBudget, podTemplate, service, serviceAccount } from './lib/workload.js';

export interface ExporterProps {
  image: string;
  replicas: number;
  /** A volume whose subfolders the storage check lists (exporter.storage.kind `directory`), mounted read-only. */
  storageClaim?: { claimName: string; mountPath: string };
  /** The exporter ConfigMap's data (exporterConfigData): its checksum rolls the pods when it changes. */
  config: Record<string, string>;
}

/**
 * The exporter: health checks and platform metrics on :8080. Config from its ConfigMap, credentials
 * (DATABASE_URL, S3 keys) from the Secret an operator creates.
 */
export class ExporterChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, props: ExporterProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const c = EXPORTER.name;
    serviceAccount(this, ctx, c, c);
    const template = podTemplate(ctx, {
      component: c,
      serviceAccountName: c,
      uid: IMAGE_UID,
      replicated: props.replicas > 1,
      annotations: configChecksums({ [EXPORTER_CONFIGMAP]: props.config }),
      containers: [
        container({
          name: 'exporter',
          image: props.image,
          command: [...IMAGE_COMMANDS.exporter],
          envFrom: [{ configMapRef: { name: EXPORTER_CONFIGMAP } }, { secretRef: { name: EXPORTER_SECRET } }],
          ports: [{ name: EXPORTER.portName, containerPort: EXPORTER.port }],
          resources: COMPONENT_BUDGET,
          // Ready when it serves. Neither the database check (an outage must be reported by the
          // exporter, as a metric and an alert, not hidden behind a not-ready endpoint) nor the
          // system check (a busy node is not the exporter's fault, and would stall its rollouts)
          // decides. Prometheus' EndpointSlice discovery scrapes not-ready endpoints anyway.
          readinessProbe: httpProbe('/healthz', EXPORTER.portName, { period: 15 }),
          // /healthz answers while the process serves, whatever its dependencies do: an outage never restarts it.
          livenessProbe: httpProbe('/healthz', EXPORTER.portName, { period: 20, failures: 6 }),
          volumeMounts: [
            { name: 'tmp', mountPath: '/tmp' },
            // The whole ConfigMap as a folder (not a subPath): the kubelet then refreshes the file
            // when the key is patched, and the exporter reads it at every scrape.
            { name: 'maintenance', mountPath: EXPORTER_MAINTENANCE.mountDir, readOnly: true },
            ...(props.storageClaim ? [{ name: 'storage', mountPath: props.storageClaim.mountPath, readOnly: true }] : []),
          ],
        }),
      ],
      volumes: [
        { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
        { name: 'maintenance', configMap: { name: EXPORTER_MAINTENANCE.configMap } },
        ...(props.storageClaim ? [{ name: 'storage', persistentVolumeClaim: { claimName: props.storageClaim.claimName, readOnly: true } }] : []),
      ],
    });
    deployment(this, ctx, c, { replicas: props.replicas, template });
    service(this, ctx, c, c, [namedPort(EXPORTER.portName, EXPORTER.port)], {
      // For scrapers that use the annotation convention; our Prometheus selects the Service by name.
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(EXPORTER.port), 'prometheus.io/path': '/metrics' },
    });
    podDisruptionBudget(this, ctx, c, props.replicas);
  }
}
