import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildAlertmanagerConfig } from '../alert-rules/index.js';
import { alertmanagerYaml, DEFAULT_ALERTMANAGER_PATHS, secretPath, secretRefsOf } from '../contract/alertmanager.js';
import { alertmanagerTree, alertmanagerYamlOf } from './helpers/rendered.js';
import { requireTool } from './helpers/tools.js';
import { ENVIRONMENT_NAMES, loadConfig, type DeepPartial, type MonitoringConfig } from '../contract/config/index.js';
import { synthesize, synthesizeEnvironment } from '../stacks/synth.js';
import { find, objectsIn, podSpecOf, type K8sObject } from './helpers/manifests.js';
import { writeTempTree } from './helpers/rules-on-disk.js';

type Receiver = { name: string; email_configs?: Record<string, unknown>[]; slack_configs?: Record<string, unknown>[]; webhook_configs?: Record<string, unknown>[] };
type AmConfig = { route: Record<string, unknown> & { routes: Record<string, unknown>[] }; receivers: Receiver[]; inhibit_rules: Record<string, unknown>[] };

/* eslint-disable @typescript-eslint/no-explicit-any */
const amtool = (): string => requireTool('amtool');
const amConfig = (c: MonitoringConfig): AmConfig => alertmanagerYamlOf(c) as unknown as AmConfig;
const receiver = (c: MonitoringConfig, name: string): Receiver => amConfig(c).receivers.find((r) => r.name === name) as Receiver;

/** Writes a config's alertmanager/ tree to a temp folder and returns the alertmanager.yml path. */
function onDisk(config: MonitoringConfig): { file: string; cleanup: () => void } {
  const { dir, cleanup } = writeTempTree(alertmanagerTree(config), 'am-');
  return { file: join(dir, 'alertmanager', 'alertmanager.yml'), cleanup };
}

function checkConfig(file: string): { status: number | null; output: string } {
  const r = spawnSync(amtool(), ['check-config', file], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** `amtool config routes test --verify.receivers=<expected> labels…`: exit 0 only when the labels reach exactly `expected`. */
function routesTo(file: string, labels: Record<string, string>, expected: string): { labels: Record<string, string>; verified: boolean; output: string } {
  const args = ['config', 'routes', 'test', `--config.file=${file}`, `--verify.receivers=${expected}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
  const r = spawnSync(amtool(), args, { encoding: 'utf8' });
  return { labels, verified: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}

const NO_CHANNELS: DeepPartial<MonitoringConfig> = {
  channels: { email: { enabled: false }, slack: { enabled: false }, sms: { enabled: false }, heartbeat: { enabled: false } },
};

describe('generated alertmanager.yml', () => {
  it('passes `amtool check-config` (with its templates) in every environment', () => {
    const tree = synthesize(ENVIRONMENT_NAMES, {});
    const { dir, cleanup } = writeTempTree(tree, 'am-dist-');
    try {
      for (const env of ENVIRONMENT_NAMES) {
        const r = checkConfig(join(dir, env, 'alertmanager', 'alertmanager.yml'));
        expect({ env, ...r }).toEqual({ env, status: 0, output: expect.stringMatching(/SUCCESS[\s\S]*4 receivers[\s\S]*1 templates/) });
      }
    } finally {
      cleanup();
    }
  });

  it('amtool rejects a broken template (the check above can fail)', () => {
    const { file, cleanup } = onDisk(loadConfig('production', {}));
    try {
      const tmpl = join(file, '..', 'templates', 'immigration-ai.tmpl');
      writeFileSync(tmpl, `${readFileSync(tmpl, 'utf8')}\n{{ define "broken" }}{{ .Foo `);
      expect(checkConfig(file).status).not.toBe(0);
    } finally {
      cleanup();
    }
  });

  it('still loads with every channel switched off: receivers exist, just empty', () => {
    const c = loadConfig('staging', {}, NO_CHANNELS);
    expect(amConfig(c).receivers).toEqual([{ name: 'critical' }, { name: 'warning' }, { name: 'heartbeat' }, { name: 'null' }]);
    const { file, cleanup } = onDisk(c);
    try {
      expect(checkConfig(file).status).toBe(0);
      expect(routesTo(file, { severity: 'critical' }, 'critical').verified).toBe(true);
    } finally {
      cleanup();
    }
  });
});

describe('routing (amtool config routes test --verify.receivers)', () => {
  const cases: [string, string, Record<string, string>][] = [
    ['critical alert', 'critical', { alertname: 'ImmigrationAiDatabaseDown', severity: 'critical' }],
    ['warning alert', 'warning', { alertname: 'ImmigrationAiDatabaseSlow', severity: 'warning' }],
    ['Watchdog', 'heartbeat', { alertname: 'Watchdog', severity: 'none' }],
    ['Watchdog without severity', 'heartbeat', { alertname: 'Watchdog' }],
    ['maintenance mode alert', 'null', { alertname: 'ImmigrationAiMaintenanceMode', severity: 'none' }],
    ['info alert', 'null', { alertname: 'SomethingInformative', severity: 'info' }],
    ['unknown severity', 'warning', { alertname: 'ImmigrationAiSomethingNew', severity: 'page' }],
    ['no severity at all', 'warning', { alertname: 'ImmigrationAiSomethingNew' }],
  ];
  describe.each(ENVIRONMENT_NAMES)('%s', (env) => {
    let file: string;
    let cleanup: () => void;
    beforeAll(() => ({ file, cleanup } = onDisk(loadConfig(env, {}))));
    afterAll(() => cleanup());
    it.each(cases)('%s -> %s', (_name, expected, labels) => {
      expect(routesTo(file, labels, expected)).toMatchObject({ verified: true });
    });
    it('verification fails for a wrong receiver (the cases above can fail)', () => {
      expect(routesTo(file, { severity: 'critical' }, 'warning').verified).toBe(false);
    });
  });

  it('a suppressed alert type goes to null, whatever its severity; other alerts are unaffected', () => {
    const c = loadConfig('production', {}, { suppression: { suppressedAlertTypes: ['ImmigrationAiApiSlow', 'ImmigrationAiHighCpuUsage'] } });
    const { file, cleanup } = onDisk(c);
    try {
      expect(routesTo(file, { alertname: 'ImmigrationAiApiSlow', severity: 'warning' }, 'null')).toMatchObject({ verified: true });
      expect(routesTo(file, { alertname: 'ImmigrationAiHighCpuUsage', severity: 'critical' }, 'null')).toMatchObject({ verified: true });
      // Anchored: a name that merely contains a suppressed one is not suppressed.
      expect(routesTo(file, { alertname: 'ImmigrationAiApiSlowness', severity: 'warning' }, 'warning')).toMatchObject({ verified: true });
      expect(routesTo(file, { alertname: 'ImmigrationAiHighMemoryUsage', severity: 'critical' }, 'critical')).toMatchObject({ verified: true });
      expect(routesTo(file, { alertname: 'Watchdog', severity: 'none' }, 'heartbeat')).toMatchObject({ verified: true });
    } finally {
      cleanup();
    }
  });

  it('maintenance mode in the config drops everything but Watchdog', () => {
    const { file, cleanup } = onDisk(loadConfig('production', {}, { suppression: { maintenanceMode: true } }));
    try {
      expect(routesTo(file, { alertname: 'ImmigrationAiDatabaseDown', severity: 'critical' }, 'null')).toMatchObject({ verified: true });
      expect(routesTo(file, { alertname: 'ImmigrationAiDatabaseSlow', severity: 'warning' }, 'null')).toMatchObject({ verified: true });
      expect(routesTo(file, { alertname: 'Watchdog', severity: 'none' }, 'heartbeat')).toMatchObject({ verified: true });
    } finally {
      cleanup();
    }
  });
});

describe('timing: cooldown, heartbeat and the hourly cap', () => {
  // Why these values (group_interval divides the cooldown, repeat_interval a little under it) is
  // proven on the real Alertmanager in test/alertmanager-repeat.test.ts.
  it('repeats every ALERT_COOLDOWN_MINUTES: group_interval divides the cooldown, repeat_interval is 30 s under it', () => {
    const prod = amConfig(loadConfig('production', {})).route;
    expect([prod.group_interval, prod.repeat_interval]).toEqual(['5m', '14m30s']); // 15 min, on the 5-minute flush grid
    const c = amConfig(loadConfig('production', { ALERT_COOLDOWN_MINUTES: '30' })).route;
    expect([c.group_interval, c.repeat_interval]).toEqual(['6m', '29m30s']);
    expect(c.receiver).toBe('warning');
    // The Watchdog: a beat every 5 minutes on a 1-minute grid.
    expect(c.routes[0]).toMatchObject({ matchers: ['alertname="Watchdog"'], receiver: 'heartbeat', group_interval: '1m', repeat_interval: '4m30s' });
  });

  it('group_interval keeps each alert group within max_alerts_per_hour where the cooldown allows (5m to 60/max)', () => {
    const gi = (o: DeepPartial<MonitoringConfig>, env: NodeJS.ProcessEnv = {}): unknown => amConfig(loadConfig('production', env, o)).route.group_interval;
    expect(gi({ suppression: { maxAlertsPerHour: 4 } })).toBe('15m'); // 15 divides 15
    expect(gi({ suppression: { maxAlertsPerHour: 4, cooldownMinutes: 30 } })).toBe('15m');
    expect(gi({ suppression: { maxAlertsPerHour: 60 } })).toBe('5m');
    expect(gi({ suppression: { cooldownMinutes: 3 } })).toBe('3m'); // a cooldown under 5 minutes is its own grid
  });

  it('refuses a cooldown no group_interval in range divides, naming the variable and nearby values', () => {
    expect(() => loadConfig('production', { ALERT_COOLDOWN_MINUTES: '7' })).toThrow(
      /ALERT_COOLDOWN_MINUTES \(suppression\.cooldownMinutes\): .*a 7-minute repeat needs a group_interval that divides 7; it must be between 5 and 6 minutes.*Use a nearby cooldown: 5, 6, 10, 12 minutes \(got 7\)/,
    );
    expect(() => loadConfig('local', {}, { alerting: { routing: { groupIntervalSeconds: 7 } } })).toThrow(/alerting\.routing\.groupIntervalSeconds: must divide the cooldown/);
    expect(() => loadConfig('production', {}, { channels: { heartbeat: { repeatIntervalSeconds: 90 } } })).toThrow(/channels\.heartbeat\.repeatIntervalSeconds: must be a multiple of alerting\.routing\.heartbeatGroupIntervalSeconds \(60\)/);
  });
});

describe('receivers follow the enabled channels', () => {
  it('production: critical = email + Slack + SMS bridge; warning = email + Slack; heartbeat = dead man\'s switch', () => {
    const c = loadConfig('production', {});
    const critical = receiver(c, 'critical');
    expect(critical.email_configs?.[0]).toMatchObject({
      to: 'admin@immigrationai.com, ops-team@immigrationai.com',
      from: 'alerts@immigrationai.com',
      smarthost: 'smtp.gmail.com:587',
      require_tls: true,
      auth_username: 'alerts@immigrationai.com',
      auth_password_file: '/etc/alertmanager/secrets/alertmanager-smtp/password',
    });
    expect(critical.slack_configs?.[0]).toMatchObject({ api_url_file: '/etc/alertmanager/secrets/alertmanager-slack/webhook-url', channel: '#ops-alerts', username: 'Immigration AI Monitor', icon_emoji: ':warning:' });
    expect(critical.webhook_configs).toEqual([{ url: 'http://immigration-ai-sms-bridge:9095/alerts', send_resolved: false, max_alerts: 50 }]);
    const warning = receiver(c, 'warning');
    expect(Object.keys(warning).sort()).toEqual(['email_configs', 'name', 'slack_configs']);
    expect(receiver(c, 'heartbeat').webhook_configs).toEqual([
      {
        url: 'https://api.opsgenie.com/v2/heartbeats/immigration-ai-production/ping',
        send_resolved: false,
        http_config: { authorization: { type: 'GenieKey', credentials_file: '/etc/alertmanager/secrets/alertmanager-heartbeat/credentials' } },
      },
    ]);
  });

  it('a shared secret on the SMS bridge: Alertmanager sends it as a Bearer token read from a Secret, the bridge mounts the same key', () => {
    const ref = { name: 'sms-bridge-webhook', key: 'token' };
    const c = loadConfig('production', {}, { channels: { sms: { webhookCredentialsSecret: ref } } });
    expect(receiver(c, 'critical').webhook_configs).toEqual([
      { url: 'http://immigration-ai-sms-bridge:9095/alerts', send_resolved: false, max_alerts: 50, http_config: { authorization: { type: 'Bearer', credentials_file: '/etc/alertmanager/secrets/sms-bridge-webhook/token' } } },
    ]);
    expect(secretRefsOf(buildAlertmanagerConfig(c))).toContainEqual(ref);
    const { file, cleanup } = onDisk(c);
    try {
      expect(checkConfig(file)).toMatchObject({ status: 0 });
    } finally {
      cleanup();
    }
    const tree = synthesizeEnvironment(c);
    // The operator's AlertmanagerConfig carries the same Secret reference.
    const amc = objectsIn(tree, '', 'operator').find((o) => o.kind === 'AlertmanagerConfig') as K8sObject;
    const critical = (amc.spec as any).receivers.find((r: { name: string }) => r.name === 'critical');
    expect(critical.webhookConfigs[0].httpConfig).toEqual({ authorization: { type: 'Bearer', credentials: ref } });
    // The bridge reads the key from its own mount of the Secret; Alertmanager mounts it too.
    const bridge = podSpecOf(find(objectsIn(tree, ''), 'Deployment', 'immigration-ai-sms-bridge'));
    expect(bridge.containers[0].env).toContainEqual({ name: 'ALERTS_CREDENTIALS_FILE', value: '/etc/sms-bridge/webhook/token' });
    expect(bridge.volumes).toContainEqual({ name: 'webhook', secret: { secretName: 'sms-bridge-webhook', items: [{ key: 'token', path: 'token' }] } });
    const am = podSpecOf(find(objectsIn(tree, ''), 'StatefulSet', 'alertmanager'));
    expect(am.volumes.map((v: any) => v.secret?.secretName)).toContain('sms-bridge-webhook');
  });

  it('staging has no SMS; dev has Slack only and no heartbeat', () => {
    expect(receiver(loadConfig('staging', {}), 'critical').webhook_configs).toBeUndefined();
    const dev = loadConfig('dev', {});
    expect(Object.keys(receiver(dev, 'critical')).sort()).toEqual(['name', 'slack_configs']);
    expect(receiver(dev, 'heartbeat')).toEqual({ name: 'heartbeat' });
  });

  it('no SMTP authentication when SMTP_USERNAME is empty', () => {
    const c = loadConfig('staging', {}, { channels: { email: { username: '' } } });
    expect(receiver(c, 'warning').email_configs?.[0]).not.toHaveProperty('auth_password_file');
    expect(secretRefsOf(buildAlertmanagerConfig(c)).map((r) => r.name)).not.toContain('alertmanager-smtp');
  });

  it('secrets are only referenced by path, under the configurable mount folder', () => {
    const c = loadConfig('production', {});
    const text = alertmanagerTree(c).get('alertmanager/alertmanager.yml') ?? '';
    const files = [...new Set([...text.matchAll(/_file: (\S+)/g)].map((m) => m[1]))].sort();
    expect(files).toEqual(secretRefsOf(buildAlertmanagerConfig(c)).map((r) => secretPath(DEFAULT_ALERTMANAGER_PATHS, r)).sort());
    expect(text).not.toMatch(/hooks\.slack\.com|auth_password:|api_url:|credentials:/);
    const custom = alertmanagerYaml(buildAlertmanagerConfig(c), { secretsDir: '/run/secrets', templatesDir: '/etc/am/tmpl' }) as unknown as AmConfig & { templates: string[] };
    expect(custom.templates).toEqual(['/etc/am/tmpl/*.tmpl']);
    expect(JSON.stringify(custom)).toContain('"api_url_file":"/run/secrets/alertmanager-slack/webhook-url"');
  });

  it('renders templates next to alertmanager.yml, referenced relative to it', () => {
    const tree = alertmanagerTree(loadConfig('dev', {}));
    expect(tree.paths()).toEqual(['alertmanager/alertmanager.yml', 'alertmanager/templates/immigration-ai.tmpl']);
    expect((parse(tree.get('alertmanager/alertmanager.yml') ?? '') as { templates: string[] }).templates).toEqual(['templates/*.tmpl']);
  });
});

describe('inhibition rules', () => {
  const rules = amConfig(loadConfig('production', {})).inhibit_rules;
  it('critical silences the warning of the same alert and target; maintenance silences all but Watchdog', () => {
    expect(rules[0]).toMatchObject({ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'] });
    expect(rules[0].equal).toEqual(expect.arrayContaining(['alertname', 'cluster', 'instance', 'method', 'route', 'mountpoint']));
    expect(rules[1]).toEqual({
      source_matchers: ['alertname="ImmigrationAiMaintenanceMode"'],
      target_matchers: ['alertname!~"Watchdog|ImmigrationAiMaintenanceMode|ImmigrationAiMaintenanceTooLong"'],
      equal: ['cluster'],
    });
  });

  it('a node\'s resource alert silences the same alert of the containers on that node, never a page by a warning', () => {
    expect(rules[0].equal).toEqual(expect.arrayContaining(['scope', 'resource', 'node', 'namespace', 'pod', 'container', 'persistentvolumeclaim']));
    // A disk's critical silences its "filling up" warning too.
    expect(rules[0].equal).not.toContain('condition');
    expect(rules.slice(2)).toEqual([
      { source_matchers: ['scope="node"', 'severity="critical"'], target_matchers: ['scope="container"'], equal: ['alertname', 'cluster', 'node'] },
      { source_matchers: ['scope="node"', 'severity="warning"'], target_matchers: ['scope="container"', 'severity="warning"'], equal: ['alertname', 'cluster', 'node'] },
    ]);
  });
});

describe('paths', () => {
  it('refuses a relative secrets folder (Alertmanager would not resolve every *_file against the config)', () => {
    expect(() => alertmanagerYaml(buildAlertmanagerConfig(loadConfig('dev', {})), { secretsDir: 'secrets', templatesDir: 'templates' })).toThrow(/absolute/);
  });
});
