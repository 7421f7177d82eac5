/**
 * Realistic stand-ins for the alert-rules/ and dashboards/ artifacts (the charts take them as
 * inputs): a small rule group with an alert and a recording rule, an Alertmanager config with
 * receivers, `*_file` credentials, a template and the SMS webhook, and two dashboards.
 */
import type { ArtifactSources, RuleGroupLike } from '../../stacks/artifacts.js';
import { FileTree } from '../../stacks/output/file-tree.js';
import { toYaml } from '../../stacks/output/serialize.js';

export const FIXTURE_GROUPS: RuleGroupLike[] = [
  {
    name: 'immigration-ai-exporter',
    rules: [
      {
        record: 'job:up:sum',
        expr: 'sum by (job) (up{job="immigration-ai-exporter"})',
      },
      {
        alert: 'ImmigrationAiExporterDown',
        expr: 'up{job="immigration-ai-exporter"} == 0 or absent(up{job="immigration-ai-exporter"})',
        for: '1m',
        labels: { severity: 'critical' },
        annotations: {
          summary: 'The exporter is down.',
          description: 'Target {{ $labels.instance }} has been down for more than a minute.',
          runbook_url: 'https://example.invalid/runbooks/ImmigrationAiExporterDown.md',
        },
      },
    ],
  },
];

export const FIXTURE_ALERTMANAGER = {
  global: {
    resolve_timeout: '5m',
    smtp_smarthost: 'smtp.gmail.com:587',
    smtp_from: 'alerts@immigrationai.com',
    smtp_auth_username: 'alerts@immigrationai.com',
    smtp_auth_password_file: '/etc/alertmanager/secrets/alertmanager-smtp/password',
    smtp_require_tls: true,
    slack_api_url_file: '/etc/alertmanager/secrets/alertmanager-slack/webhook-url',
  },
  templates: ['templates/*.tmpl'],
  route: {
    receiver: 'warning',
    group_by: ['alertname', 'severity'],
    group_wait: '30s',
    group_interval: '5m',
    repeat_interval: '15m',
    routes: [
      { matchers: ['alertname="Watchdog"'], receiver: 'heartbeat', repeat_interval: '5m' },
      { matchers: ['severity=~"info|none"'], receiver: 'null' },
      { matchers: ['severity="critical"'], receiver: 'critical' },
      { matchers: ['severity="warning"'], receiver: 'warning' },
    ],
  },
  receivers: [
    {
      name: 'critical',
      email_configs: [{ to: 'admin@immigrationai.com', send_resolved: true }],
      slack_configs: [{ channel: '#ops-alerts', send_resolved: true, title: '{{ template "immigration.title" . }}' }],
      webhook_configs: [{ url: 'http://immigration-ai-sms-bridge:9095/alerts', send_resolved: false }],
    },
    {
      name: 'warning',
      email_configs: [{ to: 'admin@immigrationai.com' }],
      slack_configs: [{ channel: '#ops-alerts', title: '{{ template "immigration.title" . }}' }],
    },
    {
      name: 'heartbeat',
      // Alertmanager 0.25 has no webhook url_file: the secret part travels in the Authorization header.
      webhook_configs: [{
        url: 'https://api.opsgenie.com/v2/heartbeats/immigration-ai/ping',
        http_config: { authorization: { type: 'GenieKey', credentials_file: '/etc/alertmanager/secrets/alertmanager-heartbeat/credentials' } },
      }],
    },
    { name: 'null' },
  ],
  inhibit_rules: [
    { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname'] },
  ],
};

export const FIXTURE_TEMPLATE = '{{ define "immigration.title" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ end }}\n';

export const FIXTURE_DASHBOARDS = [
  { uid: 'immigration-ai-overview', title: 'Immigration AI SaaS Monitoring', folder: 'Immigration AI', json: { uid: 'immigration-ai-overview', title: 'Immigration AI SaaS Monitoring', panels: [], schemaVersion: 39 } },
  { uid: 'immigration-ai-logs', title: 'Logs', folder: 'Immigration AI / Logs', json: { uid: 'immigration-ai-logs', title: 'Logs', panels: [], schemaVersion: 39 } },
];

export const FIXTURE_SOURCES: ArtifactSources = {
  renderPrometheusRules: () => {
    const t = new FileTree();
    t.add('prometheus/rules/immigration-ai-exporter.yaml', toYaml({ groups: FIXTURE_GROUPS }));
    return t;
  },
  buildRuleGroups: () => FIXTURE_GROUPS,
  renderAlertmanager: () => {
    const t = new FileTree();
    t.add('alertmanager/alertmanager.yml', toYaml(FIXTURE_ALERTMANAGER));
    t.add('alertmanager/templates/immigration.tmpl', FIXTURE_TEMPLATE);
    return t;
  },
  buildAlertmanagerConfig: () => FIXTURE_ALERTMANAGER,
  buildDashboards: () => FIXTURE_DASHBOARDS,
  DATASOURCE_UIDS: { prometheus: 'prometheus', loki: 'loki', alertmanager: 'alertmanager' },
};
