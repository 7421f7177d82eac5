import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { type AlertmanagerArtifact, alertmanagerFiles, DEFAULT_ALERTMANAGER_PATHS, secretRefsOf } from '../contract/alertmanager.js';
import { ALERTMANAGER, RELOADER_PORT } from '../contract/components.js';
import { ALERTMANAGER_SECRETS_DIR } from '../contract/secrets.js';
import type { ChartContext } from './lib/labels.js';
import {
  COMPONENT_BUDGET, container, emit, httpProbe, itemsFor, keyOf, meta, namedPort, POD_IP_ENV, podDisruptionBudget, podTemplate, service,
  serviceAccount, SIDECAR_BUDGET, statefulSet, tcpProbe,
} from './lib/workload.js';

export const ALERTMANAGER_CONFIG_SECRET = 'alertmanager-config';
export const ALERTMANAGER_CONFIG_DIR = '/etc/alertmanager/config';

export interface AlertmanagerProps {
  image: string;
  reloaderImage: string;
  replicas: number;
  storageGi: number;
  alertmanager: AlertmanagerArtifact;
}

/** `alertmanager-1.alertmanager-cluster.<ns>.svc:9094` for every replica. */
export function clusterPeers(namespace: string, replicas: number): string[] {
  return Array.from({ length: replicas }, (_, i) => `${ALERTMANAGER.name}-${i}.${ALERTMANAGER.headless}.${namespace}.svc:${ALERTMANAGER.clusterPort}`);
}

/**
 * Alertmanager: StatefulSet (silences and notification log on a volume), clustered through a
 * headless Service when replicated, config from a Secret, credentials from mounted Secrets.
 */
export class AlertmanagerChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, props: AlertmanagerProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const c = ALERTMANAGER.name;
    const replicas = props.replicas;
    // The files as synth writes them; credentials are `*_file` paths under the Secret mounts below.
    const files = alertmanagerFiles(props.alertmanager, DEFAULT_ALERTMANAGER_PATHS);

    serviceAccount(this, ctx, c, c);
    // The generated config holds no secret value (credentials are `*_file` references), but it is
    // kept in a Secret as Alertmanager configs conventionally are, so a later inline credential stays protected.
    // No checksum annotation: the reloader sidecar applies a change without a restart.
    emit(this, 'config', {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: meta(ctx, c, ALERTMANAGER_CONFIG_SECRET),
      stringData: Object.fromEntries(files.map((f) => [keyOf(f.name), f.text])),
    });

    const secretNames = [...new Set(secretRefsOf(props.alertmanager.config).map((r) => r.name))].sort();
    const secretVolumes = secretNames.map((name) => ({ name: `secret-${name}`, secret: { secretName: name, optional: true } }));
    const secretMounts = secretNames.map((name) => ({ name: `secret-${name}`, mountPath: `${ALERTMANAGER_SECRETS_DIR}/${name}`, readOnly: true }));
    const clustered = replicas > 1;
    const clusterArgs = clustered
      ? [
          `--cluster.listen-address=[$(POD_IP)]:${ALERTMANAGER.clusterPort}`,
          `--cluster.advertise-address=[$(POD_IP)]:${ALERTMANAGER.clusterPort}`,
          ...clusterPeers(ctx.namespace, replicas).map((p) => `--cluster.peer=${p}`),
          '--cluster.reconnect-timeout=5m',
        ]
      : ['--cluster.listen-address='];
    const configMount = { name: 'config', mountPath: ALERTMANAGER_CONFIG_DIR, readOnly: true };

    const pod = podTemplate(ctx, {
      component: c,
      serviceAccountName: c,
      uid: 65534,
      replicated: clustered,
      containers: [
        container({
          name: 'alertmanager',
          image: props.image,
          args: [
            `--config.file=${ALERTMANAGER_CONFIG_DIR}/alertmanager.yml`,
            '--storage.path=/alertmanager',
            `--web.listen-address=:${ALERTMANAGER.port}`,
            '--data.retention=120h',
            ...clusterArgs,
          ],
          env: [POD_IP_ENV],
          ports: [
            { name: ALERTMANAGER.portName, containerPort: ALERTMANAGER.port },
            ...(clustered
              ? [
                  { name: 'mesh-tcp', containerPort: ALERTMANAGER.clusterPort, protocol: 'TCP' as const },
                  { name: 'mesh-udp', containerPort: ALERTMANAGER.clusterPort, protocol: 'UDP' as const },
                ]
              : []),
          ],
          resources: COMPONENT_BUDGET,
          readinessProbe: httpProbe('/-/ready', ALERTMANAGER.portName),
          livenessProbe: httpProbe('/-/healthy', ALERTMANAGER.portName, { failures: 6 }),
          volumeMounts: [configMount, { name: 'data', mountPath: '/alertmanager' }, ...secretMounts],
        }),
        container({
          name: 'config-reloader',
          image: props.reloaderImage,
          args: [
            `--listen-address=:${RELOADER_PORT}`,
            `--reload-url=http://127.0.0.1:${ALERTMANAGER.port}/-/reload`,
            `--watched-dir=${ALERTMANAGER_CONFIG_DIR}`,
          ],
          ports: [{ name: 'reloader-web', containerPort: RELOADER_PORT }],
          resources: SIDECAR_BUDGET,
          readinessProbe: tcpProbe('reloader-web'),
          livenessProbe: tcpProbe('reloader-web', { failures: 6 }),
          volumeMounts: [configMount],
        }),
      ],
      volumes: [
        { name: 'config', secret: { secretName: ALERTMANAGER_CONFIG_SECRET, items: itemsFor(files.map((f) => f.name)) } },
        ...secretVolumes,
      ],
    });

    // Peers must all start to form the cluster; order does not matter (podManagementPolicy Parallel).
    statefulSet(this, ctx, c, { replicas, serviceName: ALERTMANAGER.headless, template: pod, storageGi: props.storageGi });
    const web = namedPort(ALERTMANAGER.portName, ALERTMANAGER.port);
    service(this, ctx, c, c, [web]);
    // Peers find each other through this Service before they are ready (gossip is what makes them ready).
    service(this, ctx, c, ALERTMANAGER.headless, [
      web,
      { name: 'mesh-tcp', port: ALERTMANAGER.clusterPort, targetPort: ALERTMANAGER.clusterPort, protocol: 'TCP' },
      { name: 'mesh-udp', port: ALERTMANAGER.clusterPort, targetPort: ALERTMANAGER.clusterPort, protocol: 'UDP' },
    ], { headless: true, publishNotReady: true });
    podDisruptionBudget(this, ctx, c, replicas);
  }
}
