/**
 * Generates the local stack's configuration from the `local` environment with the same
 * generators that write dist/ (alert-rules/ for rules and Alertmanager routing, charts/ for
 * prometheus.yml), then points them at loopback: static targets instead of Kubernetes service
 * discovery, and the Secrets Alertmanager would mount written as files into the work dir.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildAlertmanager, buildRuleGroups } from '../../alert-rules/index.js';
import { buildPrometheusConfig } from '../../charts/files/prometheus-yml.js';
import { type AlertmanagerConfig, alertmanagerFiles, type AlertmanagerPaths, secretRefsOf } from '../../contract/alertmanager.js';
import { loadConfig, type MonitoringConfig, type SecretKeyRef } from '../../contract/config/index.js';
import { ruleFiles as renderRuleFiles } from '../../contract/rules.js';
import { type TextFile, toYaml } from '../../contract/serialize.js';
import { url, type Topology } from './topology.js';

export interface GeneratedFiles {
  /** One config per Prometheus replica (external label `replica` differs). */
  prometheusConfigs: string[];
  alertmanagerConfig: string;
  ruleFiles: string[];
  /** The Alertmanager config as generated, for reading its routing timings. */
  alertmanager: AlertmanagerConfig;
}

/** Paths the dead man's switch and Slack are reached at (what the real services expose). */
export const HEARTBEAT_PATH = '/v2/heartbeats/immigration-ai-local/ping';
export const SLACK_PATH = '/services/T00000000/B00000000/local-stack';

/**
 * The `local` environment's config, with this run's receiver addresses. `hostAddress` is where
 * both this host's processes and the pods of the manifest runner reach the stack's stand-ins
 * (127.0.0.1, or the runner network's gateway); `smsBridgeUrl` is the bridge pod's webhook, once
 * it runs. The caller's environment variables are ignored.
 */
export function localConfig(t: Topology, hostAddress: string, smsBridgeUrl?: string): MonitoringConfig {
  return loadConfig('local', {}, {
    channels: {
      email: { smtpServer: hostAddress, smtpPort: t.ports.smtp },
      ...(smsBridgeUrl ? { sms: { bridgeUrl: smsBridgeUrl } } : {}),
      heartbeat: { url: `${url(t.ports.heartbeat)}${HEARTBEAT_PATH}` },
    },
    // The deployment verification Job reaches the demo app at the app's Service name on its port.
    kubernetes: { deploymentVerification: { port: t.ports.app, timeoutSeconds: 30 } },
  });
}

function writeFiles(root: string, files: readonly TextFile[]): string[] {
  return files.map((f) => {
    const file = join(root, f.name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, f.text);
    return file;
  });
}

/** What each Secret key would hold in a cluster; here, where the local receivers listen. */
function secretValue(config: MonitoringConfig, t: Topology, ref: SecretKeyRef): string {
  const same = (a: SecretKeyRef): boolean => a.name === ref.name && a.key === ref.key;
  const ch = config.channels;
  if (same(ch.slack.webhookUrlSecret)) return `${url(t.ports.slack)}${SLACK_PATH}`;
  if (same(ch.heartbeat.credentialsSecret)) return 'local-heartbeat-key';
  if (same(ch.email.passwordSecret)) return 'local-smtp-password';
  throw new Error(`the local stack does not know what Secret ${ref.name}/${ref.key} holds`);
}

/** `services`: host:port Prometheus scrapes each exporter pod and the SMS bridge pod at. */
export function generateLocalFiles(config: MonitoringConfig, t: Topology, services: { exporterTargets: readonly string[]; smsBridgeTarget: string }): GeneratedFiles {
  const dir = t.paths.configDir;
  const paths: AlertmanagerPaths = { secretsDir: t.paths.secretsDir, templatesDir: 'templates' };
  const alertmanager = buildAlertmanager(config);
  for (const ref of secretRefsOf(alertmanager.config)) {
    const file = join(paths.secretsDir, ref.name, ref.key);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, secretValue(config, t, ref), { mode: 0o600 });
  }
  writeFiles(join(dir, 'alertmanager'), alertmanagerFiles(alertmanager, paths));
  const ruleFiles = writeFiles(join(dir, 'prometheus', 'rules'), renderRuleFiles(buildRuleGroups(config)));
  const alertmanagers = t.ports.alertmanager.map((p) => `127.0.0.1:${p}`);
  const prometheusConfigs = t.ports.prometheus.map((_, i) => {
    const file = join(dir, 'prometheus', `prometheus-${i}.yml`);
    const promConfig = buildPrometheusConfig(config, {
      replica: `prometheus-${i}`,
      ruleFiles: [join(dir, 'prometheus', 'rules', '*.yaml')],
      discovery: {
        kind: 'static',
        targets: {
          exporter: [...services.exporterTargets],
          app: [`127.0.0.1:${t.ports.app}`],
          smsBridge: [services.smsBridgeTarget],
          prometheus: t.ports.prometheus.map((p) => `127.0.0.1:${p}`),
          alertmanager: alertmanagers,
          // As on a VM: node-exporter on this host, no kubelet (nothing here runs one).
          nodeExporter: [`127.0.0.1:${t.ports.nodeExporter}`],
        },
        alertmanagers,
      },
    });
    writeFileSync(file, toYaml(promConfig));
    return file;
  });
  return {
    prometheusConfigs,
    alertmanagerConfig: join(dir, 'alertmanager', 'alertmanager.yml'),
    ruleFiles,
    alertmanager: alertmanager.config,
  };
}
