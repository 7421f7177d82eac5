/**
 * What the Prometheus Operator makes of an AlertmanagerConfig, for tests: a port of
 * `ConfigBuilder.AddAlertmanagerConfigs` (pkg/alertmanager/amcfg.go, prometheus-operator main,
 * read for this emulation) for Alertmanager >= 0.22 (matchers syntax):
 *
 * - every receiver, and every route's receiver, is renamed `<namespace>/<name>/<receiver>`
 *   (`makeNamespacedString`);
 * - matchers keep their type, written `name<op>"value"` (`Matcher.String`);
 * - the enforcer of `alertmanagerConfigMatcherStrategy` (`getEnforcer`): `OnNamespace` (the
 *   default) adds `namespace="<namespace>"` to the AlertmanagerConfig's top route and to the source
 *   and target matchers of its inhibit rules; `OnNamespaceExceptForAlertmanagerNamespace` does so
 *   unless the AlertmanagerConfig lives in Alertmanager's own namespace; `None` adds nothing;
 * - the top route always gets `continue: true` (`continueToNextRoute`), and the AlertmanagerConfigs'
 *   routes go before the base configuration's routes (sorted by namespace/name);
 * - inhibit rules are appended to the base configuration's.
 *
 * Secret references are resolved to stand-in values here, as the operator resolves them to the
 * Secrets' contents: only the routing matters to the tests.
 */
import type { IAlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';

export type MatcherStrategy = 'OnNamespace' | 'OnNamespaceExceptForAlertmanagerNamespace' | 'None';

type Spec = IAlertmanagerConfig['spec'];
type CrdRoute = NonNullable<Spec['route']>;
type CrdMatcher = { name: string; value?: string; matchType?: string; regex?: boolean };
type Obj = Record<string, unknown>;

export interface AlertmanagerConfigObject {
  namespace: string;
  name: string;
  spec: Spec;
}

const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function matcherText(m: CrdMatcher): string {
  if (m.matchType) return `${m.name}${m.matchType}"${escape(m.value ?? '')}"`;
  return `${m.name}${m.regex ? '=~' : '='}"${escape(m.value ?? '')}"`;
}

const namespaced = (name: string | undefined, cr: AlertmanagerConfigObject): string | undefined => (name ? `${cr.namespace}/${cr.name}/${name}` : undefined);

function route(r: CrdRoute, cr: AlertmanagerConfigObject): Obj {
  const children = (r.routes ?? []) as unknown as CrdRoute[];
  return {
    ...(r.receiver ? { receiver: namespaced(r.receiver, cr) } : {}),
    ...(r.groupBy ? { group_by: r.groupBy } : {}),
    ...(r.groupWait ? { group_wait: r.groupWait } : {}),
    ...(r.groupInterval ? { group_interval: r.groupInterval } : {}),
    ...(r.repeatInterval ? { repeat_interval: r.repeatInterval } : {}),
    ...(r.matchers && r.matchers.length > 0 ? { matchers: (r.matchers as CrdMatcher[]).map(matcherText) } : {}),
    ...(r.continue ? { continue: true } : {}),
    ...(children.length > 0 ? { routes: children.map((c) => route(c, cr)) } : {}),
  };
}

/** A receiver with the same integrations, Secret values replaced by stand-ins. */
function receiver(r: NonNullable<Spec['receivers']>[number], cr: AlertmanagerConfigObject): Obj {
  return {
    name: namespaced(r.name, cr),
    ...(r.emailConfigs
      ? {
          email_configs: r.emailConfigs.map((e) => ({
            to: e.to, from: e.from, smarthost: e.smarthost, require_tls: e.requireTLS,
            ...(e.authUsername ? { auth_username: e.authUsername, auth_password: 'secret-from-kubernetes' } : {}),
            send_resolved: e.sendResolved,
            headers: Object.fromEntries((e.headers ?? []).map((h) => [h.key, h.value])),
            html: e.html, text: e.text,
          })),
        }
      : {}),
    ...(r.slackConfigs
      ? {
          slack_configs: r.slackConfigs.map((s) => ({
            api_url: 'https://hooks.slack.invalid/services/secret-from-kubernetes', channel: s.channel, username: s.username,
            icon_emoji: s.iconEmoji, send_resolved: s.sendResolved, color: s.color, title: s.title, text: s.text,
          })),
        }
      : {}),
    ...(r.webhookConfigs
      ? {
          webhook_configs: r.webhookConfigs.map((w) => ({
            url: w.url, send_resolved: w.sendResolved,
            ...(w.httpConfig?.authorization ? { http_config: { authorization: { type: w.httpConfig.authorization.type, credentials: 'secret-from-kubernetes' } } } : {}),
          })),
        }
      : {}),
  };
}

/** The configuration the operator would hand to Alertmanager: `base` with the AlertmanagerConfigs merged in. */
export function operatorAlertmanagerYaml(
  base: Obj,
  crs: readonly AlertmanagerConfigObject[],
  strategy: MatcherStrategy,
  alertmanagerNamespace: string,
): Obj {
  const out = structuredClone(base) as { route: Obj & { routes?: Obj[] }; inhibit_rules?: Obj[]; receivers: Obj[] };
  const enforce = (cr: AlertmanagerConfigObject): boolean =>
    strategy === 'OnNamespace' || (strategy === 'OnNamespaceExceptForAlertmanagerNamespace' && cr.namespace !== alertmanagerNamespace);
  const subRoutes: Obj[] = [];
  for (const cr of [...crs].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`))) {
    const namespaceMatcher = `namespace="${cr.namespace}"`;
    for (const ir of cr.spec.inhibitRules ?? []) {
      const source = ((ir.sourceMatch ?? []) as CrdMatcher[]).map(matcherText);
      const target = ((ir.targetMatch ?? []) as CrdMatcher[]).map(matcherText);
      if (enforce(cr)) {
        if (!source.includes(namespaceMatcher)) source.push(namespaceMatcher);
        if (!target.includes(namespaceMatcher)) target.push(namespaceMatcher);
      }
      out.inhibit_rules = [...(out.inhibit_rules ?? []), { source_matchers: source, target_matchers: target, ...(ir.equal ? { equal: ir.equal } : {}) }];
    }
    if (!cr.spec.route) continue;
    const top = route(cr.spec.route, cr) as Obj & { matchers?: string[] };
    if (enforce(cr)) top.matchers = [...(top.matchers ?? []), namespaceMatcher];
    top.continue = true;
    subRoutes.push(top);
    for (const r of cr.spec.receivers ?? []) out.receivers.push(receiver(r, cr));
  }
  out.route.routes = [...subRoutes, ...(out.route.routes ?? [])];
  return out;
}
