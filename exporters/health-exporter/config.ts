/**
 * The exporter's configuration, read from environment variables once at start. Bad values stop
 * the process with one message per problem naming the variable (fail fast beats a half-working
 * exporter reporting "healthy" from the wrong database).
 */
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { DEFAULT_WINDOW_SECONDS } from './system-check.js';

export interface DirectoryStorageConfig {
  kind: 'directory';
  /** STORAGE_DIR: each subfolder is a bucket. */
  dir: string;
}

export interface S3StorageConfig {
  kind: 's3';
  endpoint: string;
  buckets: string[];
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface ExporterConfig {
  port: number;
  host: string;
  databaseUrl?: string;
  storage?: DirectoryStorageConfig | S3StorageConfig;
  healthCheckIntervalSeconds: number;
  /** Per-check timeout: a hung dependency is unhealthy after this long. */
  checkTimeoutMs: number;
  /**
   * METRICS_MAX_AGE: a scrape or health request re-runs the cheap probes (database connectivity,
   * system) when their result is older than this. The expensive checks follow the interval.
   */
  metricsMaxAgeSeconds: number;
  /** Database response time above which a "slow query" line is logged (default 1000 ms). */
  slowDatabaseMs: number;
  lokiUrl?: string;
  lokiBasicAuth?: LokiSettings['lokiBasicAuth'];
  logLevel: string;
  diskPaths: string[];
  /** JSON file overriding business SQL queries (metric key -> SQL, or null to disable one). */
  businessQueriesFile?: string;
  businessMetricsEnabled: boolean;
  maintenanceMode: boolean;
  maintenanceModeFile?: string;
  unhealthy: { cpuRatio: number; memoryRatio: number; diskRatio: number };
  /** SYSTEM_CHECK_WINDOW_SECONDS: CPU and memory are unhealthy only above their limits for this long. */
  systemWindowSeconds: number;
  environment: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid exporter configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** `NAME` or the content of the file named by `NAME_FILE` (Kubernetes Secret mounts). */
export function envOrFile(env: Env, name: string, problems: string[]): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (e) {
      problems.push(`${name}_FILE: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      return undefined;
    }
  }
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

const TRUE = new Set(['1', 'true', 'on', 'yes']);
const FALSE = new Set(['0', 'false', 'off', 'no', '']);

export function parseBool(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined) return fallback;
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  problems.push(`${name}: must be true or false (got "${raw}")`);
  return fallback;
}

export function parseNumber(env: Env, name: string, fallback: number, problems: string[], opts: { min?: number; max?: number; integer?: boolean } = {}): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.trim());
  const { min = 0, max = Number.MAX_SAFE_INTEGER, integer = false } = opts;
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    problems.push(`${name}: must be ${integer ? 'a whole number' : 'a number'} between ${min} and ${max} (got "${raw}")`);
    return fallback;
  }
  return n;
}

/**
 * A URL setting. Credentials in a URL end up wherever the URL is printed (fetch errors quote it
 * whole), so a user name, password or query string is refused, naming the variable and `fix` (the
 * `*_FILE` variables that carry the credentials instead). Only `credentials: 'allowed'` (a
 * database connection string, itself read from a Secret file) accepts them. The value is never
 * echoed.
 */
export function parseUrl(value: string | undefined, name: string, protocols: string[], problems: string[], credentials: 'allowed' | { fix: string } = { fix: 'remove them' }): string | undefined {
  if (value === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    problems.push(`${name}: is not a valid URL`);
    return undefined;
  }
  if (!protocols.includes(u.protocol)) problems.push(`${name}: protocol must be one of ${protocols.join(', ')} (got "${u.protocol}")`);
  if (credentials !== 'allowed' && (u.username !== '' || u.password !== '' || u.search !== '' || u.hash !== '')) {
    problems.push(`${name}: must not contain a user name, password, query string or fragment (a URL is printed in errors and logs); ${credentials.fix}`);
    return undefined;
  }
  return value;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function parseLogLevel(env: Env, problems: string[]): string {
  const level = (env.LOG_LEVEL ?? 'info').trim().toLowerCase() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) problems.push(`LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')} (got "${env.LOG_LEVEL}")`);
  return level;
}

/** HOST: an IP address or a host name to listen on. */
export function parseHost(env: Env, problems: string[]): string {
  const host = env.HOST?.trim() || '0.0.0.0';
  const hostname = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
  if (isIP(host) === 0 && !hostname.test(host)) problems.push(`HOST: must be an IP address or a host name to listen on, such as 0.0.0.0 or 127.0.0.1 (got "${env.HOST}")`);
  return host;
}

export interface LokiSettings {
  lokiUrl?: string;
  /** From LOKI_USERNAME and LOKI_PASSWORD (or LOKI_PASSWORD_FILE), for a Loki behind an authenticating gateway. */
  lokiBasicAuth?: { username: string; password: string };
}

export function loadLokiSettings(env: Env, problems: string[]): LokiSettings {
  const lokiUrl = parseUrl(env.LOKI_URL?.trim() || undefined, 'LOKI_URL', ['http:', 'https:'], problems, { fix: 'set LOKI_USERNAME and LOKI_PASSWORD_FILE instead' });
  const username = env.LOKI_USERNAME?.trim();
  const password = envOrFile(env, 'LOKI_PASSWORD', problems);
  if ((username === undefined || username === '') !== (password === undefined)) problems.push('LOKI_USERNAME and LOKI_PASSWORD (or LOKI_PASSWORD_FILE): set both or neither');
  return { lokiUrl, ...(username && password ? { lokiBasicAuth: { username, password } } : {}) };
}

/** DISK_PATHS: comma-separated paths that must exist (a typo would keep the system check failing forever). */
function parseDiskPaths(env: Env, problems: string[]): string[] {
  const paths = (env.DISK_PATHS ?? '/').split(',').map((p) => p.trim()).filter(Boolean);
  if (paths.length === 0) problems.push('DISK_PATHS: list at least one path, comma separated (default "/")');
  for (const p of paths) {
    try {
      statSync(p);
    } catch (e) {
      problems.push(`DISK_PATHS: ${p} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); list paths that exist in the container, such as /`);
    }
  }
  return paths;
}

export function loadExporterConfig(env: Env = process.env): ExporterConfig {
  const problems: string[] = [];
  const port = parseNumber(env, 'PORT', 8080, problems, { min: 0, max: 65535, integer: true });
  const databaseUrl = parseUrl(envOrFile(env, 'DATABASE_URL', problems), 'DATABASE_URL', ['postgres:', 'postgresql:'], problems, 'allowed');

  let storage: ExporterConfig['storage'];
  const storageDir = env.STORAGE_DIR?.trim();
  const s3Endpoint = parseUrl(env.S3_ENDPOINT?.trim() || undefined, 'S3_ENDPOINT', ['http:', 'https:'], problems, {
    fix: 'put the credentials in AWS_ACCESS_KEY_ID_FILE and AWS_SECRET_ACCESS_KEY_FILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
  });
  if (storageDir && s3Endpoint) problems.push('STORAGE_DIR and S3_ENDPOINT: set only one storage backend');
  else if (storageDir) storage = { kind: 'directory', dir: storageDir };
  else if (s3Endpoint) {
    const buckets = (env.S3_BUCKETS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
    if (buckets.length === 0) problems.push('S3_BUCKETS: list the buckets to check, comma separated');
    const accessKeyId = envOrFile(env, 'AWS_ACCESS_KEY_ID', problems);
    const secretAccessKey = envOrFile(env, 'AWS_SECRET_ACCESS_KEY', problems);
    if (!accessKeyId || !secretAccessKey) problems.push('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: required with S3_ENDPOINT');
    storage = {
      kind: 's3',
      endpoint: s3Endpoint,
      buckets,
      region: env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || 'us-east-1',
      accessKeyId: accessKeyId ?? '',
      secretAccessKey: secretAccessKey ?? '',
      sessionToken: envOrFile(env, 'AWS_SESSION_TOKEN', problems),
    };
  }

  const healthCheckIntervalSeconds = parseNumber(env, 'HEALTH_CHECK_INTERVAL', 300, problems, { min: 1, max: 86400 });
  const checkTimeoutMs = parseNumber(env, 'HEALTH_CHECK_TIMEOUT_MS', 5000, problems, { min: 10, max: 120_000, integer: true });
  const metricsMaxAgeSeconds = parseNumber(env, 'METRICS_MAX_AGE', 15, problems, { min: 0, max: 86400 });
  const slowDatabaseMs = parseNumber(env, 'SLOW_DATABASE_MS', 1000, problems, { min: 1 });
  const loki = loadLokiSettings(env, problems);
  const logLevel = parseLogLevel(env, problems);
  const host = parseHost(env, problems);
  const diskPaths = parseDiskPaths(env, problems);
  const ratio = (name: string, fallback: number) => parseNumber(env, name, fallback, problems, { min: 0, max: 1 });

  const businessMetricsEnabled = parseBool(env, 'BUSINESS_METRICS', true, problems);
  const maintenanceMode = parseBool(env, 'MAINTENANCE_MODE', false, problems);
  const unhealthy = {
    cpuRatio: ratio('SYSTEM_CPU_UNHEALTHY_RATIO', 0.9),
    memoryRatio: ratio('SYSTEM_MEMORY_UNHEALTHY_RATIO', 0.9),
    diskRatio: ratio('SYSTEM_DISK_UNHEALTHY_RATIO', 0.95),
  };
  const systemWindowSeconds = parseNumber(env, 'SYSTEM_CHECK_WINDOW_SECONDS', DEFAULT_WINDOW_SECONDS, problems, { min: 1, max: 86400 });

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    databaseUrl,
    storage,
    healthCheckIntervalSeconds,
    checkTimeoutMs,
    metricsMaxAgeSeconds,
    slowDatabaseMs,
    ...loki,
    logLevel,
    diskPaths,
    businessQueriesFile: env.BUSINESS_QUERIES_FILE?.trim() || undefined,
    businessMetricsEnabled,
    maintenanceMode,
    maintenanceModeFile: env.MAINTENANCE_MODE_FILE?.trim() || undefined,
    unhealthy,
    systemWindowSeconds,
    environment: env.MONITORING_ENVIRONMENT?.trim() || 'dev',
  };
}
