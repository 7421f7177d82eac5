import type { MonitoringConfig, SecretKeyRef } from '../contract/config/index.js';
import { FileTree } from '../stacks/output/file-tree.js';
import { toYaml } from '../contract/serialize.js';
import { NOTIFICATION_TEMPLATES, TEMPLATE_FILE } from './alertmanager-templates.js';
import { amDuration, promDuration } from '../contract/duration.js';
import { ALERTS } from '../contract/alerts.js';

/** The receivers every environment has, whatever channels are enabled. */
export const RECEIVERS = { critical: 'critical', warning: 'warning', heartbeat: 'heartbeat', null: 'null' } as const;

export interface AlertmanagerPaths {
  /**
   * Where Kubernetes Secrets are mounted: a key is read from `<secretsDir>/<secret name>/<key>`.
   * Must be absolute: Alertmanager 0.25 resolves relative http_config paths against the config's
   * folder but opens slack `api_url_file` as given (relative to its working directory).
   */
  secretsDir: string;
  /** Template folder; relative paths are resolved by Alertmanager against the config file's folder. */
  templatesDir: string;
}

export const DEFAULT_ALERTMANAGER_PATHS: AlertmanagerPaths = { secretsDir: '/etc/alertmanager/secrets', templatesDir: 'templates' };

export const secretPath = (paths: AlertmanagerPaths, ref: SecretKeyRef): string => `${paths.secretsDir}/${ref.name}/${ref.key}`;

/**
 * Labels that identify what an alert is about. A critical alert inhibits the warning with the same
 * values of all of these (a label absent on both sides counts as equal in Alertmanager).
 */
export const INHIBIT_EQUAL_LABELS = ['alertname', 'cluster', 'job', 'instance', 'component', 'mountpoint', 'method', 'route', 'reason', 'slo'];

/** The Secrets the generated config reads, so the charts mount exactly these (and nothing is inlined). */
export function alertmanagerSecretRefs(config: MonitoringConfig): SecretKeyRef[] {
  const { email, slack, heartbeat } = config.channels;
  const refs: SecretKeyRef[] = [];
  if (email.enabled && email.username !== '') refs.push(email.passwordSecret);
  if (slack.enabled) refs.push(slack.webhookUrlSecret);
  if (heartbeat.enabled) refs.push(heartbeat.credentialsSecret);
  return refs;
}

/**
 * Per alert group, Alertmanager sends at most one notification per group_interval. Stretching it
 * to 60/max_alerts_per_hour minutes keeps every group within the seed's hourly cap (5m minimum).
 */
export function groupIntervalSeconds(config: MonitoringConfig): number {
  return config.alerting.routing.groupIntervalSeconds ?? Math.max(300, Math.ceil(60 / config.suppression.maxAlertsPerHour) * 60);
}

function receivers(config: MonitoringConfig, paths: AlertmanagerPaths): Record<string, unknown>[] {
  const { email, slack, sms, heartbeat } = config.channels;
  const emailConfigs = email.enabled
    ? [
        {
          to: email.to.join(', '),
          from: email.from,
          smarthost: `${email.smtpServer}:${email.smtpPort}`,
          require_tls: email.requireTls,
          ...(email.username !== '' ? { auth_username: email.username, auth_password_file: secretPath(paths, email.passwordSecret) } : {}),
          send_resolved: true,
          headers: { Subject: '{{ template "immigrationai.email.subject" . }}' },
          html: '{{ template "immigrationai.email.html" . }}',
          text: '{{ template "immigrationai.email.text" . }}',
        },
      ]
    : [];
  const slackConfigs = slack.enabled
    ? [
        {
          api_url_file: secretPath(paths, slack.webhookUrlSecret),
          channel: slack.channel,
          username: slack.username,
          icon_emoji: slack.iconEmoji,
          send_resolved: true,
          color: '{{ template "immigrationai.slack.color" . }}',
          title: '{{ template "immigrationai.slack.title" . }}',
          text: '{{ template "immigrationai.slack.text" . }}',
        },
      ]
    : [];
  const withConfigs = (name: string, configs: Record<string, unknown[]>): Record<string, unknown> => {
    const present = Object.fromEntries(Object.entries(configs).filter(([, list]) => list.length > 0));
    return { name, ...present };
  };
  return [
    withConfigs(RECEIVERS.critical, {
      email_configs: emailConfigs,
      slack_configs: slackConfigs,
      // The SMS bridge formats the texts and enforces max_alerts_per_hour; resolutions are not texted.
      webhook_configs: sms.enabled ? [{ url: sms.bridgeUrl, send_resolved: false }] : [],
    }),
    withConfigs(RECEIVERS.warning, { email_configs: emailConfigs, slack_configs: slackConfigs }),
    withConfigs(RECEIVERS.heartbeat, {
      webhook_configs: heartbeat.enabled
        ? [
            {
              // Alertmanager 0.25 has no webhook url_file: the URL is public, the credentials are in a Secret.
              url: heartbeat.url,
              send_resolved: false,
              http_config: { authorization: { type: heartbeat.authorizationType, credentials_file: secretPath(paths, heartbeat.credentialsSecret) } },
            },
          ]
        : [],
    }),
    { name: RECEIVERS.null },
  ];
}

function routes(config: MonitoringConfig): Record<string, unknown>[] {
  const list: Record<string, unknown>[] = [
    {
      // The dead man's switch wants a steady beat: no grouping delay, a short repeat.
      matchers: [`alertname="${ALERTS.watchdog}"`],
      receiver: RECEIVERS.heartbeat,
      group_by: ['alertname', 'cluster'],
      group_wait: '0s',
      group_interval: promDuration(config.alerting.routing.heartbeatGroupIntervalSeconds),
      repeat_interval: promDuration(config.channels.heartbeat.repeatIntervalSeconds),
    },
  ];
  // Planned maintenance declared in the config: everything but Watchdog is dropped at routing time.
  if (config.suppression.maintenanceMode) list.push({ matchers: ['alertname=~".+"'], receiver: RECEIVERS.null });
  const suppressed = config.suppression.suppressedAlertTypes;
  if (suppressed.length > 0) list.push({ matchers: [`alertname=~"${[...suppressed].sort().join('|')}"`], receiver: RECEIVERS.null });
  list.push(
    { matchers: ['severity=~"info|none"'], receiver: RECEIVERS.null },
    // Pages go out with a short wait: enough to batch a burst, not enough to delay a page.
    { matchers: ['severity="critical"'], receiver: RECEIVERS.critical, group_wait: amDuration(config.alerting.routing.criticalGroupWaitSeconds) },
    { matchers: ['severity="warning"'], receiver: RECEIVERS.warning },
  );
  return list;
}

/** The Alertmanager configuration (alertmanager.yml) of an environment, as a plain object. */
export function buildAlertmanagerConfig(config: MonitoringConfig, paths: AlertmanagerPaths = DEFAULT_ALERTMANAGER_PATHS): Record<string, unknown> {
  if (!paths.secretsDir.startsWith('/')) throw new Error(`secretsDir must be an absolute path (got "${paths.secretsDir}")`);
  return {
    global: { resolve_timeout: '5m' },
    templates: [`${paths.templatesDir}/*.tmpl`],
    route: {
      // Anything no child route matches (unknown or missing severity) is a warning: never dropped.
      receiver: RECEIVERS.warning,
      group_by: ['alertname', 'cluster', 'severity'],
      group_wait: amDuration(config.alerting.routing.groupWaitSeconds),
      group_interval: promDuration(groupIntervalSeconds(config)),
      repeat_interval: promDuration(config.suppression.cooldownMinutes * 60),
      routes: routes(config),
    },
    inhibit_rules: [
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: INHIBIT_EQUAL_LABELS },
      {
        source_matchers: [`alertname="${ALERTS.maintenanceMode}"`],
        target_matchers: [`alertname!~"${ALERTS.watchdog}|${ALERTS.maintenanceMode}"`],
        equal: ['cluster'],
      },
    ],
    receivers: receivers(config, paths),
  };
}

/** `alertmanager/alertmanager.yml` and its templates (relative to dist/<env>/). */
export function renderAlertmanager(config: MonitoringConfig, paths: AlertmanagerPaths = DEFAULT_ALERTMANAGER_PATHS): FileTree {
  const tree = new FileTree();
  tree.add('alertmanager/alertmanager.yml', toYaml(buildAlertmanagerConfig(config, paths)));
  tree.add(`alertmanager/templates/${TEMPLATE_FILE}`, NOTIFICATION_TEMPLATES);
  return tree;
}
