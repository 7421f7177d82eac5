import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { DashboardArtifact, DatasourceUids } from '../stacks/artifacts.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { sortKeys, toJson, toYaml } from '../contract/serialize.js';
import { selectorLabels } from './labels.js';
import { alertmanagerUrl, GRAFANA, lokiUrl, prometheusUrl } from './topology.js';
import { container, emit, httpProbe, meta, podDisruptionBudget, podTemplate, SEED_BUDGET, service, serviceAccount } from './workload.js';

/** Secrets an operator creates (see README). Grafana reads them as files (`GF_*__FILE`). */
export const GRAFANA_ADMIN_SECRET = { name: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' } as const;
/** Only with more than one replica: a shared PostgreSQL database (key `url`), since SQLite cannot be shared. */
export const GRAFANA_DATABASE_SECRET = { name: 'grafana-database', key: 'url' } as const;
export const GRAFANA_LDAP_KEY = 'ldap.toml';
/** The kube-prometheus-stack sidecar convention, also used for our own provisioning. */
export const DASHBOARD_LABEL = { grafana_dashboard: '1' } as const;
export const FOLDER_ANNOTATION = 'grafana_folder';

const GRAFANA_UID = 472;
const DASHBOARDS_DIR = '/etc/grafana/dashboards';

export const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'general';

/** grafana.ini from sections; values rendered as Grafana reads them. */
export function toIni(sections: Record<string, Record<string, string | number | boolean>>): string {
  return Object.entries(sections)
    .map(([name, kv]) => `[${name}]\n${Object.entries(kv).map(([k, v]) => `${k} = ${v}`).join('\n')}\n`)
    .join('\n');
}

export function grafanaIni(config: MonitoringConfig): string {
  const tls = config.security.tls;
  const sections: Record<string, Record<string, string | number | boolean>> = {
    server: { http_port: GRAFANA.port, domain: tls.host, root_url: config.links.grafanaUrl },
    paths: { data: '/var/lib/grafana', plugins: '/var/lib/grafana/plugins', provisioning: '/etc/grafana/provisioning' },
    log: { mode: 'console', level: 'info' },
    analytics: { reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false },
    security: {
      cookie_secure: tls.enabled,
      strict_transport_security: tls.enabled,
      disable_gravatar: true,
      allow_embedding: false,
      content_security_policy: true,
    },
    // Everyone who signs in (LDAP) is a read-only Viewer unless promoted; nobody signs up.
    users: { allow_sign_up: false, allow_org_create: false, auto_assign_org: true, auto_assign_org_role: 'Viewer' },
    'auth.anonymous': { enabled: false },
    // Alerting is Prometheus and Alertmanager's job; Grafana only shows it.
    unified_alerting: { enabled: false },
  };
  if (config.security.ldap.enabled) {
    sections['auth.ldap'] = { enabled: true, allow_sign_up: true, config_file: `/etc/grafana/ldap/${GRAFANA_LDAP_KEY}` };
  }
  return toIni(sections);
}

export function datasources(config: MonitoringConfig, uids: DatasourceUids): Record<string, unknown> {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus', type: 'prometheus', uid: uids.prometheus, access: 'proxy', url: prometheusUrl(config),
        isDefault: true, editable: false, jsonData: { timeInterval: `${config.scrapeIntervalSeconds}s`, httpMethod: 'POST' },
      },
      { name: 'Loki', type: 'loki', uid: uids.loki, access: 'proxy', url: lokiUrl(config), editable: false, jsonData: { maxLines: 1000 } },
      {
        name: 'Alertmanager', type: 'alertmanager', uid: uids.alertmanager, access: 'proxy', url: alertmanagerUrl(config),
        editable: false, jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false },
      },
    ],
  };
}

/** Dashboards grouped by folder; each folder is one provider reading one directory. */
export function dashboardFolders(dashboards: DashboardArtifact[]): Map<string, DashboardArtifact[]> {
  const folders = new Map<string, DashboardArtifact[]>();
  for (const d of [...dashboards].sort((a, b) => a.uid.localeCompare(b.uid))) {
    folders.set(d.folder, [...(folders.get(d.folder) ?? []), d]);
  }
  return new Map([...folders.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export const dashboardConfigMapName = (uid: string): string => `grafana-dashboard-${slug(uid)}`;
/** The dashboard file: JSON text as given, or the model with sorted keys (byte-identical to dashboards/' own files). */
export const dashboardText = (d: DashboardArtifact): string => (typeof d.json === 'string' ? d.json : toJson(sortKeys(d.json)));

/** One ConfigMap per dashboard, labelled for the Grafana sidecar, its folder in an annotation. */
export function emitDashboardConfigMaps(scope: Construct, config: MonitoringConfig, dashboards: DashboardArtifact[], extraLabels: Record<string, string> = {}): void {
  for (const d of dashboards) {
    emit(scope, `dashboard-${d.uid}`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(config, GRAFANA.name, dashboardConfigMapName(d.uid), config.namespace, {
        labels: { ...DASHBOARD_LABEL, ...extraLabels },
        annotations: { [FOLDER_ANNOTATION]: d.folder },
      }),
      data: { [`${slug(d.uid)}.json`]: dashboardText(d) },
    });
  }
}

/** Grafana with provisioned datasources and dashboards, no anonymous access, admin from a Secret, behind an Ingress. */
export class GrafanaChart extends Chart {
  constructor(scope: Construct, id: string, config: MonitoringConfig, dashboards: DashboardArtifact[], uids: DatasourceUids) {
    super(scope, id, { disableResourceNameHashes: true });
    const c = GRAFANA.name;
    const replicas = config.replicas.grafana;
    const shared = replicas > 1;
    const folders = dashboardFolders(dashboards);
    const tls = config.security.tls;

    serviceAccount(this, config, c, c);
    emit(this, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(config, c, 'grafana-config'), data: { 'grafana.ini': grafanaIni(config) } });
    emit(this, 'datasources', {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(config, c, 'grafana-datasources'),
      data: { 'datasources.yaml': toYaml(datasources(config, uids)) },
    });
    emit(this, 'providers', {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(config, c, 'grafana-dashboard-providers'),
      data: {
        'dashboards.yaml': toYaml({
          apiVersion: 1,
          providers: [...folders.keys()].map((folder) => ({
            name: `immigration-ai-${slug(folder)}`,
            folder,
            type: 'file',
            // Dashboards are code: the UI can neither save over nor delete them.
            disableDeletion: true,
            allowUiUpdates: false,
            updateIntervalSeconds: 60,
            options: { path: `${DASHBOARDS_DIR}/${slug(folder)}` },
          })),
        }),
      },
    });
    emitDashboardConfigMaps(this, config, dashboards);

    const secretDir = '/etc/grafana/secrets';
    const env = [
      { name: 'GF_PATHS_CONFIG', value: '/etc/grafana/config/grafana.ini' },
      { name: 'GF_SECURITY_ADMIN_USER__FILE', value: `${secretDir}/admin/${GRAFANA_ADMIN_SECRET.userKey}` },
      { name: 'GF_SECURITY_ADMIN_PASSWORD__FILE', value: `${secretDir}/admin/${GRAFANA_ADMIN_SECRET.passwordKey}` },
      ...(shared ? [{ name: 'GF_DATABASE_URL__FILE', value: `${secretDir}/database/${GRAFANA_DATABASE_SECRET.key}` }] : []),
    ];
    const mounts = [
      { name: 'config', mountPath: '/etc/grafana/config', readOnly: true },
      { name: 'datasources', mountPath: '/etc/grafana/provisioning/datasources', readOnly: true },
      { name: 'providers', mountPath: '/etc/grafana/provisioning/dashboards', readOnly: true },
      { name: 'data', mountPath: '/var/lib/grafana' },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'admin', mountPath: `${secretDir}/admin`, readOnly: true },
      ...(shared ? [{ name: 'database', mountPath: `${secretDir}/database`, readOnly: true }] : []),
      ...(config.security.ldap.enabled ? [{ name: 'ldap', mountPath: '/etc/grafana/ldap', readOnly: true }] : []),
      ...[...folders.keys()].map((f) => ({ name: `dashboards-${slug(f)}`, mountPath: `${DASHBOARDS_DIR}/${slug(f)}`, readOnly: true })),
    ];
    const volumes = [
      { name: 'config', configMap: { name: 'grafana-config' } },
      { name: 'datasources', configMap: { name: 'grafana-datasources' } },
      { name: 'providers', configMap: { name: 'grafana-dashboard-providers' } },
      // One replica keeps users and preferences on a volume; several share the database instead.
      shared ? { name: 'data', emptyDir: { sizeLimit: '1Gi' } } : { name: 'data', persistentVolumeClaim: { claimName: 'grafana-data' } },
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'admin', secret: { secretName: GRAFANA_ADMIN_SECRET.name } },
      ...(shared ? [{ name: 'database', secret: { secretName: GRAFANA_DATABASE_SECRET.name } }] : []),
      ...(config.security.ldap.enabled ? [{ name: 'ldap', secret: { secretName: config.security.ldap.secretName } }] : []),
      // A projected volume per folder gathers that folder's dashboard ConfigMaps in one directory.
      ...[...folders.entries()].map(([f, ds]) => ({
        name: `dashboards-${slug(f)}`,
        projected: { sources: ds.map((d) => ({ configMap: { name: dashboardConfigMapName(d.uid) } })) },
      })),
    ];

    if (!shared) {
      emit(this, 'pvc', {
        apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta(config, c, 'grafana-data'),
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: `${config.storage.grafanaGi}Gi` } } },
      });
    }
    emit(this, 'deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(config, c, c),
      spec: {
        replicas,
        selector: { matchLabels: selectorLabels(c) },
        // A ReadWriteOnce volume cannot be attached to the old and the new pod at once.
        strategy: shared ? { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } : { type: 'Recreate' },
        template: podTemplate(config, {
          component: c,
          serviceAccountName: c,
          uid: GRAFANA_UID,
          replicated: shared,
          containers: [
            container({
              name: 'grafana',
              image: config.images.grafana,
              env,
              ports: [{ name: GRAFANA.portName, containerPort: GRAFANA.port }],
              resources: SEED_BUDGET,
              readinessProbe: httpProbe('/api/health', GRAFANA.portName),
              livenessProbe: httpProbe('/api/health', GRAFANA.portName, { period: 20, failures: 6, initialDelay: 30 }),
              volumeMounts: mounts,
            }),
          ],
          volumes,
        }),
      },
    });
    service(this, config, c, c, [{ name: GRAFANA.portName, port: GRAFANA.port, targetPort: GRAFANA.portName, protocol: 'TCP' }]);
    emit(this, 'ingress', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta(config, c, c),
      spec: {
        ...(config.kubernetes.ingressClassName ? { ingressClassName: config.kubernetes.ingressClassName } : {}),
        ...(tls.enabled ? { tls: [{ hosts: [tls.host], secretName: tls.secretName }] } : {}),
        rules: [
          {
            host: tls.host,
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: c, port: { name: GRAFANA.portName } } } }] },
          },
        ],
      },
    });
    podDisruptionBudget(this, config, c, replicas);
  }
}
