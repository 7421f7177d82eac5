import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { ConfigProblem } from './errors.js';
import { ENV_VAR_FIELDS } from './env-vars.js';
import { notificationTimingProblems } from './notification-timing.js';
import { CONFIG_SCHEMA } from './schema.js';
import type { MonitoringConfig } from './types.js';

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv, ['email', 'hostname', 'uri']);
const validateSchema = ajv.compile(CONFIG_SCHEMA);

/** `/alerting/thresholds/warning/cpuUsageRatio` -> `alerting.thresholds.warning.cpuUsageRatio` */
const fieldOf = (instancePath: string): string => instancePath.replace(/^\//, '').replace(/\//g, '.') || '(root)';

/** What a pattern means, for fields where the regular expression alone would not tell. */
const PATTERN_HINTS: [RegExp, string][] = [
  [/^exporter\.storage\.s3\.endpoint$/, 'must be the endpoint\'s http(s) URL without a path, e.g. https://s3.eu-west-1.amazonaws.com'],
  [/^exporter\.storage\.s3\.buckets\.\d+$/, 'must be a bucket name of letters, digits, ".", "_" and "-" (it becomes a label value)'],
  [/^exporter\.storage\.s3\.region$/, 'must be a region name such as eu-west-1'],
  [/^exporter\.storage\.directory\.mountPath$/, 'must be an absolute path without a trailing slash, e.g. /data/storage'],
  [/^security\.(adminUsers|readOnlyUsers)\.\d+$/, 'must be a lower-case email address of letters, digits and . _ % + - (it is compared with the lower-cased email claim of the sign-in)'],
  [/^kubernetes\.deploymentVerification\.(healthPath|metricsPath)$/, 'must be a path starting with / (letters, digits and - . _ ~ /), e.g. /healthz'],
  [/^security\.oauth\.(authUrl|tokenUrl|apiUrl)$/, 'must be the identity provider\'s https:// endpoint URL'],
];

function describe(e: ErrorObject, value: unknown): string {
  const got = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  const hint = e.keyword === 'pattern' ? PATTERN_HINTS.find(([field]) => field.test(fieldOf(e.instancePath)))?.[1] : undefined;
  if (hint) return `${hint}${got}`;
  switch (e.keyword) {
    case 'enum':
      return `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${got}`;
    case 'format':
      return `must be a valid ${e.params.format === 'email' ? 'email address' : e.params.format}${got}`;
    case 'additionalProperties':
      return `unknown field "${e.params.additionalProperty}"; remove it or check its spelling`;
    case 'exclusiveMinimum':
      return `must be greater than ${e.params.limit}${got}`;
    case 'pattern':
      return `must match ${e.params.pattern}${got}`;
    default:
      return `${e.message ?? 'is invalid'}${got}`;
  }
}

function valueAt(config: unknown, instancePath: string): unknown {
  let v: unknown = config;
  for (const part of instancePath.split('/').slice(1)) v = (v as Record<string, unknown> | undefined)?.[part];
  return v;
}

/** Names the environment variable when a field was set from one, so the user knows what to fix. */
function whereOf(field: string, fromEnv: ReadonlySet<string>): string {
  for (const [variable, f] of Object.entries(ENV_VAR_FIELDS)) {
    if (fromEnv.has(variable) && (field === f || field.startsWith(`${f}.`))) return `${variable} (${field})`;
  }
  return field;
}

/** Checks a merged config against the JSON schema and the rules a schema cannot say. */
export function validateConfig(config: MonitoringConfig, fromEnv: ReadonlySet<string> = new Set()): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!validateSchema(config)) {
    for (const e of validateSchema.errors ?? []) {
      const field = fieldOf(e.instancePath);
      problems.push({ where: whereOf(field, fromEnv), message: describe(e, valueAt(config, e.instancePath)) });
    }
    return problems;
  }
  const { critical, warning } = config.alerting.thresholds;
  const pairs: [keyof typeof warning & keyof typeof critical][] = [['errorRateRatio'], ['cpuUsageRatio'], ['memoryUsageRatio'], ['diskUsageRatio']];
  for (const [k] of pairs) {
    if (warning[k] >= critical[k]) {
      problems.push({
        where: `alerting.thresholds.warning.${k}`,
        message: `warning threshold ${warning[k]} must be below the critical threshold alerting.thresholds.critical.${k} (${critical[k]})`,
      });
    }
  }
  const { lowTraffic, rateWindowSeconds } = config.alerting;
  if (lowTraffic.windowSeconds < rateWindowSeconds) {
    problems.push({
      where: 'alerting.lowTraffic.windowSeconds',
      message: `the low-traffic window (${lowTraffic.windowSeconds} s) must be at least the rate window alerting.rateWindowSeconds (${rateWindowSeconds} s): it counts the requests behind the 5m figures`,
    });
  }
  for (const p of notificationTimingProblems(config)) problems.push({ ...p, where: whereOf(p.where, fromEnv) });
  const storage = config.exporter.storage;
  if (storage.kind === 's3' && storage.s3.buckets.length === 0) {
    problems.push({ where: 'exporter.storage.s3.buckets', message: 'list at least one bucket to check when exporter.storage.kind is "s3" (it becomes S3_BUCKETS), or set kind to "none"' });
  }
  for (const [name, image] of Object.entries(config.images)) {
    if (/:latest$/.test(image)) problems.push({ where: `images.${name}`, message: `must be pinned to a version, not "latest" (got "${image}")` });
  }
  const email = config.channels.email;
  if (email.enabled && email.to.length === 0) {
    problems.push({ where: whereOf('channels.email.to', fromEnv), message: 'email alerts are enabled but no recipient is set; set ALERT_EMAIL or disable channels.email' });
  }
  if (config.channels.sms.enabled && !config.channels.email.enabled && !config.channels.slack.enabled) {
    problems.push({ where: 'channels.sms.enabled', message: 'SMS is only sent for critical alerts; enable email or Slack too so warnings reach someone' });
  }
  problems.push(...accessProblems(config));
  return problems;
}

/** The admin and read-only lists only mean something when a sign-in applies them. */
function accessProblems(config: MonitoringConfig): ConfigProblem[] {
  const { adminUsers, readOnlyUsers, oauth } = config.security;
  const problems: ConfigProblem[] = [];
  if (!oauth.enabled) {
    for (const [field, list] of [['adminUsers', adminUsers], ['readOnlyUsers', readOnlyUsers]] as const) {
      if (list.length > 0) {
        problems.push({ where: `security.${field}`, message: 'lists users, but only the OAuth sign-in applies the lists: enable security.oauth (and set its endpoints and client), or empty the list' });
      }
    }
  }
  readOnlyUsers.forEach((user, i) => {
    if (adminUsers.includes(user)) {
      problems.push({ where: `security.readOnlyUsers.${i}`, message: 'is also in security.adminUsers; a user has one role, remove it from one of the lists' });
    }
  });
  if (oauth.enabled && oauth.others === 'deny' && adminUsers.length === 0 && readOnlyUsers.length === 0) {
    problems.push({ where: 'security.oauth.others', message: 'is "deny" and both security.adminUsers and security.readOnlyUsers are empty, so nobody could sign in through OAuth; list users or set others to "viewer"' });
  }
  return problems;
}
