/**
 * The typed Alertmanager configuration (alert-rules/) as the spec of a Prometheus-Operator
 * `AlertmanagerConfig` (monitoring.coreos.com/v1alpha1), for the operator profile:
 * - matchers keep their structure; credentials become Secret key selectors (the Secrets live in
 *   the AlertmanagerConfig's namespace);
 * - webhook URLs to our own Services get the namespace, since the operator's Alertmanager runs elsewhere.
 * The input is the typed object, never rendered text: nothing is parsed back.
 */
import type { IAlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';
import type { AlertmanagerConfig, EmailConfig, Route, SlackConfig, WebhookConfig } from '../contract/alertmanager.js';

type Spec = IAlertmanagerConfig['spec'];
type CrdRoute = NonNullable<Spec['route']>;
type CrdReceiver = NonNullable<Spec['receivers']>[number];

function route(r: Route): CrdRoute {
  return {
    ...(r.receiver !== undefined ? { receiver: r.receiver } : {}),
    ...(r.group_by !== undefined ? { groupBy: r.group_by } : {}),
    ...(r.group_wait !== undefined ? { groupWait: r.group_wait } : {}),
    ...(r.group_interval !== undefined ? { groupInterval: r.group_interval } : {}),
    ...(r.repeat_interval !== undefined ? { repeatInterval: r.repeat_interval } : {}),
    ...(r.matchers && r.matchers.length > 0 ? { matchers: r.matchers } : {}),
    ...(r.continue !== undefined ? { continue: r.continue } : {}),
    // The CRD types child routes as JSON; they have the same shape as the top route.
    ...(r.routes && r.routes.length > 0 ? { routes: r.routes.map(route) as unknown as CrdRoute['routes'] } : {}),
  };
}

function email(e: EmailConfig): NonNullable<CrdReceiver['emailConfigs']>[number] {
  return {
    to: e.to,
    from: e.from,
    smarthost: e.smarthost,
    requireTLS: e.require_tls,
    ...(e.auth_username !== undefined ? { authUsername: e.auth_username } : {}),
    ...(e.auth_password !== undefined ? { authPassword: e.auth_password } : {}),
    sendResolved: e.send_resolved,
    headers: Object.entries(e.headers).sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => ({ key, value })),
    html: e.html,
    text: e.text,
  };
}

function slack(s: SlackConfig): NonNullable<CrdReceiver['slackConfigs']>[number] {
  return {
    apiURL: s.api_url,
    channel: s.channel,
    username: s.username,
    iconEmoji: s.icon_emoji,
    sendResolved: s.send_resolved,
    color: s.color,
    title: s.title,
    text: s.text,
  };
}

function webhook(w: WebhookConfig, namespace: string): NonNullable<CrdReceiver['webhookConfigs']>[number] {
  const auth = w.http_config?.authorization;
  return {
    url: qualify(w.url, namespace),
    sendResolved: w.send_resolved,
    ...(w.max_alerts !== undefined ? { maxAlerts: w.max_alerts } : {}),
    ...(auth ? { httpConfig: { authorization: { type: auth.type, credentials: auth.credentials } } } : {}),
  };
}

/** `http://svc:port/path` (a Service of ours) -> `http://svc.<ns>.svc:port/path`. */
export function qualify(url: string, namespace: string): string {
  return url.replace(/^(https?:\/\/)([a-z0-9-]+)(:\d+)?(\/|$)/, (_, scheme: string, host: string, port = '', rest: string) => `${scheme}${host}.${namespace}.svc${port}${rest}`);
}

export function toAlertmanagerConfigSpec(config: AlertmanagerConfig, namespace: string): Spec {
  const receivers: CrdReceiver[] = config.receivers.map((r) => ({
    name: r.name,
    ...(r.email_configs && r.email_configs.length > 0 ? { emailConfigs: r.email_configs.map(email) } : {}),
    ...(r.slack_configs && r.slack_configs.length > 0 ? { slackConfigs: r.slack_configs.map(slack) } : {}),
    ...(r.webhook_configs && r.webhook_configs.length > 0 ? { webhookConfigs: r.webhook_configs.map((w) => webhook(w, namespace)) } : {}),
  }));
  const inhibitRules = config.inhibit_rules.map((i) => ({ sourceMatch: i.source_matchers, targetMatch: i.target_matchers, equal: i.equal }));
  return {
    route: route(config.route),
    receivers,
    ...(inhibitRules.length > 0 ? { inhibitRules } : {}),
  };
}
