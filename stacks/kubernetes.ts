/**
 * Composes the charts of an environment: each chart gets the generated artifacts it embeds and
 * the few settings it reads (narrow props), never the whole configuration.
 */
import { App, type Chart } from 'cdk8s';
import { AlertmanagerChart } from '../charts/alertmanager.js';
import { AlloyChart } from '../charts/alloy.js';
import { ExporterConfigChart, exporterConfigData, type ExporterSettings } from '../charts/exporter-config.js';
import { ExporterChart, type ExporterProps } from '../charts/exporter.js';
import { GrafanaChart } from '../charts/grafana.js';
import type { ChartContext } from '../charts/lib/labels.js';
import { LokiChart } from '../charts/loki.js';
import { NamespaceChart } from '../charts/namespace.js';
import { NetworkPoliciesChart, OperatorNetworkPoliciesChart } from '../charts/network-policies.js';
import { NodeExporterChart } from '../charts/node-exporter.js';
import { OperatorAlertmanagerChart, OperatorDashboardsChart, OperatorPrometheusChart, type OperatorProps } from '../charts/operator.js';
import { PrometheusChart } from '../charts/prometheus.js';
import { ReportsChart } from '../charts/reports.js';
import { SmsBridgeChart } from '../charts/sms-bridge.js';
import { VerifyDeploymentChart, VerifyDeploymentHookChart, type VerifyDeploymentProps } from '../charts/verify-deployment.js';
import { EXPORTER, logPushUrl, lokiUrl, prometheusUrl, SMS_BRIDGE, svcHost } from '../contract/components.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { watchedNamespaces } from '../contract/resources.js';
import { toYaml, toYamlStream } from '../contract/serialize.js';
import type { Artifacts } from './artifacts.js';
import { FileTree } from './output/file-tree.js';

const contextOf = (config: MonitoringConfig): ChartContext => ({ namespace: config.namespace, environment: config.environment });

/** The settings every Prometheus of the environment shares (also the plain prometheus.yml's). */
export const prometheusGlobals = (config: MonitoringConfig) => ({
  scrapeIntervalSeconds: config.scrapeIntervalSeconds,
  evaluationIntervalSeconds: config.evaluationIntervalSeconds,
  cluster: config.cluster,
});

/** The exporter's ConfigMap settings (also read by the report CronJobs). */
const exporterSettingsOf = (config: MonitoringConfig, lokiUrl: string): ExporterSettings => ({
  healthCheckIntervalSeconds: config.healthCheckIntervalSeconds,
  logLevel: config.environment === 'production' ? 'info' : 'debug',
  lokiUrl,
  storage: config.exporter.storage,
  maintenanceMode: config.exporter.maintenanceMode,
});

/** The exporter Deployment's props; `exporterConfig` is its ConfigMap's data (for the checksum). */
const exporterProps = (config: MonitoringConfig, exporterConfig: Record<string, string>): ExporterProps => {
  const { storage } = config.exporter;
  return {
    image: config.images.exporter,
    replicas: config.replicas.exporter,
    config: exporterConfig,
    ...(storage.kind === 'directory' ? { storageClaim: storage.directory } : {}),
  };
};

/** The S3 endpoint's port when it is not one the exporter may already reach (443, and 5432 for the database). */
function storagePort(config: MonitoringConfig): number | undefined {
  const { storage } = config.exporter;
  if (storage.kind !== 's3') return undefined;
  const u = new URL(storage.s3.endpoint);
  const port = u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port);
  return port === 443 ? undefined : port;
}

/** The deployment verification pod's settings: the app's Service as Prometheus reaches it. */
const verifyProps = (config: MonitoringConfig): VerifyDeploymentProps => {
  const v = config.kubernetes.deploymentVerification;
  return {
    image: config.images.exporter,
    appUrl: `http://${svcHost(config.kubernetes.appNamespace, v.appService)}:${v.port}`,
    healthPath: v.healthPath,
    metricsPath: v.metricsPath,
    timeoutSeconds: v.timeoutSeconds,
    slack: config.channels.slack,
  };
};

/** The deployment verification Job, for `verify-deployment/` (applied with the app, not with the stack). */
export function composeVerifyHook(config: MonitoringConfig): Chart[] {
  return [new VerifyDeploymentHookChart(new App(), 'verify-deployment', contextOf(config), verifyProps(config))];
}

/** Profile `standalone`: the whole stack. Each chart becomes one file under k8s/. */
export function composeCharts(config: MonitoringConfig, artifacts: Artifacts): Chart[] {
  const app = new App();
  const ctx = contextOf(config);
  const charts: Chart[] = [new NamespaceChart(app, 'namespace', ctx)];
  if (!config.monitoringEnabled) return charts;
  const { images, replicas, storage, kubernetes: k8s, channels } = config;
  // Programs push their own logs to the collector, the only writer Loki accepts.
  const logPush = logPushUrl(k8s.logCollectorNamespace);
  const exporterSettings = exporterSettingsOf(config, logPush);
  const exporterConfig = exporterConfigData(ctx, exporterSettings);
  charts.push(
    new ExporterConfigChart(app, 'exporter-config', ctx, exporterSettings),
    new PrometheusChart(app, 'prometheus', ctx, {
      image: images.prometheus,
      reloaderImage: images.configReloader,
      replicas: replicas.prometheus,
      retentionDays: config.metricsRetentionDays,
      storageGi: storage.prometheusGi,
      globals: prometheusGlobals(config),
      appNamespace: k8s.appNamespace,
      logCollectorNamespace: k8s.logCollectorNamespace,
      nodeExporterNamespace: k8s.nodeExporterNamespace,
      kubelet: { insecureSkipVerify: k8s.kubelet.insecureSkipVerify, namespaces: watchedNamespaces(config) },
      smsBridge: channels.sms.enabled,
      remoteWrite: k8s.remoteWrite.enabled ? { url: k8s.remoteWrite.url, bearerTokenSecret: k8s.remoteWrite.bearerTokenSecret } : undefined,
      ruleGroups: artifacts.ruleGroups,
    }),
    new AlertmanagerChart(app, 'alertmanager', ctx, {
      image: images.alertmanager,
      reloaderImage: images.configReloader,
      replicas: replicas.alertmanager,
      storageGi: storage.alertmanagerGi,
      alertmanager: artifacts.alertmanager,
    }),
  );
  if (channels.sms.enabled) {
    charts.push(new SmsBridgeChart(app, 'sms-bridge', ctx, {
      image: images.exporter, credentialsSecret: channels.sms.credentialsSecret, maxAlertsPerHour: config.suppression.maxAlertsPerHour, lokiUrl: logPush,
      webhookCredentialsSecret: channels.sms.webhookCredentialsSecret,
    }));
  }
  charts.push(
    new GrafanaChart(app, 'grafana', ctx, {
      image: images.grafana,
      replicas: replicas.grafana,
      storageGi: storage.grafanaGi,
      url: config.links.grafanaUrl,
      tls: config.security.tls,
      ldapSecret: config.security.ldap.enabled ? config.security.ldap.secretName : undefined,
      oauth: config.security.oauth.enabled ? {
        settings: config.security.oauth,
        lists: { adminUsers: config.security.adminUsers, readOnlyUsers: config.security.readOnlyUsers, others: config.security.oauth.others },
      } : undefined,
      ingressClassName: k8s.ingressClassName,
      scrapeIntervalSeconds: config.scrapeIntervalSeconds,
      dashboards: artifacts.dashboards,
    }),
    new LokiChart(app, 'loki', ctx, { image: images.loki, replicas: replicas.loki, logRetentionDays: config.logRetentionDays, storageGi: storage.lokiGi }),
    new AlloyChart(app, 'alloy', ctx, {
      image: images.alloy, namespace: k8s.logCollectorNamespace, appNamespace: k8s.appNamespace, cluster: config.cluster,
      monitoringNamespace: config.namespace, pushingComponents: [EXPORTER.name, SMS_BRIDGE.name],
      lokiUrl: lokiUrl(config.namespace), logFilesGroup: k8s.logFilesGroup,
    }),
    new ExporterChart(app, 'exporter', ctx, exporterProps(config, exporterConfig)),
    new ReportsChart(app, 'reports', ctx, {
      image: images.exporter, prometheusUrl: prometheusUrl(config.namespace), email: channels.email, slack: channels.slack, exporterConfig,
    }),
    new NodeExporterChart(app, 'node-exporter', ctx, { image: images.nodeExporter, namespace: k8s.nodeExporterNamespace }),
    new VerifyDeploymentChart(app, 'verify-deployment', ctx, verifyProps(config)),
    new NetworkPoliciesChart(app, 'network-policies', ctx, {
      appNamespace: k8s.appNamespace,
      logCollectorNamespace: k8s.logCollectorNamespace,
      nodeExporterNamespace: k8s.nodeExporterNamespace,
      ingressControllerNamespace: k8s.ingressControllerNamespace,
      smtpPort: channels.email.smtpPort,
      alertmanagerReplicas: replicas.alertmanager,
      grafanaReplicas: replicas.grafana,
      smsBridge: channels.sms.enabled,
      ldap: config.security.ldap.enabled,
      oauth: config.security.oauth.enabled,
      verifyDeployment: { appPort: k8s.deploymentVerification.port, slack: channels.slack.enabled },
      exporterStoragePort: storagePort(config),
    }),
  );
  return charts;
}

/** The port a push URL connects to (its own, or the scheme's). */
const portOf = (url: string): number => {
  const u = new URL(url);
  return u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
};

/** Profile `operator`: an add-on for clusters that already run kube-prometheus-stack. */
export function composeOperatorCharts(config: MonitoringConfig, artifacts: Artifacts): Chart[] {
  const app = new App();
  const ctx = contextOf(config);
  const profile = config.kubernetes.operatorProfile;
  const sms = config.channels.sms.enabled;
  const operator: OperatorProps = {
    releaseLabel: config.kubernetes.operatorReleaseLabel,
    appNamespace: config.kubernetes.appNamespace,
    scrapeIntervalSeconds: config.scrapeIntervalSeconds,
    stackAlerts: !profile.stackDefaultRules,
    smsBridge: sms,
  };
  // This profile deploys no Loki: logs go where the setting says, or only to stdout.
  const logPush = profile.logPushUrl;
  const exporterSettings = exporterSettingsOf(config, logPush);
  const charts: Chart[] = [
    new NamespaceChart(app, 'namespace', ctx),
    new ExporterConfigChart(app, 'exporter-config', ctx, exporterSettings),
    new ExporterChart(app, 'exporter', ctx, exporterProps(config, exporterConfigData(ctx, exporterSettings))),
    new OperatorPrometheusChart(app, 'prometheus', ctx, { ...operator, ruleGroups: artifacts.ruleGroups }),
    new OperatorAlertmanagerChart(app, 'alertmanager', ctx, { ...operator, alertmanager: artifacts.alertmanager }),
    new OperatorNetworkPoliciesChart(app, 'network-policies', ctx, {
      stackNamespace: profile.stackNamespace,
      smsBridge: sms,
      logPushPort: logPush !== '' ? portOf(logPush) : undefined,
      exporterStoragePort: storagePort(config),
    }),
  ];
  if (sms) {
    charts.push(new SmsBridgeChart(app, 'sms-bridge', ctx, {
      image: config.images.exporter, credentialsSecret: config.channels.sms.credentialsSecret, maxAlertsPerHour: config.suppression.maxAlertsPerHour, lokiUrl: logPush,
      webhookCredentialsSecret: config.channels.sms.webhookCredentialsSecret,
    }));
  }
  if (artifacts.dashboards.length > 0) charts.push(new OperatorDashboardsChart(app, 'dashboards', ctx, artifacts.dashboards));
  return charts;
}

/**
 * Renders charts to `<folder>/<chart>.yaml` plus a kustomization.yaml listing them (for
 * `kubectl apply -k`): at the root for `k8s`, inside the folder for other profiles.
 */
export function renderKubernetes(charts: readonly Chart[], folder = 'k8s'): FileTree {
  const tree = new FileTree();
  const resources: string[] = [];
  const inside = folder !== 'k8s';
  for (const chart of charts) {
    const path = `${folder}/${chart.node.id}.yaml`;
    tree.add(path, toYamlStream(chart.toJson()));
    resources.push(inside ? `${chart.node.id}.yaml` : path);
  }
  tree.add(
    inside ? `${folder}/kustomization.yaml` : 'kustomization.yaml',
    toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: resources.sort() }),
  );
  return tree;
}
