import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { alertmanagerUrl, GRAFANA, lokiUrl, prometheusUrl } from '../contract/components.js';
import { type DashboardArtifact, dashboardText, DATASOURCE_UIDS } from '../contract/dashboards.js';
import { GRAFANA_ADMIN_SECRET, GRAFANA_DATABASE_SECRET, GRAFANA_LDAP_KEY } from '../contract/secrets.js';
import { toYaml } from '../contract/serialize.js';
import type { OAuthSignInConfig } from '../contract/config/index.js';
import { type AccessLists, genericOAuthSection, OAUTH_SECRET_DIR } from './grafana-access.js';
import type { ChartContext } from './lib/labels.js';
import {
  COMPONENT_BUDGET, configChecksums, configMap, container, deployment, emit, httpProbe, meta, namedPort, podDisruptionBudget, podTemplate, service, serviceAccount,
} from './lib/workload.js';
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

export interface GrafanaProps {
  image: string;
  replicas: number;
  storageGi: number;
  /** Grafana's external URL. */
  url: string;
  tls: { enabled: boolean; host: string; secretName: string };
  /** The Secret holding ldap.toml, when users sign in with LDAP. */
  ldapSecret?: string;
  /** Sign-in through the identity provider, with the role mapping built from the access lists. */
  oauth?: { settings: OAuthSignInConfig; lists: AccessLists };
  /** Empty uses the cluster's default ingress class. */
  ingressClassName: string;
  scrapeIntervalSeconds: number;
  dashboards: readonly DashboardArtifact[];
}

export function grafanaIni(props: Pick<GrafanaProps, 'tls' | 'url' | 'ldapSecret' | 'oauth'>): string {
  const tls = props.tls;
  const sections: Record<string, Record<string, string | number | boolean>> = {
    // router_logging: one line per request (login name, method, path, status), the audit trail the
    // log collector ships to Loki (it drops the client address and referer on the way).
    server: { http_port: GRAFANA.port, domain: tls.host, root_url: props.url, router_logging: true },
    paths: { data: '/var/lib/grafana', plugins: '/var/lib/grafana/plugins', provisioning: '/etc/grafana/provisioning' },
    log: { mode: 'console', level: 'info' },
    // logfmt, which the audit queries parse (`| logfmt`).
    'log.console': { format: 'text' },
    analytics: { reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false },
    security: {
      cookie_secure: tls.enabled,
      strict_transport_security: tls.enabled,
      disable_gravatar: true,
      allow_embedding: false,
      content_security_policy: true,
    },
    // Nobody signs up with a password; LDAP users are Viewers unless promoted (OAuth users get
    // the role of the access lists, see grafana-access.ts).
    users: { allow_sign_up: false, allow_org_create: false, auto_assign_org: true, auto_assign_org_role: 'Viewer' },
    'auth.anonymous': { enabled: false },
    // Alerting is Prometheus and Alertmanager's job; Grafana only shows it.
    unified_alerting: { enabled: false },
  };
  if (props.ldapSecret !== undefined) {
    sections['auth.ldap'] = { enabled: true, allow_sign_up: true, config_file: `/etc/grafana/ldap/${GRAFANA_LDAP_KEY}` };
  }
  if (props.oauth !== undefined) sections['auth.generic_oauth'] = genericOAuthSection(props.oauth.settings, props.oauth.lists);
  return toIni(sections);
}

export function datasources(namespace: string, scrapeIntervalSeconds: number): Record<string, unknown> {
  const uids = DATASOURCE_UIDS;
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus', type: 'prometheus', uid: uids.prometheus, access: 'proxy', url: prometheusUrl(namespace),
        isDefault: true, editable: false, jsonData: { timeInterval: `${scrapeIntervalSeconds}s`, httpMethod: 'POST' },
      },
      { name: 'Loki', type: 'loki', uid: uids.loki, access: 'proxy', url: lokiUrl(namespace), editable: false, jsonData: { maxLines: 1000 } },
      {
        name: 'Alertmanager', type: 'alertmanager', uid: uids.alertmanager, access: 'proxy', url: alertmanagerUrl(namespace),
        editable: false, jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false },
      },
    ],
  };
}

/** Dashboards grouped by folder; each folder is one provider reading one directory. */
export function dashboardFolders(dashboards: readonly DashboardArtifact[]): Map<string, DashboardArtifact[]> {
  const folders = new Map<string, DashboardArtifact[]>();
  for (const d of [...dashboards].sort((a, b) => a.uid.localeCompare(b.uid))) {
    folders.set(d.folder, [...(folders.get(d.folder) ?? []), d]);
  }
  return new Map([...folders.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export const dashboardConfigMapName = (uid: string): string => `grafana-dashboard-${slug(uid)}`;
/** One ConfigMap per dashboard, labelled for the Grafana sidecar, its folder in an annotation. */
export function emitDashboardConfigMaps(scope: Construct, ctx: ChartContext, dashboards: readonly DashboardArtifact[], extraLabels: Record<string, string> = {}): void {
  for (const d of dashboards) {
    emit(scope, `dashboard-${d.uid}`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(ctx, GRAFANA.name, dashboardConfigMapName(d.uid), ctx.namespace, {
        labels: { ...DASHBOARD_LABEL, ...extraLabels },
        annotations: { [FOLDER_ANNOTATION]: d.folder },
      }),
      data: { [`${slug(d.uid)}.json`]: dashboardText(d) },
    });
  }
}

/** Grafana with provisioned datasources and dashboards, no anonymous access, admin from a Secret, behind an Ingress. */
export class GrafanaChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, props: GrafanaProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const c = GRAFANA.name;
    const replicas = props.replicas;
    const shared = replicas > 1;
    const folders = dashboardFolders(props.dashboards);
    const tls = props.tls;
    const ldap = props.ldapSecret;
    const oauthSecret = props.oauth?.settings.clientSecret;

    serviceAccount(this, ctx, c, c);
    // Read at start: their checksums roll Grafana. The dashboards are not among them: the
    // providers rescan their folders every 60 s, so a dashboard change needs no restart.
    const configs: Record<string, Record<string, string>> = {
      'grafana-config': { 'grafana.ini': grafanaIni(props) },
      'grafana-datasources': { 'datasources.yaml': toYaml(datasources(ctx.namespace, props.scrapeIntervalSeconds)) },
      'grafana-dashboard-providers': { 'dashboards.yaml': toYaml({
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
      }) },
    };
    for (const [name, data] of Object.entries(configs)) configMap(this, ctx, c, name, data);
    emitDashboardConfigMaps(this, ctx, props.dashboards);

    const secretDir = '/etc/grafana/secrets';
    const env = [
      { name: 'GF_PATHS_CONFIG', value: '/etc/grafana/config/grafana.ini' },
      { name: 'GF_SECURITY_ADMIN_USER__FILE', value: `${secretDir}/admin/${GRAFANA_ADMIN_SECRET.userKey}` },
      { name: 'GF_SECURITY_ADMIN_PASSWORD__FILE', value: `${secretDir}/admin/${GRAFANA_ADMIN_SECRET.passwordKey}` },
      ...(shared ? [{ name: 'GF_DATABASE_URL__FILE', value: `${secretDir}/database/${GRAFANA_DATABASE_SECRET.key}` }] : []),
      ...(oauthSecret !== undefined ? [{ name: 'GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET__FILE', value: `${OAUTH_SECRET_DIR}/${oauthSecret.key}` }] : []),
    ];
    const mounts = [
      { name: 'config', mountPath: '/etc/grafana/config', readOnly: true },
      { name: 'datasources', mountPath: '/etc/grafana/provisioning/datasources', readOnly: true },
      { name: 'providers', mountPath: '/etc/grafana/provisioning/dashboards', readOnly: true },
      { name: 'data', mountPath: '/var/lib/grafana' },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'admin', mountPath: `${secretDir}/admin`, readOnly: true },
      ...(shared ? [{ name: 'database', mountPath: `${secretDir}/database`, readOnly: true }] : []),
      ...(ldap !== undefined ? [{ name: 'ldap', mountPath: '/etc/grafana/ldap', readOnly: true }] : []),
      ...(oauthSecret !== undefined ? [{ name: 'oauth', mountPath: OAUTH_SECRET_DIR, readOnly: true }] : []),
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
      ...(ldap !== undefined ? [{ name: 'ldap', secret: { secretName: ldap } }] : []),
      ...(oauthSecret !== undefined ? [{ name: 'oauth', secret: { secretName: oauthSecret.name } }] : []),
      // A projected volume per folder gathers that folder's dashboard ConfigMaps in one directory.
      ...[...folders.entries()].map(([f, ds]) => ({
        name: `dashboards-${slug(f)}`,
        projected: { sources: ds.map((d) => ({ configMap: { name: dashboardConfigMapName(d.uid) } })) },
      })),
    ];

    if (!shared) {
      emit(this, 'pvc', {
        apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta(ctx, c, 'grafana-data'),
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: `${props.storageGi}Gi` } } },
      });
    }
    const template = podTemplate(ctx, {
      component: c,
      serviceAccountName: c,
      uid: GRAFANA_UID,
      replicated: shared,
      annotations: configChecksums(configs),
      containers: [
        container({
          name: 'grafana',
          image: props.image,
          env,
          ports: [{ name: GRAFANA.portName, containerPort: GRAFANA.port }],
          resources: COMPONENT_BUDGET,
          readinessProbe: httpProbe('/api/health', GRAFANA.portName),
          livenessProbe: httpProbe('/api/health', GRAFANA.portName, { period: 20, failures: 6, initialDelay: 30 }),
          volumeMounts: mounts,
        }),
      ],
      volumes,
    });
    // A ReadWriteOnce volume cannot be attached to the old and the new pod at once.
    deployment(this, ctx, c, { replicas, template, strategy: shared ? 'RollingUpdate' : 'Recreate' });
    service(this, ctx, c, c, [namedPort(GRAFANA.portName, GRAFANA.port)]);
    emit(this, 'ingress', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta(ctx, c, c),
      spec: {
        ...(props.ingressClassName ? { ingressClassName: props.ingressClassName } : {}),
        ...(tls.enabled ? { tls: [{ hosts: [tls.host], secretName: tls.secretName }] } : {}),
        rules: [
          {
            host: tls.host,
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: c, port: { name: GRAFANA.portName } } } }] },
          },
        ],
      },
    });
    podDisruptionBudget(this, ctx, c, replicas);
  }
}
