import { ALERTS } from '../contract/alerts.js';
import { type AlertmanagerArtifact, type AlertmanagerConfig, type InhibitRule, matcher, type Receiver, type Route } from '../contract/alertmanager.js';
import { type MonitoringConfig, notificationTiming } from '../contract/config/index.js';
import { amDuration, promDuration } from '../contract/duration.js';
import { NOTIFICATION_TEMPLATES, TEMPLATE_FILE } from './alertmanager-templates.js';
import { SCOPES } from './resource-alerts.js';

/**
 * Alerts per SMS-bridge notification. A text carries a handful of summaries at most, and a storm in
 * one group must not make a payload the bridge refuses as too large (a 4xx, which Alertmanager does
 * not retry): the rest are only counted (`truncatedAlerts`).
 */
export const SMS_WEBHOOK_MAX_ALERTS = 50;

/** The receivers every environment has, whatever channels are enabled. */
export const RECEIVERS = { critical: 'critical', warning: 'warning', heartbeat: 'heartbeat', null: 'null' } as const;

/**
 * Labels that identify what an alert is about. A critical alert inhibits the warning with the same
 * values of all of these (a label absent on both sides counts as equal in Alertmanager). The
 * resource alerts' `scope` and `resource` keep a node's critical from silencing a container's or a
 * volume's warning, or a space critical from silencing an inode warning; `condition` is left out on
 * purpose, so a disk's critical also silences its "filling up" warning.
 */
export const INHIBIT_EQUAL_LABELS = [
  'alertname', 'cluster', 'job', 'instance', 'component', 'mountpoint', 'method', 'route', 'reason', 'slo',
  'scope', 'resource', 'node', 'device', 'namespace', 'pod', 'container', 'persistentvolumeclaim',
];

/**
 * A node's CPU or memory alert stands for the containers on that node: it silences the same alert
 * of every container there, of the same severity or below (a node's warning never hides a
 * container's page), so a busy node pages once, not once per pod.
 */
export const NODE_OVER_CONTAINER_EQUAL_LABELS = ['alertname', 'cluster', 'node'];

/**
 * Per alert group, Alertmanager sends at most one notification per group_interval, and repeats a
 * firing group only at those flushes: group_interval divides the cooldown (the largest whole number
 * of minutes from 5 to 60 / max_alerts_per_hour that does), see contract/config/notification-timing.ts.
 */
export function groupIntervalSeconds(config: MonitoringConfig): number {
  return notificationTiming(config).groupIntervalSeconds;
}

function receivers(config: MonitoringConfig): Receiver[] {
  const { email, slack, sms, heartbeat } = config.channels;
  const emailConfigs = email.enabled
    ? [
        {
          to: email.to.join(', '),
          from: email.from,
          smarthost: `${email.smtpServer}:${email.smtpPort}`,
          require_tls: email.requireTls,
          ...(email.username !== '' ? { auth_username: email.username, auth_password: email.passwordSecret } : {}),
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
          api_url: slack.webhookUrlSecret,
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
  const withConfigs = (name: string, configs: Omit<Receiver, 'name'>): Receiver => {
    const present = Object.fromEntries(Object.entries(configs).filter(([, list]) => (list as unknown[]).length > 0));
    return { name, ...present };
  };
  return [
    withConfigs(RECEIVERS.critical, {
      email_configs: emailConfigs,
      slack_configs: slackConfigs,
      // The SMS bridge formats the texts and enforces max_alerts_per_hour; resolutions are not texted.
      webhook_configs: sms.enabled
        ? [
            {
              url: sms.bridgeUrl,
              send_resolved: false,
              max_alerts: SMS_WEBHOOK_MAX_ALERTS,
              ...(sms.webhookCredentialsSecret ? { http_config: { authorization: { type: 'Bearer', credentials: sms.webhookCredentialsSecret } } } : {}),
            },
          ]
        : [],
    }),
    withConfigs(RECEIVERS.warning, { email_configs: emailConfigs, slack_configs: slackConfigs }),
    withConfigs(RECEIVERS.heartbeat, {
      webhook_configs: heartbeat.enabled
        ? [
            {
              // Alertmanager 0.25 has no webhook url_file: the URL is public, the credentials are in a Secret.
              url: heartbeat.url,
              send_resolved: false,
              http_config: { authorization: { type: heartbeat.authorizationType, credentials: heartbeat.credentialsSecret } },
            },
          ]
        : [],
    }),
    { name: RECEIVERS.null },
  ];
}

function routes(config: MonitoringConfig): Route[] {
  const list: Route[] = [
    {
      // The dead man's switch wants a steady beat: no grouping delay, a short repeat.
      matchers: [matcher('alertname', '=', ALERTS.watchdog)],
      receiver: RECEIVERS.heartbeat,
      group_by: ['alertname', 'cluster'],
      group_wait: '0s',
      group_interval: promDuration(config.alerting.routing.heartbeatGroupIntervalSeconds),
      // A little under the heartbeat period, so the beat lands on the flush one period later (see notificationTiming).
      repeat_interval: amDuration(notificationTiming(config).heartbeatRepeatIntervalSeconds),
    },
  ];
  // Planned maintenance declared in the config: everything but Watchdog is dropped at routing time.
  if (config.suppression.maintenanceMode) list.push({ matchers: [matcher('alertname', '=~', '.+')], receiver: RECEIVERS.null });
  const suppressed = config.suppression.suppressedAlertTypes;
  if (suppressed.length > 0) list.push({ matchers: [matcher('alertname', '=~', [...suppressed].sort().join('|'))], receiver: RECEIVERS.null });
  list.push(
    { matchers: [matcher('severity', '=~', 'info|none')], receiver: RECEIVERS.null },
    // Pages go out with a short wait: enough to batch a burst, not enough to delay a page.
    { matchers: [matcher('severity', '=', 'critical')], receiver: RECEIVERS.critical, group_wait: amDuration(config.alerting.routing.criticalGroupWaitSeconds) },
    { matchers: [matcher('severity', '=', 'warning')], receiver: RECEIVERS.warning },
  );
  return list;
}

/**
 * Critical silences the matching warning; a node silences its containers; maintenance silences
 * everything but the Watchdog, itself and the warning that it has been on too long.
 */
function inhibitRules(): InhibitRule[] {
  const scope = (s: string) => matcher('scope', '=', s);
  return [
    { source_matchers: [matcher('severity', '=', 'critical')], target_matchers: [matcher('severity', '=', 'warning')], equal: INHIBIT_EQUAL_LABELS },
    {
      source_matchers: [matcher('alertname', '=', ALERTS.maintenanceMode)],
      target_matchers: [matcher('alertname', '!~', `${ALERTS.watchdog}|${ALERTS.maintenanceMode}|${ALERTS.maintenanceTooLong}`)],
      equal: ['cluster'],
    },
    { source_matchers: [scope(SCOPES.node), matcher('severity', '=', 'critical')], target_matchers: [scope(SCOPES.container)], equal: NODE_OVER_CONTAINER_EQUAL_LABELS },
    {
      source_matchers: [scope(SCOPES.node), matcher('severity', '=', 'warning')],
      target_matchers: [scope(SCOPES.container), matcher('severity', '=', 'warning')],
      equal: NODE_OVER_CONTAINER_EQUAL_LABELS,
    },
  ];
}

/** The Alertmanager configuration of an environment, typed (render with contract/alertmanager.ts). */
export function buildAlertmanagerConfig(config: MonitoringConfig): AlertmanagerConfig {
  return {
    global: { resolve_timeout: '5m' },
    route: {
      // Anything no child route matches (unknown or missing severity) is a warning: never dropped.
      receiver: RECEIVERS.warning,
      group_by: ['alertname', 'cluster', 'severity'],
      group_wait: amDuration(config.alerting.routing.groupWaitSeconds),
      group_interval: promDuration(groupIntervalSeconds(config)),
      // ALERT_COOLDOWN_MINUTES minus a little slack: the repeat lands on the flush exactly one cooldown later.
      repeat_interval: amDuration(notificationTiming(config).repeatIntervalSeconds),
      routes: routes(config),
    },
    inhibit_rules: inhibitRules(),
    receivers: receivers(config),
  };
}

/** The routing tree and its notification templates: the artifact the charts and synth consume. */
export function buildAlertmanager(config: MonitoringConfig): AlertmanagerArtifact {
  return { config: buildAlertmanagerConfig(config), templates: [{ name: TEMPLATE_FILE, text: NOTIFICATION_TEMPLATES }] };
}
