import { ConfigError, DEFAULT_CONFIG, ENVIRONMENT_NAMES, loadConfig } from '../contract/config/index.js';

/** Runs loadConfig and returns the problems it reports (none when the config is valid). */
function problemsOf(envName: string, env: NodeJS.ProcessEnv = {}, extra?: Parameters<typeof loadConfig>[2]) {
  try {
    loadConfig(envName, env, extra);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
}

describe('configuration defaults (the monitoring guide)', () => {
  const c = loadConfig('production', {});

  it('carries the monitoring guide thresholds', () => {
    expect(c.alerting.thresholds.critical).toMatchObject({ errorRateRatio: 0.1, cpuUsageRatio: 0.9, memoryUsageRatio: 0.9, diskUsageRatio: 0.95 });
    expect(c.alerting.thresholds.warning).toMatchObject({ databaseResponseSeconds: 1, errorRateRatio: 0.05, cpuUsageRatio: 0.8, memoryUsageRatio: 0.8, apiResponseSeconds: 2 });
    expect(c.alerting.warningForSeconds).toBe(15 * 60);
  });

  it('carries the monitoring guide intervals, channels and suppression', () => {
    expect(c.healthCheckIntervalSeconds).toBe(300);
    expect(c.metricsRetentionDays).toBe(30);
    expect(c.suppression).toEqual({ cooldownMinutes: 15, maxAlertsPerHour: 10, maintenanceMode: false, suppressedAlertTypes: [] });
    expect(c.channels.slack.channel).toBe('#ops-alerts');
    expect(c.channels.email.to).toEqual(['admin@immigrationai.com', 'ops-team@immigrationai.com']);
  });

  it('makes each environment a small override', () => {
    const dev = loadConfig('dev', {});
    expect(dev.replicas.prometheus).toBe(1);
    expect(dev.channels.email.enabled).toBe(false);
    expect(c.replicas.prometheus).toBe(2);
    expect(c.replicas.alertmanager).toBe(3);
    expect(c.channels.sms.enabled).toBe(true);
    expect(loadConfig('staging', {}).channels.sms.enabled).toBe(false);
    // Overrides never leak into the shared defaults.
    expect(DEFAULT_CONFIG.replicas.prometheus).toBe(1);
  });
});

describe('environment variable overrides', () => {
  it('applies the monitoring guide variables', () => {
    const c = loadConfig('staging', {
      MONITORING_ENABLED: 'false',
      ALERT_EMAIL: 'oncall@example.org, sre@example.org',
      SMTP_SERVER: 'mail.example.org',
      SMTP_PORT: '2525',
      SMTP_USERNAME: 'robot',
      HEALTH_CHECK_INTERVAL: '600',
      METRICS_RETENTION_DAYS: '45',
      ALERT_COOLDOWN_MINUTES: '30',
    });
    expect(c.monitoringEnabled).toBe(false);
    expect(c.channels.email).toMatchObject({ to: ['oncall@example.org', 'sre@example.org'], smtpServer: 'mail.example.org', smtpPort: 2525, username: 'robot' });
    expect(c.healthCheckIntervalSeconds).toBe(600);
    expect(c.metricsRetentionDays).toBe(45);
    expect(c.suppression.cooldownMinutes).toBe(30);
  });

  it('lets a secret switch a channel on without keeping its value', () => {
    const secret = 'https://hooks.slack.com/services/T000/B000/very-secret-token';
    const c = loadConfig('dev', { SLACK_WEBHOOK_URL: secret, SMTP_PASSWORD: 'hunter2-password' }, { channels: { slack: { enabled: false } } });
    expect(c.channels.slack.enabled).toBe(true);
    const serialized = JSON.stringify(c);
    expect(serialized).not.toContain('very-secret-token');
    expect(serialized).not.toContain('hunter2-password');
    expect(c.channels.slack.webhookUrlSecret).toEqual({ name: 'alertmanager-slack', key: 'webhook-url' });
  });
});

describe('bad input gets one clear message per problem', () => {
  it.each([
    ['HEALTH_CHECK_INTERVAL', 'abc'],
    ['HEALTH_CHECK_INTERVAL', '0'],
    ['HEALTH_CHECK_INTERVAL', '-5'],
    ['METRICS_RETENTION_DAYS', '0'],
    ['METRICS_RETENTION_DAYS', '-30'],
    ['ALERT_COOLDOWN_MINUTES', '1.5'],
  ])('%s=%s names the variable and the allowed values', (name, value) => {
    const problems = problemsOf('dev', { [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0].where).toBe(name);
    expect(problems[0].message).toMatch(/whole number .* greater than 0/);
    expect(problems[0].message).toContain(`"${value}"`);
  });

  it('rejects SMTP_PORT outside 1..65535 and a non-boolean MONITORING_ENABLED', () => {
    const problems = problemsOf('dev', { SMTP_PORT: '70000', MONITORING_ENABLED: 'maybe' });
    expect(problems.map((p) => p.where).sort()).toEqual(['MONITORING_ENABLED', 'SMTP_PORT']);
  });

  it('names ALERT_EMAIL for an invalid address', () => {
    const problems = problemsOf('production', { ALERT_EMAIL: 'ops@example.org,not-an-email' });
    expect(problems).toHaveLength(1);
    expect(problems[0].where).toBe('ALERT_EMAIL (channels.email.to.1)');
    expect(problems[0].message).toContain('valid email address');
    expect(problems[0].message).toContain('not-an-email');
  });

  it('rejects a warning threshold above its critical one', () => {
    const problems = problemsOf('production', {}, { alerting: { thresholds: { warning: { cpuUsageRatio: 0.95 } } } });
    expect(problems).toEqual([
      { where: 'alerting.thresholds.warning.cpuUsageRatio', message: expect.stringContaining('must be below the critical threshold alerting.thresholds.critical.cpuUsageRatio (0.9)') },
    ]);
  });

  it('rejects an unknown environment and lists the allowed ones', () => {
    const problems = problemsOf('prod');
    expect(problems).toEqual([{ where: 'environment', message: 'unknown environment "prod"; allowed: dev, staging, production, local' }]);
  });

  it('reports several problems at once, each naming its field', () => {
    const problems = problemsOf('dev', { HEALTH_CHECK_INTERVAL: 'abc' }, {
      scrapeIntervalSeconds: 0,
      alerting: { thresholds: { critical: { diskUsageRatio: 1.5 } } },
      images: { grafana: 'grafana/grafana:latest' },
    } as never);
    expect(problems.map((p) => p.where).sort()).toEqual(['HEALTH_CHECK_INTERVAL', 'alerting.thresholds.critical.diskUsageRatio', 'scrapeIntervalSeconds']);
  });

  it('refuses an unpinned image and an unknown field', () => {
    expect(problemsOf('dev', {}, { images: { grafana: 'grafana/grafana:latest' } })).toEqual([
      { where: 'images.grafana', message: 'must be pinned to a version, not "latest" (got "grafana/grafana:latest")' },
    ]);
    expect(problemsOf('dev', {}, { replicaz: 3 } as never)[0].message).toContain('unknown field "replicaz"');
  });
});

describe('the local environment (loopback stack)', () => {
  it('loads, keeps production replicas and channels, and compresses time', () => {
    const local = loadConfig('local', {});
    const production = loadConfig('production', {});
    expect(local.environment).toBe('local');
    expect(local.replicas.prometheus).toBe(production.replicas.prometheus);
    expect(local.replicas.alertmanager).toBe(production.replicas.alertmanager);
    expect(local.channels.sms.enabled).toBe(true);
    expect(local.alerting.thresholds).toEqual(production.alerting.thresholds);
    expect(local.scrapeIntervalSeconds).toBeLessThan(production.scrapeIntervalSeconds);
    expect(local.alerting.criticalForSeconds).toBeLessThan(production.alerting.criticalForSeconds);
    expect(local.alerting.warningForSeconds).toBeLessThan(production.alerting.warningForSeconds);
  });

  it('is never part of the default synth', () => {
    expect(ENVIRONMENT_NAMES).not.toContain('local');
  });
});
