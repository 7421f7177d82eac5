import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { MonitoringConfig, SecretKeyRef } from '../contract/config/index.js';
import type { FileTree } from '../stacks/output/file-tree.js';
import { ALERTMANAGER, RELOADER_PORT } from './topology.js';
import {
  container, emit, httpProbe, itemsFor, keyOf, meta, POD_IP_ENV, podDisruptionBudget, podTemplate, SEED_BUDGET, service,
  serviceAccount, SIDECAR_BUDGET, statefulSet, tcpProbe, uniqueKeys,
} from './workload.js';

export const ALERTMANAGER_CONFIG_SECRET = 'alertmanager-config';
export const ALERTMANAGER_CONFIG_DIR = '/etc/alertmanager/config';
/** alert-rules/ writes `*_file` paths under here: `/etc/alertmanager/secrets/<secret>/<key>`. */
export const ALERTMANAGER_SECRETS_DIR = '/etc/alertmanager/secrets';
const PREFIX = 'alertmanager/';

const SECRET_FILE = new RegExp(`${ALERTMANAGER_SECRETS_DIR}/([a-z0-9]([-a-z0-9]*[a-z0-9])?)/([-._a-zA-Z0-9]+)`, 'g');

/**
 * The Secrets the generated config reads credentials from (`*_file` options), found in the config
 * itself: exactly what it references is mounted, whatever the channels are.
 */
export function alertmanagerSecretRefs(files: [string, string][]): SecretKeyRef[] {
  const refs = new Map<string, SecretKeyRef>();
  for (const [, content] of files) {
    for (const m of content.matchAll(SECRET_FILE)) refs.set(`${m[1]}/${m[3]}`, { name: m[1], key: m[3] });
  }
  return [...refs.values()].sort((a, b) => `${a.name}/${a.key}`.localeCompare(`${b.name}/${b.key}`));
}

/** Files of the Alertmanager artifact relative to the config folder (`alertmanager.yml`, `templates/*.tmpl`). */
export function alertmanagerFiles(tree: FileTree): [string, string][] {
  const files = tree.entries().filter(([p]) => p.startsWith(PREFIX)).map(([p, c]) => [p.slice(PREFIX.length), c] as [string, string]);
  if (!files.some(([p]) => p === 'alertmanager.yml')) throw new Error('the Alertmanager artifact has no alertmanager/alertmanager.yml');
  uniqueKeys(files.map(([p]) => p));
  return files;
}

/** `alertmanager-1.alertmanager-cluster.<ns>.svc:9094` for every replica. */
export function clusterPeers(config: MonitoringConfig): string[] {
  return Array.from({ length: config.replicas.alertmanager }, (_, i) =>
    `${ALERTMANAGER.name}-${i}.${ALERTMANAGER.headless}.${config.namespace}.svc:${ALERTMANAGER.clusterPort}`);
}

/**
 * Alertmanager: StatefulSet (silences and notification log on a volume), clustered through a
 * headless Service when replicated, config from a Secret, credentials from mounted Secrets.
 */
export class AlertmanagerChart extends Chart {
  constructor(scope: Construct, id: string, config: MonitoringConfig, alertmanager: FileTree) {
    super(scope, id, { disableResourceNameHashes: true });
    const c = ALERTMANAGER.name;
    const replicas = config.replicas.alertmanager;
    const files = alertmanagerFiles(alertmanager);

    serviceAccount(this, config, c, c);
    // The generated config holds no secret value (credentials are `*_file` references), but it is
    // kept in a Secret as Alertmanager configs conventionally are, so a later inline credential stays protected.
    emit(this, 'config', {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: meta(config, c, ALERTMANAGER_CONFIG_SECRET),
      stringData: Object.fromEntries(files.map(([p, content]) => [keyOf(p), content])),
    });

    const secretNames = [...new Set(alertmanagerSecretRefs(files).map((r) => r.name))].sort();
    const secretVolumes = secretNames.map((name) => ({ name: `secret-${name}`, secret: { secretName: name, optional: true } }));
    const secretMounts = secretNames.map((name) => ({ name: `secret-${name}`, mountPath: `${ALERTMANAGER_SECRETS_DIR}/${name}`, readOnly: true }));
    const clustered = replicas > 1;
    const clusterArgs = clustered
      ? [
          `--cluster.listen-address=[$(POD_IP)]:${ALERTMANAGER.clusterPort}`,
          `--cluster.advertise-address=[$(POD_IP)]:${ALERTMANAGER.clusterPort}`,
          ...clusterPeers(config).map((p) => `--cluster.peer=${p}`),
          '--cluster.reconnect-timeout=5m',
        ]
      : ['--cluster.listen-address='];
    const configMount = { name: 'config', mountPath: ALERTMANAGER_CONFIG_DIR, readOnly: true };

    const pod = podTemplate(config, {
      component: c,
      serviceAccountName: c,
      uid: 65534,
      replicated: clustered,
      containers: [
        container({
          name: 'alertmanager',
          image: config.images.alertmanager,
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
                  { name: 'mesh-tcp', containerPort: ALERTMANAGER.clusterPort, protocol: 'TCP' },
                  { name: 'mesh-udp', containerPort: ALERTMANAGER.clusterPort, protocol: 'UDP' },
                ]
              : []),
          ],
          resources: SEED_BUDGET,
          readinessProbe: httpProbe('/-/ready', ALERTMANAGER.portName),
          livenessProbe: httpProbe('/-/healthy', ALERTMANAGER.portName, { failures: 6 }),
          volumeMounts: [configMount, { name: 'data', mountPath: '/alertmanager' }, ...secretMounts],
        }),
        container({
          name: 'config-reloader',
          image: config.images.configReloader,
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
        { name: 'config', secret: { secretName: ALERTMANAGER_CONFIG_SECRET, items: itemsFor(files.map(([p]) => p)) } },
        ...secretVolumes,
      ],
    });

    // Peers must all start to form the cluster; order does not matter (podManagementPolicy Parallel).
    statefulSet(this, config, c, { replicas, serviceName: ALERTMANAGER.headless, template: pod, storageGi: config.storage.alertmanagerGi });
    const web = { name: ALERTMANAGER.portName, port: ALERTMANAGER.port, targetPort: ALERTMANAGER.portName, protocol: 'TCP' };
    service(this, config, c, c, [web]);
    // Peers find each other through this Service before they are ready (gossip is what makes them ready).
    service(this, config, c, ALERTMANAGER.headless, [
      web,
      { name: 'mesh-tcp', port: ALERTMANAGER.clusterPort, targetPort: ALERTMANAGER.clusterPort, protocol: 'TCP' },
      { name: 'mesh-udp', port: ALERTMANAGER.clusterPort, targetPort: ALERTMANAGER.clusterPort, protocol: 'UDP' },
    ], { headless: true, publishNotReady: true });
    podDisruptionBudget(this, config, c, replicas);
  }
}
