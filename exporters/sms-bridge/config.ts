/**
 * SMS bridge settings from the environment. Credentials and numbers come from variables or, for
 * Kubernetes Secret mounts, from files named by the *_FILE variants.
 */
import { ConfigError, envOrFile, loadLokiSettings, type LokiSettings, parseHost, parseLogLevel, parseNumber, parseUrl } from '../health-exporter/config.js';

export interface SmsBridgeConfig {
  port: number;
  host: string;
  twilioBaseUrl: string;
  accountSid?: string;
  authToken?: string;
  from?: string;
  to: string[];
  /** Suppression rule of the monitoring guide: at most this many SMS notifications in any sliding hour. */
  maxAlertsPerHour: number;
  /** Longest SMS body sent (characters); Twilio accepts 1600, phones split at 153. */
  maxBodyLength: number;
  timeoutMs: number;
  logLevel: string;
  lokiUrl?: string;
  lokiBasicAuth?: LokiSettings['lokiBasicAuth'];
  /**
   * The Authorization header POST /alerts must carry, when a shared secret is set: `Bearer <ALERTS_CREDENTIALS>`
   * (Alertmanager's `http_config.authorization`), or `Basic base64(ALERTS_USERNAME:ALERTS_CREDENTIALS)`
   * with ALERTS_AUTH_TYPE=basic (Alertmanager's `http_config.basic_auth`).
   */
  alertsAuthorization?: string;
}

const E164 = /^\+[1-9]\d{6,14}$/;

export function loadSmsBridgeConfig(env: Record<string, string | undefined> = process.env): SmsBridgeConfig {
  const problems: string[] = [];
  const port = parseNumber(env, 'PORT', 9095, problems, { min: 0, max: 65535, integer: true });
  const twilioBaseUrl =
    parseUrl(env.TWILIO_BASE_URL?.trim() || 'https://api.twilio.com', 'TWILIO_BASE_URL', ['http:', 'https:'], problems, {
      fix: 'put the credentials in TWILIO_ACCOUNT_SID_FILE and TWILIO_AUTH_TOKEN_FILE',
    }) ?? '';
  const accountSid = envOrFile(env, 'TWILIO_ACCOUNT_SID', problems);
  const authToken = envOrFile(env, 'TWILIO_AUTH_TOKEN', problems);
  const from = envOrFile(env, 'TWILIO_FROM', problems);
  const to = (envOrFile(env, 'SMS_TO', problems) ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  if (from && !E164.test(from)) problems.push('TWILIO_FROM: must be an E.164 number like +1234567890');
  // Never echo a phone number back: it is personal data.
  const bad = to.filter((n) => !E164.test(n)).length;
  if (bad > 0) problems.push(`SMS_TO: ${bad} number(s) not in E.164 format (+<country><number>)`);
  const maxAlertsPerHour = parseNumber(env, 'MAX_ALERTS_PER_HOUR', 10, problems, { min: 0, max: 10_000, integer: true });
  const maxBodyLength = parseNumber(env, 'SMS_MAX_LENGTH', 480, problems, { min: 40, max: 1600, integer: true });
  const timeoutMs = parseNumber(env, 'TWILIO_TIMEOUT_MS', 10_000, problems, { min: 100, max: 120_000, integer: true });
  const loki = loadLokiSettings(env, problems);
  const alertsAuthorization = loadAlertsAuthorization(env, problems);
  const host = parseHost(env, problems);
  const logLevel = parseLogLevel(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    twilioBaseUrl,
    accountSid,
    authToken,
    from,
    to,
    maxAlertsPerHour,
    maxBodyLength,
    timeoutMs,
    logLevel,
    ...loki,
    alertsAuthorization,
  };
}

function loadAlertsAuthorization(env: Record<string, string | undefined>, problems: string[]): string | undefined {
  const type = (env.ALERTS_AUTH_TYPE ?? 'bearer').trim().toLowerCase();
  const credentials = envOrFile(env, 'ALERTS_CREDENTIALS', problems);
  if (type !== 'bearer' && type !== 'basic') {
    problems.push(`ALERTS_AUTH_TYPE: must be bearer or basic (got "${env.ALERTS_AUTH_TYPE}")`);
    return undefined;
  }
  if (credentials === undefined) {
    if (env.ALERTS_USERNAME?.trim()) problems.push('ALERTS_USERNAME: set ALERTS_CREDENTIALS_FILE (the password) too, or remove it');
    return undefined;
  }
  if (type === 'bearer') return `Bearer ${credentials}`;
  const username = env.ALERTS_USERNAME?.trim();
  if (!username) {
    problems.push('ALERTS_USERNAME: required with ALERTS_AUTH_TYPE=basic');
    return undefined;
  }
  return `Basic ${Buffer.from(`${username}:${credentials}`).toString('base64')}`;
}

/** Missing settings that keep the bridge from sending (it still runs, drops and counts). */
export function missingSettings(c: SmsBridgeConfig): string[] {
  const m: string[] = [];
  if (!c.accountSid) m.push('TWILIO_ACCOUNT_SID');
  if (!c.authToken) m.push('TWILIO_AUTH_TOKEN');
  if (!c.from) m.push('TWILIO_FROM');
  if (c.to.length === 0) m.push('SMS_TO');
  return m;
}
