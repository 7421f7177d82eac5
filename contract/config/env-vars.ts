import type { ConfigProblem } from './errors.js';
import type { DeepPartial, MonitoringConfig } from './types.js';

/**
 * The monitoring guide's environment variables, applied at synth time on top of the environment's config.
 * Secret variables (SMTP_PASSWORD, SLACK_WEBHOOK_URL) only switch a feature on: their values are
 * never read into the config, so they can never reach generated output.
 */
export const ENV_VARS = [
  'MONITORING_ENABLED',
  'ALERT_EMAIL',
  'SLACK_WEBHOOK_URL',
  'SMTP_SERVER',
  'SMTP_PORT',
  'SMTP_USERNAME',
  'SMTP_PASSWORD',
  'HEALTH_CHECK_INTERVAL',
  'METRICS_RETENTION_DAYS',
  'ALERT_COOLDOWN_MINUTES',
] as const;

/** Which config field each variable sets, so validation errors can name the variable. */
export const ENV_VAR_FIELDS: Record<string, string> = {
  MONITORING_ENABLED: 'monitoringEnabled',
  ALERT_EMAIL: 'channels.email.to',
  SMTP_SERVER: 'channels.email.smtpServer',
  SMTP_PORT: 'channels.email.smtpPort',
  SMTP_USERNAME: 'channels.email.username',
  HEALTH_CHECK_INTERVAL: 'healthCheckIntervalSeconds',
  METRICS_RETENTION_DAYS: 'metricsRetentionDays',
  ALERT_COOLDOWN_MINUTES: 'suppression.cooldownMinutes',
};

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, '1': true, yes: true, false: false, '0': false, no: false };

function positiveInteger(name: string, raw: string, unit: string, problems: ConfigProblem[]): number | undefined {
  const trimmed = raw.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) <= 0) {
    problems.push({ where: name, message: `must be a whole number of ${unit} greater than 0 (got "${raw}")` });
    return undefined;
  }
  return Number(trimmed);
}

/** Reads the monitoring guide's variables from `env` into a config override, collecting one problem per bad variable. */
export function overridesFromEnv(
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
): DeepPartial<MonitoringConfig> {
  const set = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v;
  };
  const o: DeepPartial<MonitoringConfig> = {};
  const email: DeepPartial<MonitoringConfig['channels']['email']> = {};
  const slack: DeepPartial<MonitoringConfig['channels']['slack']> = {};

  const enabled = set('MONITORING_ENABLED');
  if (enabled !== undefined) {
    const b = BOOLEAN_WORDS[enabled.trim().toLowerCase()];
    if (b === undefined) problems.push({ where: 'MONITORING_ENABLED', message: `must be true or false (got "${enabled}")` });
    else o.monitoringEnabled = b;
  }
  const alertEmail = set('ALERT_EMAIL');
  if (alertEmail !== undefined) {
    email.to = alertEmail.split(',').map((s) => s.trim()).filter((s) => s !== '');
    email.enabled = true;
  }
  const server = set('SMTP_SERVER');
  if (server !== undefined) email.smtpServer = server.trim();
  const port = set('SMTP_PORT');
  if (port !== undefined) {
    const p = positiveInteger('SMTP_PORT', port, 'port', problems);
    if (p !== undefined && p > 65535) problems.push({ where: 'SMTP_PORT', message: `must be a TCP port from 1 to 65535 (got "${port}")` });
    else if (p !== undefined) email.smtpPort = p;
  }
  const user = set('SMTP_USERNAME');
  if (user !== undefined) email.username = user.trim();
  // SMTP_PASSWORD's value is deliberately never read: Alertmanager reads the password from the
  // Secret named by channels.email.passwordSecret (see docs/operators.md, "Secrets to create").
  // Same for SLACK_WEBHOOK_URL: set means "Slack is wanted", the URL itself is read from the Secret.
  if (set('SLACK_WEBHOOK_URL') !== undefined) slack.enabled = true;

  const interval = set('HEALTH_CHECK_INTERVAL');
  if (interval !== undefined) o.healthCheckIntervalSeconds = positiveInteger('HEALTH_CHECK_INTERVAL', interval, 'seconds', problems);
  const retention = set('METRICS_RETENTION_DAYS');
  if (retention !== undefined) o.metricsRetentionDays = positiveInteger('METRICS_RETENTION_DAYS', retention, 'days', problems);
  const cooldown = set('ALERT_COOLDOWN_MINUTES');
  if (cooldown !== undefined) {
    const c = positiveInteger('ALERT_COOLDOWN_MINUTES', cooldown, 'minutes', problems);
    if (c !== undefined) o.suppression = { cooldownMinutes: c };
  }

  if (Object.keys(email).length > 0 || Object.keys(slack).length > 0) {
    o.channels = {};
    if (Object.keys(email).length > 0) o.channels.email = email;
    if (Object.keys(slack).length > 0) o.channels.slack = slack;
  }
  // Drop keys whose value failed to parse so the merge keeps the environment's value.
  for (const k of Object.keys(o) as (keyof typeof o)[]) if (o[k] === undefined) delete o[k];
  return o;
}
