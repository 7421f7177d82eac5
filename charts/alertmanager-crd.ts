/**
 * Converts an alertmanager.yml (the alert-rules/ artifact) into the spec of a Prometheus-Operator
 * `AlertmanagerConfig` (monitoring.coreos.com/v1alpha1), for the operator profile:
 * - global SMTP and Slack settings move into each email and Slack config (the CRD has no globals);
 * - `*_file` credentials under /etc/alertmanager/secrets/<secret>/<key> become Secret key selectors
 *   (the Secrets live in the AlertmanagerConfig's namespace);
 * - webhook URLs to our own Services get the namespace, since the operator's Alertmanager runs elsewhere.
 * Anything it cannot translate faithfully is an error, never silently dropped.
 */
import { ALERTMANAGER_SECRETS_DIR } from './alertmanager.js';

type Obj = Record<string, unknown>;

export interface Matcher {
  name: string;
  value: string;
  matchType: '=' | '!=' | '=~' | '!~';
}

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*$/;

export function parseMatcher(text: string): Matcher {
  const m = MATCHER.exec(text);
  if (!m) throw new Error(`cannot parse Alertmanager matcher ${JSON.stringify(text)}`);
  const value = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[4] ?? '');
  return { name: m[1], matchType: m[2] as Matcher['matchType'], value };
}

function matchersOf(o: Obj, prefix = ''): Matcher[] {
  const out: Matcher[] = [];
  for (const t of (o[`${prefix}matchers`] as string[] | undefined) ?? []) out.push(parseMatcher(t));
  for (const [name, value] of Object.entries((o[`${prefix}match`] as Record<string, string> | undefined) ?? {})) out.push({ name, value, matchType: '=' });
  for (const [name, value] of Object.entries((o[`${prefix}match_re`] as Record<string, string> | undefined) ?? {})) out.push({ name, value, matchType: '=~' });
  return out;
}

export function secretOf(path: string): { name: string; key: string } {
  const rel = path.startsWith(`${ALERTMANAGER_SECRETS_DIR}/`) ? path.slice(ALERTMANAGER_SECRETS_DIR.length + 1).split('/') : [];
  if (rel.length !== 2) throw new Error(`credential file ${path} is not under ${ALERTMANAGER_SECRETS_DIR}/<secret>/<key>`);
  return { name: rel[0], key: rel[1] };
}

const DURATIONS = ['group_wait', 'group_interval', 'repeat_interval'] as const;

function route(r: Obj): Obj {
  const known = new Set(['receiver', 'group_by', 'continue', 'routes', 'matchers', 'match', 'match_re', ...DURATIONS]);
  const unknown = Object.keys(r).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new Error(`route fields not supported by AlertmanagerConfig: ${unknown.join(', ')}`);
  const out: Obj = {};
  if (r.receiver !== undefined) out.receiver = r.receiver;
  if (r.group_by !== undefined) out.groupBy = r.group_by;
  if (r.group_wait !== undefined) out.groupWait = r.group_wait;
  if (r.group_interval !== undefined) out.groupInterval = r.group_interval;
  if (r.repeat_interval !== undefined) out.repeatInterval = r.repeat_interval;
  const matchers = matchersOf(r);
  if (matchers.length > 0) out.matchers = matchers;
  if (r.continue !== undefined) out.continue = r.continue;
  if (Array.isArray(r.routes) && r.routes.length > 0) out.routes = (r.routes as Obj[]).map(route);
  return out;
}

/** snake_case field -> the CRD's camelCase name, where it is not a plain conversion. */
const SPECIAL: Record<string, string> = {
  api_url: 'apiURL', icon_url: 'iconURL', image_url: 'imageURL', thumb_url: 'thumbURL', require_tls: 'requireTLS',
};
const camel = (k: string): string => SPECIAL[k] ?? k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const PLAIN: Record<string, string[]> = {
  email: ['to', 'from', 'hello', 'smarthost', 'auth_username', 'auth_identity', 'html', 'text', 'require_tls', 'send_resolved'],
  slack: ['channel', 'username', 'color', 'title', 'title_link', 'pretext', 'text', 'footer', 'fallback', 'callback_id', 'icon_emoji', 'icon_url', 'image_url', 'thumb_url', 'link_names', 'mrkdwn_in', 'short_fields', 'send_resolved'],
  webhook: ['url', 'send_resolved', 'max_alerts'],
};

function convertConfig(kind: 'email' | 'slack' | 'webhook', c: Obj, global: Obj, namespace: string): Obj {
  const out: Obj = {};
  const handled = new Set(PLAIN[kind]);
  for (const k of PLAIN[kind]) if (c[k] !== undefined) out[camel(k)] = c[k];
  if (kind === 'email') {
    for (const [k, g] of [['from', 'smtp_from'], ['smarthost', 'smtp_smarthost'], ['hello', 'smtp_hello'], ['auth_username', 'smtp_auth_username'], ['require_tls', 'smtp_require_tls']]) {
      if (out[camel(k)] === undefined && global[g] !== undefined) out[camel(k)] = global[g];
    }
    const pw = (c.auth_password_file ?? global.smtp_auth_password_file) as string | undefined;
    if (pw) out.authPassword = secretOf(pw);
    handled.add('auth_password_file');
    if (c.headers !== undefined) {
      out.headers = Object.entries(c.headers as Record<string, string>).sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => ({ key, value }));
      handled.add('headers');
    }
  }
  if (kind === 'slack') {
    const file = (c.api_url_file ?? global.slack_api_url_file) as string | undefined;
    if (file) out.apiURL = secretOf(file);
    handled.add('api_url_file');
    if (c.fields !== undefined) {
      out.fields = c.fields;
      handled.add('fields');
    }
  }
  if (c.http_config !== undefined) {
    out.httpConfig = httpConfig(c.http_config as Obj);
    handled.add('http_config');
  }
  if (kind === 'webhook') {
    if (typeof out.url === 'string') out.url = qualify(out.url, namespace);
    if (c.url_file !== undefined) {
      out.urlSecret = secretOf(c.url_file as string);
      handled.add('url_file');
    }
  }
  const unknown = Object.keys(c).filter((k) => !handled.has(k));
  if (unknown.length > 0) throw new Error(`${kind}_configs fields not supported by the AlertmanagerConfig conversion: ${unknown.join(', ')}`);
  return out;
}

/** `http_config` with file credentials -> the CRD's HTTPConfig with Secret key selectors. */
function httpConfig(h: Obj): Obj {
  const out: Obj = {};
  for (const k of Object.keys(h)) {
    if (k === 'authorization') {
      const a = h.authorization as Obj;
      const unknown = Object.keys(a).filter((x) => x !== 'type' && x !== 'credentials_file');
      if (unknown.length > 0 || a.credentials_file === undefined) throw new Error(`http_config.authorization: only type and credentials_file convert (got ${Object.keys(a).join(', ')})`);
      out.authorization = { ...(a.type !== undefined ? { type: a.type } : {}), credentials: secretOf(a.credentials_file as string) };
    } else if (k === 'bearer_token_file') {
      out.bearerTokenSecret = secretOf(h[k] as string);
    } else if (k === 'follow_redirects') {
      out.followRedirects = h[k];
    } else {
      throw new Error(`http_config.${k} is not supported by the AlertmanagerConfig conversion`);
    }
  }
  return out;
}

/** `http://svc:port/path` (a Service of ours) -> `http://svc.<ns>.svc:port/path`. */
export function qualify(url: string, namespace: string): string {
  return url.replace(/^(https?:\/\/)([a-z0-9-]+)(:\d+)?(\/|$)/, (_, scheme: string, host: string, port = '', rest: string) => `${scheme}${host}.${namespace}.svc${port}${rest}`);
}

export function toAlertmanagerConfigSpec(amConfig: Obj, namespace: string): Obj {
  const global = (amConfig.global as Obj | undefined) ?? {};
  const receivers = ((amConfig.receivers as Obj[] | undefined) ?? []).map((r) => {
    const out: Obj = { name: r.name };
    for (const kind of ['email', 'slack', 'webhook'] as const) {
      const list = r[`${kind}_configs`] as Obj[] | undefined;
      if (list && list.length > 0) out[`${kind}Configs`] = list.map((c) => convertConfig(kind, c, global, namespace));
    }
    const unknown = Object.keys(r).filter((k) => !['name', 'email_configs', 'slack_configs', 'webhook_configs'].includes(k));
    if (unknown.length > 0) throw new Error(`receiver ${String(r.name)}: ${unknown.join(', ')} not supported by the AlertmanagerConfig conversion`);
    return out;
  });
  const inhibitRules = ((amConfig.inhibit_rules as Obj[] | undefined) ?? []).map((i) => ({
    sourceMatch: matchersOf(i, 'source_'),
    targetMatch: matchersOf(i, 'target_'),
    ...(i.equal ? { equal: i.equal } : {}),
  }));
  return {
    route: route((amConfig.route as Obj | undefined) ?? {}),
    receivers,
    ...(inhibitRules.length > 0 ? { inhibitRules } : {}),
  };
}
