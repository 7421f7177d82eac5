/**
 * The Alertmanager configuration as a typed object: what alert-rules/ generates and what the
 * charts consume. Matchers are structured and credentials are Secret references, so the two
 * renderings (alertmanager.yml with `*_file` paths, and the operator's AlertmanagerConfig CRD)
 * are both made from the object and never by parsing text.
 */
import type { SecretKeyRef } from './config/index.js';
import { ALERTMANAGER_SECRETS_DIR } from './secrets.js';
import { type TextFile, toYaml } from './serialize.js';

export type MatchType = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  matchType: MatchType;
  value: string;
}

export const matcher = (name: string, matchType: MatchType, value: string): Matcher => ({ name, matchType, value });

/** `name="value"` as alertmanager.yml writes it (value quoted and escaped). */
export const matcherText = (m: Matcher): string => `${m.name}${m.matchType}${JSON.stringify(m.value)}`;

export interface Route {
  matchers?: Matcher[];
  receiver?: string;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  continue?: boolean;
  routes?: Route[];
}

export interface InhibitRule {
  source_matchers: Matcher[];
  target_matchers: Matcher[];
  equal: string[];
}

export interface EmailConfig {
  to: string;
  from: string;
  smarthost: string;
  require_tls: boolean;
  auth_username?: string;
  /** Rendered as `auth_password_file`. */
  auth_password?: SecretKeyRef;
  send_resolved: boolean;
  headers: Record<string, string>;
  html: string;
  text: string;
}

export interface SlackConfig {
  /** Rendered as `api_url_file`. */
  api_url: SecretKeyRef;
  channel: string;
  username: string;
  icon_emoji: string;
  send_resolved: boolean;
  color: string;
  title: string;
  text: string;
}

export interface WebhookConfig {
  url: string;
  send_resolved: boolean;
  /** Alerts per notification at most (0 or absent: all); the rest are counted in `truncatedAlerts`. */
  max_alerts?: number;
  /** `credentials` is rendered as `credentials_file`. */
  http_config?: { authorization: { type: string; credentials: SecretKeyRef } };
}

export interface Receiver {
  name: string;
  email_configs?: EmailConfig[];
  slack_configs?: SlackConfig[];
  webhook_configs?: WebhookConfig[];
}

export interface AlertmanagerConfig {
  global: { resolve_timeout: string };
  route: Route;
  inhibit_rules: InhibitRule[];
  receivers: Receiver[];
}

/** What alert-rules/ hands to the charts: the routing tree and its notification templates. */
export interface AlertmanagerArtifact {
  config: AlertmanagerConfig;
  /** Notification templates (Go templates), by file name. */
  templates: TextFile[];
}

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

export const DEFAULT_ALERTMANAGER_PATHS: AlertmanagerPaths = { secretsDir: ALERTMANAGER_SECRETS_DIR, templatesDir: 'templates' };

export const secretPath = (paths: AlertmanagerPaths, ref: SecretKeyRef): string => `${paths.secretsDir}/${ref.name}/${ref.key}`;

/** Fields that hold a Secret reference, and the `*_file` option Alertmanager reads it from. */
const SECRET_FIELDS: Readonly<Record<string, string>> = { auth_password: 'auth_password_file', api_url: 'api_url_file', credentials: 'credentials_file' };

type Plain = Record<string, unknown>;

/** Receiver configs with Secret references replaced by file paths, in the object's own key order. */
function withSecretFiles(value: unknown, paths: AlertmanagerPaths): unknown {
  if (Array.isArray(value)) return value.map((v) => withSecretFiles(v, paths));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Plain).map(([k, v]) =>
      SECRET_FIELDS[k] !== undefined ? [SECRET_FIELDS[k], secretPath(paths, v as SecretKeyRef)] : [k, withSecretFiles(v, paths)],
    ),
  );
}

function routeYaml(route: Route): Plain {
  return Object.fromEntries(
    Object.entries(route).map(([k, v]) => {
      if (k === 'matchers') return [k, (v as Matcher[]).map(matcherText)];
      if (k === 'routes') return [k, (v as Route[]).map(routeYaml)];
      return [k, v];
    }),
  );
}

/** alertmanager.yml as an object (serialize with toYaml): matchers as text, credentials as `*_file` paths. */
export function alertmanagerYaml(config: AlertmanagerConfig, paths: AlertmanagerPaths = DEFAULT_ALERTMANAGER_PATHS): Plain {
  if (!paths.secretsDir.startsWith('/')) throw new Error(`secretsDir must be an absolute path (got "${paths.secretsDir}")`);
  return {
    global: config.global,
    templates: [`${paths.templatesDir}/*.tmpl`],
    route: routeYaml(config.route),
    inhibit_rules: config.inhibit_rules.map((r) => ({
      source_matchers: r.source_matchers.map(matcherText),
      target_matchers: r.target_matchers.map(matcherText),
      equal: r.equal,
    })),
    receivers: withSecretFiles(config.receivers, paths),
  };
}

/** Every Secret key the configuration reads, sorted and unique: exactly what a workload must mount. */
export function secretRefsOf(config: AlertmanagerConfig): SecretKeyRef[] {
  const refs = new Map<string, SecretKeyRef>();
  for (const r of config.receivers) {
    for (const e of r.email_configs ?? []) if (e.auth_password) refs.set(`${e.auth_password.name}/${e.auth_password.key}`, e.auth_password);
    for (const s of r.slack_configs ?? []) refs.set(`${s.api_url.name}/${s.api_url.key}`, s.api_url);
    for (const w of r.webhook_configs ?? []) {
      const c = w.http_config?.authorization.credentials;
      if (c) refs.set(`${c.name}/${c.key}`, c);
    }
  }
  return [...refs.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, ref]) => ref);
}

/** The files of an Alertmanager config folder: `alertmanager.yml` and `<templatesDir>/*.tmpl` (relative templatesDir). */
export function alertmanagerFiles(artifact: AlertmanagerArtifact, paths: AlertmanagerPaths = DEFAULT_ALERTMANAGER_PATHS): TextFile[] {
  if (paths.templatesDir.startsWith('/')) throw new Error(`templatesDir must be relative to the config folder (got "${paths.templatesDir}")`);
  return [
    { name: 'alertmanager.yml', text: toYaml(alertmanagerYaml(artifact.config, paths)) },
    ...artifact.templates.map((t) => ({ name: `${paths.templatesDir}/${t.name}`, text: t.text })),
  ];
}
